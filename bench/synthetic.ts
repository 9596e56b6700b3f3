/**
 * Synthetic stacks for the benchmark: a committed stack's values with the app's workers and cron
 * tasks replaced by `workloads` generated ones (half workers, half cron tasks), so that the size
 * of a stack is the only thing that varies between them.
 */

/** One benchmarked stack: a committed stack file, optionally with whole top-level keys replaced. */
export interface BenchStack {
    /** The label in the table and in results.json, e.g. `staging` or `synthetic-50`. */
    readonly label: string;
    /** The committed stack whose file is rendered. */
    readonly stack: string;
    /** Values replacing the stack file's, by fully qualified top-level key. */
    readonly overrides: Record<string, unknown>;
}

export interface SyntheticWorkloads {
    readonly workers: { name: string; command: string[] }[];
    readonly cron: { name: string; schedule: string; command: string[] }[];
}

/** `workloads` workers and cron tasks, half each (the odd one is a worker), with unique, valid names. */
export function syntheticWorkloads(workloads: number): SyntheticWorkloads {
    if (!Number.isInteger(workloads) || workloads < 0)
        throw new Error(`workloads must be a whole number, got ${workloads}`);
    const nWorkers = Math.ceil(workloads / 2);
    const nCron = workloads - nWorkers;
    const id = (i: number) => String(i + 1).padStart(3, "0");
    return {
        workers: Array.from({ length: nWorkers }, (_, i) => ({
            name: `queue-${id(i)}`,
            command: ["bundle", "exec", "sidekiq", "-q", `queue-${id(i)}`],
        })),
        // Spread over the day so that no two tasks share a schedule until there are 1440 of them.
        cron: Array.from({ length: nCron }, (_, i) => ({
            name: `task-${id(i)}`,
            schedule: `${i % 60} ${Math.floor(i / 60) % 24} * * *`,
            command: ["bundle", "exec", "rake", `task-${id(i)}`],
        })),
    };
}

/**
 * The overrides that turn `base` (a stack file's values, keys fully qualified) into a synthetic
 * stack: the same `capstan:app` with generated workers and cron tasks.
 */
export function syntheticOverrides(base: Record<string, unknown>, workloads: number): Record<string, unknown> {
    const app = base["capstan:app"];
    if (typeof app !== "object" || app === null) throw new Error("the base stack has no capstan:app to extend");
    return { "capstan:app": { ...structuredClone(app), ...syntheticWorkloads(workloads) } };
}

/** The committed stacks and the synthetic ones built from `base`, in the order the table shows them. */
export function benchStacks(
    committed: readonly string[],
    base: { stack: string; values: Record<string, unknown> },
    sizes: readonly number[],
): BenchStack[] {
    return [
        ...committed.map((stack) => ({ label: stack, stack, overrides: {} })),
        ...sizes.map((n) => ({
            label: `synthetic-${n}`,
            stack: base.stack,
            overrides: syntheticOverrides(base.values, n),
        })),
    ];
}
