import * as fs from "fs";

/**
 * The CPU time (ms) of this process's finished children and their own finished children: every
 * command the benchmark ran (the deploy and the CLI, provider and policy pack it started, kubectl),
 * read from /proc; 0 where there is no /proc. Less disturbed than wall time by a busy machine.
 */
export function childrenCpuMs(): number {
    try {
        const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
        // Fields 16 and 17 of stat (cutime, cstime), in clock ticks of 10 ms.
        return (Number(fields[13]) + Number(fields[14])) * 10;
    } catch {
        return 0;
    }
}

export const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** A step's wall time and the CPU time of the commands it ran. */
export async function timed<T>(step: () => Promise<T>): Promise<{ value: T; ms: number; cpuMs: number }> {
    const started = Date.now();
    const cpu = childrenCpuMs();
    const value = await step();
    return { value, ms: Date.now() - started, cpuMs: childrenCpuMs() - cpu };
}
