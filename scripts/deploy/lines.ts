/**
 * Turns output that arrives in arbitrary chunks into whole lines, so that progress is printed line
 * by line even when the CLI's output is split mid-line.
 */
export function lineWriter(write: (line: string) => void): { push: (chunk: string) => void; flush: () => void } {
    let pending = "";
    return {
        push(chunk: string) {
            pending += chunk;
            let nl = pending.indexOf("\n");
            while (nl >= 0) {
                write(pending.slice(0, nl + 1));
                pending = pending.slice(nl + 1);
                nl = pending.indexOf("\n");
            }
        },
        flush() {
            if (pending) write(`${pending}\n`);
            pending = "";
        },
    };
}
