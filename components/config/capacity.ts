import type { ConfigProblem } from "./errors";
import { eligibleGroups, workloadPlacements } from "./placement";
import { parseQuantity } from "../core/quantity";
import type { RootConfig } from "./schema";

/**
 * vCPUs and GiB of an EC2 instance type, read from its name for the general-purpose, compute and
 * memory families, whose sizes are regular: `medium` is 1 vCPU, `large` 2, `xlarge` 4, `Nxlarge`
 * 4N; memory is 4 (m), 2 (c) or 8 (r) GiB per vCPU. Undefined for any other type (its capacity is
 * not guessed).
 */
export function instanceCapacity(type: string): { cpu: number; memoryGiB: number } | undefined {
    const m = /^([mcr])\d+[a-z]*\.(medium|large|xlarge|(\d+)xlarge)$/.exec(type);
    if (!m) return undefined;
    const cpu = m[2] === "medium" ? 1 : m[2] === "large" ? 2 : 4 * Number(m[3] ?? 1);
    return { cpu, memoryGiB: cpu * { m: 4, c: 2, r: 8 }[m[1] as "m" | "c" | "r"] };
}

const at = (path: string, message: string): ConfigProblem => ({ path: `capstan:${path}`, message });

/**
 * A pod that requests more CPU or memory than any node it may run on has stays Pending: no node
 * fits it, and the autoscaler has no larger one to add. Checked where every instance type of the
 * eligible groups is one {@link instanceCapacity} knows.
 */
export function capacityProblems(cfg: RootConfig): ConfigProblem[] {
    const groups = cfg.nodeGroups.map((g) => {
        const sizes = g.instanceTypes.map((t) => ({ type: t, capacity: instanceCapacity(t) }));
        return {
            ...g,
            sizes: sizes.every((s) => s.capacity)
                ? (sizes as { type: string; capacity: { cpu: number; memoryGiB: number } }[])
                : undefined,
        };
    });
    const [web, ...workers] = workloadPlacements(cfg.app);
    const pods = [
        { path: "app.web.resources", resources: cfg.app.web.resources, placement: web },
        ...(cfg.app.migrate.resources
            ? [{ path: "app.migrate.resources", resources: cfg.app.migrate.resources, placement: web }]
            : []),
        ...cfg.app.cron.map((c, i) => ({ path: `app.cron[${i}].resources`, resources: c.resources, placement: web })),
        ...cfg.app.workers.map((w, i) => ({
            path: `app.workers[${i}].resources`,
            resources: w.resources,
            placement: workers[i],
        })),
    ];
    const problems: ConfigProblem[] = [];
    for (const pod of pods) {
        const eligible = eligibleGroups(pod.placement, groups);
        if (eligible.length === 0 || eligible.some((g) => !g.sizes)) continue;
        const sizes = eligible.flatMap((g) => g.sizes!.map((s) => ({ ...s, group: g.name })));
        const largest = (key: "cpu" | "memoryGiB") =>
            sizes.reduce((a, b) => (b.capacity[key] > a.capacity[key] ? b : a));
        const cpu = parseQuantity(pod.resources.cpu) ?? 0;
        const memory = (parseQuantity(pod.resources.memory) ?? 0) / 2 ** 30;
        const big = largest("cpu");
        if (cpu > big.capacity.cpu) {
            problems.push(
                at(
                    `${pod.path}.cpu`,
                    `${JSON.stringify(pod.resources.cpu)} is more CPU than the largest node its pods can run on has (${big.type} in ${big.group}: ${big.capacity.cpu} vCPUs), so they would stay Pending; request less, or add a larger instance type`,
                ),
            );
        }
        const roomy = largest("memoryGiB");
        if (memory > roomy.capacity.memoryGiB) {
            problems.push(
                at(
                    `${pod.path}.memory`,
                    `${JSON.stringify(pod.resources.memory)} is more memory than the largest node its pods can run on has (${roomy.type} in ${roomy.group}: ${roomy.capacity.memoryGiB}Gi), so they would stay Pending; request less, or add a larger instance type`,
                ),
            );
        }
    }
    return problems;
}
