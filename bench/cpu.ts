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
