/**
 * `capstan init <stack>`: a stack file of one's own (scripts/init/command.ts). Asks on a terminal,
 * or with --interactive on any input; otherwise its options answer.
 */
import * as readline from "readline";
import { readCommandLine, runAsProcess } from "./cli/cli";
import { PROJECT_DIR } from "./cli/program";
import { parseInitArgs, runInit, USAGE } from "./init/command";

/** A question on stdin, line by line, whether it is a terminal or a script. */
function lineReader(): { ask: (prompt: string) => Promise<string | undefined>; close: () => void } {
    const rl = readline.createInterface({ input: process.stdin, terminal: false });
    const lines: string[] = [];
    const waiting: ((line: string | undefined) => void)[] = [];
    let ended = false;
    rl.on("line", (line) => (waiting.length ? waiting.shift()!(line) : lines.push(line)));
    rl.on("close", () => {
        ended = true;
        while (waiting.length) waiting.shift()!(undefined);
    });
    return {
        ask: (prompt) => {
            process.stdout.write(prompt);
            if (lines.length) return Promise.resolve(lines.shift());
            if (ended) return Promise.resolve(undefined);
            return new Promise((resolve) => waiting.push(resolve));
        },
        close: () => rl.close(),
    };
}

/** Entry point for `capstan init`. */
export async function main(argv: readonly string[]): Promise<number> {
    const stderr = (t: string) => process.stderr.write(t);
    const line = readCommandLine({ name: "init", usage: USAGE, stderr }, () => parseInitArgs(argv));
    if ("exitCode" in line) return line.exitCode;
    const interactive = line.args.interactive || process.stdin.isTTY === true;
    const reader = interactive ? lineReader() : undefined;
    try {
        const io = {
            dir: process.env.CAPSTAN_STACK_DIR ?? PROJECT_DIR,
            stdout: (t: string) => process.stdout.write(t),
            stderr,
            interactive,
            ask: reader?.ask ?? (() => Promise.resolve(undefined)),
        };
        return await runInit(argv, io);
    } finally {
        reader?.close();
    }
}

if (require.main === module) runAsProcess("init", main);
