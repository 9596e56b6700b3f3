/**
 * One more tenant on an owner's cluster: its own data, database, cache, DNS and logs as the owner
 * declares them for its app, its pods' share of the node groups' capacity, and any node beyond a
 * group's maximum that the pods of both would need.
 */
import { estimate, type Estimate, type EstimateOptions } from "./estimate";
import { newLine, type CostLine } from "./lines";
import { clamp, eligible, nodeGroupShape, nodesFor, type GroupSizing } from "./nodes";
import { isUnder, TENANT_COMPONENTS, underTopLevel, type PlanResource } from "./plan";
import { podDemands, type PodDemand } from "./pods";
import { regionPrices } from "./priceTable";

function shareLine(sizing: GroupSizing, pods: readonly PodDemand[], options: EstimateOptions, line: CostLine): void {
    const g = sizing.group;
    const node = sizing.allocatable;
    const row = regionPrices(options.table, options.region)[`ec2.${g.instanceType}`];
    if (!node || !row) {
        line.unpriced.push(`the pods' share of ${g.name}: no allocatable or price for ${g.instanceType}`);
        return;
    }
    const cpu = pods.reduce((a, p) => a + p.cpu * p.min, 0) / node.cpu;
    const memory = pods.reduce((a, p) => a + p.memory * p.min, 0) / node.memory;
    const share = Math.max(cpu, memory);
    const amount = share * row.usd * options.table.hoursPerMonth;
    line.fixed += amount;
    line.fixedCeiling += amount;
    line.details.push(
        `${pods.map((p) => `${p.min} × ${p.name}`).join(", ")}: ${share.toFixed(3)} of a ${g.instanceType} (CPU ${cpu.toFixed(3)}, memory ${memory.toFixed(3)}) × ${options.table.hoursPerMonth} h × $${row.usd}`,
    );
    const owner = sizing.pods.map((p) => ({ ...p, count: p.min }));
    const both = nodesFor([...owner, ...pods.map((p) => ({ ...p, count: p.min }))], node);
    if (both === undefined) return;
    const beyond = both - g.maxSize;
    line.details.push(
        `with the tenant, the group's pods need ${both} nodes (owner alone: ${sizing.atPodMin ?? "?"}; the group runs ${clamp(g, sizing.atPodMin ?? g.minSize)}, at most ${g.maxSize})`,
    );
    if (beyond > 0) {
        const extra = beyond * row.usd * options.table.hoursPerMonth;
        line.fixed += extra;
        line.fixedCeiling += extra;
        line.details.push(`${beyond} node(s) beyond maxSize ${g.maxSize}: raise it, counted at $${extra.toFixed(2)}`);
    }
}

/** The marginal monthly estimate of one more tenant of the owner whose render `resources` is. */
export function tenantEstimate(resources: readonly PlanResource[], options: EstimateOptions): Estimate {
    const own = estimate(underTopLevel(resources, TENANT_COMPONENTS), options);
    const owner = estimate(resources, options);
    // A new tenant runs the app's web pods and workers, not a canary the owner may be running.
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const app = underTopLevel(resources, ["capstan:app:RailsApp"]).filter(
        (r) => !isUnder(r, byUrn, "capstan:app:Canary"),
    );
    const appPods = podDemands(app);
    const groups = resources
        .filter((r) => r.type === "aws:autoscaling/group:Group")
        .map((r) => nodeGroupShape(r, resources));
    const lines = [...own.lines];
    for (const sizing of owner.sizing) {
        const pods = appPods.filter((p) => groups.find((g) => eligible(p, g))?.name === sizing.group.name);
        if (pods.length === 0) continue;
        const line = newLine("node groups", {
            urn: "",
            type: "aws:autoscaling/group:Group",
            name: `${sizing.group.name} (tenant's share)`,
            inputs: {},
        });
        shareLine(sizing, pods, options, line);
        lines.push(line);
    }
    const sum = (f: (l: CostLine) => number) => lines.reduce((a, l) => a + f(l), 0);
    const fixed = sum((l) => l.fixed);
    const usage = sum((l) => l.usage);
    return {
        ...own,
        lines,
        sizing: owner.sizing,
        total: { fixed, usage, monthly: fixed + usage, ceiling: sum((l) => l.fixedCeiling) + usage },
    };
}
