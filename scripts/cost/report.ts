/** An estimate as a table for the terminal, as Markdown for a merge request, and as JSON. */
import type { Estimate } from "./estimate";
import type { CostLine } from "./lines";

export const usd = (n: number) => `$${n.toFixed(2)}`;

const COMPONENT_ORDER = [
    "network",
    "cluster",
    "node groups",
    "edge",
    "database",
    "cache",
    "bucket and queues",
    "observability",
    "dns",
    "cdn",
    "other",
];

function byComponent(lines: readonly CostLine[]): [string, CostLine[]][] {
    return COMPONENT_ORDER.map((c): [string, CostLine[]] => [c, lines.filter((l) => l.component === c)]).filter(
        ([, ls]) => ls.length > 0,
    );
}

/** The lines every format shares: what was assumed, and what has no price. */
function notes(e: Estimate): string[] {
    const u = e.usage;
    const out = [
        `Usage assumed (capstan:cost.usage): ${u.requestsMillions}M requests, ${u.gbServed} GB served, ${u.logGB} GB of logs, ${u.metricSamplesMillions}M metric samples, ${u.natGB} GB through NAT, database ${u.databaseStorageGB} GB and ${u.databaseIoMillions}M I/O, bucket ${u.bucketGB} GB, assets ${u.assetsGB} GB, ${u.queueRequestsMillions}M requests per queue.`,
        "Sizes: node groups at the nodes their pods request at the autoscalers' minimum (within the group's bounds), serverless databases at their minimum capacity; the ceiling puts node groups at maxSize and databases at their maximum.",
    ];
    for (const s of e.sizing)
        out.push(
            `Node group ${s.group.name}: ${s.pods.length} workloads, ${s.allocatable ? `${s.allocatable.cpu}m CPU and ${s.allocatable.memory} MiB allocatable per ${s.group.instanceType}` : `allocatable unknown for ${s.group.instanceType}`}; pods need ${s.atPodMin ?? "?"} nodes at their minimum and ${s.atPodMax ?? "?"} at their maximum.`,
        );
    const unpriced = [
        ...e.lines.flatMap((l) => l.unpriced.map((u) => `${l.name} (${l.type}): ${u}`)),
        ...e.unpricedTypes.map((t) => `${t.name} (${t.type}): no price for this type`),
    ];
    if (unpriced.length > 0) out.push("Unpriced, not counted (not zero):", ...unpriced.map((u) => `  - ${u}`));
    return out;
}

export function formatTable(stack: string, e: Estimate): string {
    const rows: string[][] = [["component", "resource", "type", "fixed/mo", "usage/mo"]];
    for (const [component, lines] of byComponent(e.lines))
        for (const l of lines)
            rows.push([component, l.name, l.type.split(":")[1] ?? l.type, usd(l.fixed), usd(l.usage)]);
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    const text = rows.map((r) => r.map((c, i) => (i >= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  "));
    return [
        `cost: stack ${stack} (${e.region}), USD a month, on-demand`,
        "",
        ...text,
        "",
        `Total: ${usd(e.total.monthly)} a month (fixed ${usd(e.total.fixed)}, usage ${usd(e.total.usage)}); ceiling ${usd(e.total.ceiling)}`,
        "",
        ...notes(e),
        "",
    ].join("\n");
}

export function formatMarkdown(stack: string, e: Estimate): string {
    const out = [
        `### Monthly cost of ${stack}: ${usd(e.total.monthly)} (${e.region})`,
        "",
        "| Component | Fixed | Usage | Resources |",
        "| --- | ---: | ---: | --- |",
    ];
    for (const [component, lines] of byComponent(e.lines)) {
        const fixed = lines.reduce((a, l) => a + l.fixed, 0);
        const variable = lines.reduce((a, l) => a + l.usage, 0);
        out.push(
            `| ${component} | ${usd(fixed)} | ${usd(variable)} | ${lines.map((l) => `\`${l.name}\``).join(", ")} |`,
        );
    }
    out.push(
        `| **total** | **${usd(e.total.fixed)}** | **${usd(e.total.usage)}** | ceiling ${usd(e.total.ceiling)} |`,
        "",
        ...notes(e).map((n) => (n.startsWith("  - ") ? n.slice(2) : n)),
        "",
    );
    return out.join("\n");
}

export function formatJson(stack: string, e: Estimate): string {
    return `${JSON.stringify({ stack, ...e, sizing: e.sizing.map((s) => ({ ...s, pods: s.pods.map((p) => p.name) })) }, null, 2)}\n`;
}
