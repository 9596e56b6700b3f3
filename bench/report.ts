/**
 * The benchmark's figures per stack, the targets they are held to, and the table they print as.
 */
import type { Series } from "./measure";

/** How many resources an image bump changes, against how many it should. */
export interface ImageBump {
    /** Resources of the bumped plan that are new or differ from the plan before (updates, replacements and creates). */
    readonly changed: number;
    readonly updated: number;
    /** Changed by replacement: the migration Job, whose name follows the tag. */
    readonly replaced: number;
    readonly created: number;
    readonly deleted: number;
    /** The web Deployment, every worker Deployment and CronJob, and the migration Job. */
    readonly expected: number;
}

export interface StackResult {
    readonly label: string;
    readonly stack: string;
    readonly workers: number;
    readonly cron: number;
    readonly resources: number;
    readonly program: Series;
    readonly floor: Series;
    /**
     * Program over floor: evaluation wall time (the basis of the target), evaluation CPU time (the
     * same work, less disturbed by other processes on the machine), and total wall time.
     */
    readonly ratio: {
        readonly evaluation: number | null;
        readonly evaluationCpu: number | null;
        readonly total: number | null;
    };
    /** Program evaluation time per registered resource. */
    readonly msPerResource: number | null;
    readonly imageBump: ImageBump;
}

export interface Target {
    readonly name: string;
    readonly met: boolean;
    readonly detail: string;
}

const ratioOf = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);

/** The ratios and per-resource time of one stack from its two series. */
export function derived(
    program: Series,
    floor: Series,
    resources: number,
): Pick<StackResult, "ratio" | "msPerResource"> {
    return {
        ratio: {
            evaluation: ratioOf(program.evalMs, floor.evalMs),
            evaluationCpu: ratioOf(program.evalCpuMs, floor.evalCpuMs),
            total: ratioOf(program.wallMs, floor.wallMs),
        },
        msPerResource: resources > 0 ? Math.round((program.evalMs / resources) * 100) / 100 : null,
    };
}

/** The issue's targets, judged on these results. */
export function targets(results: readonly StackResult[]): Target[] {
    const out: Target[] = results.map((r) => ({
        name: `ratio <= 1.3 (${r.label})`,
        met: r.ratio.evaluation !== null && r.ratio.evaluation <= 1.3,
        detail: `evaluation ${r.program.evalMs} ms / floor ${r.floor.evalMs} ms = ${r.ratio.evaluation ?? "n/a"} (CPU time: ${r.ratio.evaluationCpu ?? "n/a"})`,
    }));
    const small = results.find((r) => r.label === "synthetic-10");
    const large = results.find((r) => r.label === "synthetic-200");
    if (small && large) {
        const growth =
            small.msPerResource && large.msPerResource
                ? Math.round((large.msPerResource / small.msPerResource) * 100) / 100
                : null;
        out.push({
            name: "linear growth: ms/resource at 200 workloads <= 1.5x that at 10",
            met: growth !== null && growth <= 1.5,
            detail: `${large.msPerResource ?? "n/a"} vs ${small.msPerResource ?? "n/a"} ms/resource${growth === null ? "" : ` = ${growth}x`}`,
        });
        out.push({
            name: "the 200-workload stack renders in under 15 s",
            met: large.program.wallMs < 15_000,
            detail: `${(large.program.wallMs / 1000).toFixed(1)} s in a fresh process`,
        });
    }
    for (const r of results) {
        out.push({
            name: `image bump changes the workloads plus the migration Job (${r.label})`,
            met: r.imageBump.changed === r.imageBump.expected,
            detail: `${r.imageBump.changed} changed (${r.imageBump.updated} updated, ${r.imageBump.replaced} replaced, ${r.imageBump.created} new, ${r.imageBump.deleted} gone), expected ${r.imageBump.expected}`,
        });
    }
    return out;
}

const HEADER = [
    "stack",
    "workers+cron",
    "resources",
    "program ms",
    "load",
    "eval",
    "floor ms",
    "load",
    "eval",
    "ratio (eval)",
    "ratio (cpu)",
    "ratio (total)",
    "ms/resource",
    "peak RSS MiB",
    "image bump",
];

function row(r: StackResult): string[] {
    const n = (v: number | null) => (v === null ? "n/a" : String(Math.round(v)));
    return [
        r.label,
        String(r.workers + r.cron),
        String(r.resources),
        n(r.program.wallMs),
        n(r.program.loadMs),
        n(r.program.evalMs),
        n(r.floor.wallMs),
        n(r.floor.loadMs),
        n(r.floor.evalMs),
        r.ratio.evaluation === null ? "n/a" : r.ratio.evaluation.toFixed(2),
        r.ratio.evaluationCpu === null ? "n/a" : r.ratio.evaluationCpu.toFixed(2),
        r.ratio.total === null ? "n/a" : r.ratio.total.toFixed(2),
        r.msPerResource === null ? "n/a" : r.msPerResource.toFixed(2),
        String(r.program.maxRssMiB),
        `${r.imageBump.changed}/${r.imageBump.expected}`,
    ];
}

/** The table for a terminal: aligned columns, numbers right-aligned. */
export function textTable(results: readonly StackResult[]): string {
    const rows = [HEADER, ...results.map(row)];
    const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return rows
        .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "))
        .join("\n");
}

/** The same table in Markdown, for docs/benchmarks.md. */
export function markdownTable(results: readonly StackResult[]): string {
    const rows = results.map(row);
    return [
        `| ${HEADER.join(" | ")} |`,
        `| --- |${" ---: |".repeat(HEADER.length - 1)}`,
        ...rows.map((r) => `| ${r.join(" | ")} |`),
    ].join("\n");
}

export function targetLines(list: readonly Target[]): string {
    return list.map((t) => `${t.met ? "met   " : "MISSED"}  ${t.name}: ${t.detail}`).join("\n");
}

/** A stack's figures in a results file written before, as far as the growth lines read them. */
export interface PreviousResult {
    readonly label: string;
    readonly resources: number;
    readonly program: { readonly wallMs: number; readonly evalMs: number; readonly maxRssMiB: number };
}

const percent = (before: number, after: number) =>
    before > 0 ? `${after >= before ? "+" : ""}${Math.round(((after - before) / before) * 100)}%` : "n/a";

/**
 * How much each stack's render grew since the recorded results: resources, evaluation time, the
 * process's wall time and peak memory, before and after. A stack the previous run lacked is new.
 */
export function growthLines(previous: readonly PreviousResult[], current: readonly StackResult[]): string[] {
    return current.map((r) => {
        const p = previous.find((x) => x.label === r.label);
        if (!p) return `${r.label}: new (${r.resources} resources)`;
        const d = r.resources - p.resources;
        return [
            `${r.label}: ${p.resources} -> ${r.resources} resources (${d >= 0 ? "+" : ""}${d})`,
            `eval ${p.program.evalMs} -> ${r.program.evalMs} ms (${percent(p.program.evalMs, r.program.evalMs)})`,
            `program ${p.program.wallMs} -> ${r.program.wallMs} ms (${percent(p.program.wallMs, r.program.wallMs)})`,
            `peak RSS ${p.program.maxRssMiB} -> ${r.program.maxRssMiB} MiB`,
        ].join(", ");
    });
}
