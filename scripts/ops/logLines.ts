/** The lines of `capstan logs`: pure helpers, tested without a cluster. */

/** One line of a pod's log as the API gives it with `timestamps: true`: `<RFC3339Nano> <text>`. */
export interface LogLine {
    readonly pod: string;
    readonly time: string;
    readonly text: string;
}

export function parseLogLine(pod: string, raw: string): LogLine {
    const space = raw.indexOf(" ");
    const time = space > 0 ? raw.slice(0, space) : "";
    if (!/^\d{4}-\d\d-\d\dT/.test(time)) return { pod, time: "", text: raw };
    return { pod, time, text: raw.slice(space + 1) };
}

/** Lines of many pods in the order they were written (a stable sort: a pod's own order is kept). */
export function interleave(lines: readonly LogLine[]): LogLine[] {
    // RFC 3339 in UTC, with the fraction padded to nanoseconds, sorts as text.
    const key = (l: LogLine) =>
        l.time.includes(".")
            ? l.time.replace(/\.(\d+)Z$/, (_, f: string) => `.${f.padEnd(9, "0")}Z`)
            : l.time.replace(/Z$/, ".000000000Z");
    return [...lines].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** A line as printed: the pod's name, padded so that the texts line up, then the text. */
export function formatLine(line: LogLine, podWidth: number): string {
    return `${line.pod.padEnd(podWidth)} | ${line.text}`;
}

/** Whether a line is shown under --grep. */
export function shown(line: LogLine, grep: RegExp | undefined): boolean {
    return grep === undefined || grep.test(line.text);
}
