/** The change in $/month between two estimates, per resource and in total. */
import type { Estimate } from "./estimate";
import { usd } from "./report";

export interface CostChange {
    readonly type: string;
    readonly name: string;
    readonly before: number;
    readonly after: number;
}

export interface CostDiff {
    readonly changes: readonly CostChange[];
    readonly before: number;
    readonly after: number;
}

const key = (type: string, name: string) => `${type}::${name}`;

export function diffEstimates(base: Estimate, head: Estimate): CostDiff {
    const amounts = (e: Estimate) => new Map(e.lines.map((l) => [key(l.type, l.name), l.fixed + l.usage]));
    const before = amounts(base);
    const after = amounts(head);
    const names = new Map([...base.lines, ...head.lines].map((l) => [key(l.type, l.name), l]));
    const changes = [...names.entries()]
        .map(([k, l]) => ({ type: l.type, name: l.name, before: before.get(k) ?? 0, after: after.get(k) ?? 0 }))
        .filter((c) => Math.abs(c.after - c.before) >= 0.005);
    return { changes, before: base.total.monthly, after: head.total.monthly };
}

const signed = (n: number) => `${n >= 0 ? "+" : "-"}${usd(Math.abs(n))}`;

function what(c: CostChange): string {
    return !(c.before > 0) ? "added" : !(c.after > 0) ? "removed" : "changed";
}

export function formatDiff(stack: string, d: CostDiff, markdown: boolean): string {
    const head = `${markdown ? "### " : "cost: "}Cost change of ${stack}: ${signed(d.after - d.before)} a month (${usd(d.before)} to ${usd(d.after)})`;
    if (d.changes.length === 0) return `${head}\n\nNo resource's cost changes.\n`;
    if (markdown)
        return [
            head,
            "",
            "| Resource | Type | Before | After | Change |",
            "| --- | --- | ---: | ---: | ---: |",
            ...d.changes.map(
                (c) =>
                    `| \`${c.name}\` (${what(c)}) | ${c.type} | ${usd(c.before)} | ${usd(c.after)} | ${signed(c.after - c.before)} |`,
            ),
            "",
        ].join("\n");
    return [
        head,
        "",
        ...d.changes.map(
            (c) =>
                `  ${what(c).padEnd(8)} ${c.name} (${c.type}): ${usd(c.before)} -> ${usd(c.after)} (${signed(c.after - c.before)})`,
        ),
        "",
    ].join("\n");
}
