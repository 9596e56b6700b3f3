import type { PlanDiff } from "./diff";
import type { Plan } from "./plan";

function table(rows: string[][]): string {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return rows
        .map((r) => r.map((c, i) => (i === r.length - 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  "))
        .join("\n");
}

/**
 * The render's summary: resources per type, and what an update would do. Against a previous
 * render of the same stack it counts creates, updates, replacements and deletes; otherwise everything is new.
 */
export function summarize(plan: Plan, diff?: PlanDiff): string {
    const counts = new Map<string, number>();
    for (const r of plan.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    const rows = [
        ["TYPE", "COUNT"],
        ...[...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([t, n]) => [t, String(n)]),
    ];
    const lines = [`Stack ${plan.project}/${plan.stack}: ${plan.resources.length} resources`, "", table(rows), ""];
    if (!diff) {
        lines.push(`On an empty stack: ${plan.resources.length} to create.`);
    } else {
        lines.push(
            `Against the previous render: ${diff.create.length} to create, ${diff.update.length} to update, ${diff.replace.length} to replace, ${diff.delete.length} to delete, ${diff.same} unchanged.`,
        );
        const paths = (p: string[]) => `(${p.slice(0, 3).join(", ")}${p.length > 3 ? ", ..." : ""})`;
        for (const r of diff.create) lines.push(`  + ${r.type} ${r.name}`);
        for (const u of diff.update) lines.push(`  ~ ${u.after.type} ${u.after.name} ${paths(u.paths)}`);
        for (const u of diff.replace) lines.push(`  +- ${u.after.type} ${u.after.name} ${paths(u.paths)}`);
        for (const r of diff.delete) lines.push(`  - ${r.type} ${r.name}`);
    }
    return `${lines.join("\n")}\n`;
}
