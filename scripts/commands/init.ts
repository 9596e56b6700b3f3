/**
 * `capstan init <stack>`: a stack file of one's own (scripts/init/command.ts). Asks on a terminal,
 * or with --interactive on any input; otherwise its options answer.
 */
import * as readline from "readline";
import { UsageError } from "../cli/cli";
import { defineCommand, type OptionSpec } from "../cli/define";
import { processIo, runCommand } from "../cli/runCommand";
import { stackDir } from "../cli/target";
import { init, type InitArgs, type InitIo } from "../init/command";
import { QUESTIONS } from "../init/questions";

/** One option per question, named by its flag: `--public-hosts HOSTS`. */
const ANSWER_OPTIONS: readonly OptionSpec[] = QUESTIONS.map((q) => ({
    name: q.flag.slice(2),
    value: q.value,
    description: q.prompt,
}));

export const definition = defineCommand<InitArgs>({
    name: "init",
    summary: "write Pulumi.<stack>.yaml, a stack of your own account, from a committed stack's shape",
    description:
        "Writes Pulumi.<stack>.yaml from the shape of a committed stack (staging; tenant-acme for --cluster shared; local for --cluster external; or --from), with every account value your own. On a terminal (or with --interactive) it asks for what the options leave out, and asks again after a bad value; otherwise each value comes from its option, and every missing or bad one is listed at once. Each value is checked in the config check's words (an ARN's region and account against the stack's, a host's syntax, the tag rule, the example values). It never overwrites a file, and it prints the secrets still to set with their commands.",
    synopsis: ["<stack> [--from <stack>] [--interactive] [options]"],
    arguments: [
        {
            name: "stack",
            description: "the new stack's name: letters, digits, '_', '.', '-'",
            missing: "name the new stack, e.g. capstan init mystaging",
        },
    ],
    options: [
        {
            name: "from",
            value: "STACK",
            description: "the committed stack whose shape the new one takes",
            default: "staging (tenant-acme with --cluster shared, local with --cluster external)",
            stack: true,
        },
        {
            name: "interactive",
            description: "ask for what the options leave out, on any input (a terminal asks anyway)",
        },
        ...ANSWER_OPTIONS,
    ],
    examples: [
        { command: "capstan init mystaging", says: "asks for each value on a terminal" },
        {
            command:
                "capstan init mystaging --region eu-west-1 --account 210987654321 --api-access 198.18.0.0/24 --public-hosts staging.shop.io --public-cert arn:aws:acm:eu-west-1:210987654321:certificate/0f3c --image shop --image-tag 2026.12.07-abc1234 --backend s3://shop-state --secrets-provider passphrase",
            says: "the same in CI, every value from its option",
        },
        { command: "capstan init myprod --from prod", says: "prod's shape: database, VPN entry, production sizes" },
    ],
    exits: [],
    parse: (line) => {
        const stack = line.positionals[0];
        if (!/^[A-Za-z0-9_.-]+$/.test(stack))
            throw new UsageError(`${JSON.stringify(stack)} is not a stack name: letters, digits, '_', '.', '-'`);
        const given = new Map<string, string>();
        for (const q of QUESTIONS) {
            const value = line.options[q.flag.slice(2)];
            if (typeof value === "string") given.set(q.flag, value);
        }
        const from = line.options.from;
        return {
            stack,
            from: typeof from === "string" ? from : undefined,
            interactive: line.options.interactive === true,
            given,
        };
    },
});

/** The command itself, separate from the process so that tests can run it in-process. */
export function initCli(argv: readonly string[], io: InitIo): Promise<number> {
    return runCommand(definition, argv, io, (args) => init(args, io), io.dir);
}

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

/** Entry point of `capstan init`: asks on a terminal or with --interactive. */
export function main(argv: readonly string[]): Promise<number> {
    const dir = stackDir();
    return runCommand(
        definition,
        argv,
        processIo,
        async (args) => {
            const interactive = args.interactive || process.stdin.isTTY === true;
            const reader = interactive ? lineReader() : undefined;
            try {
                const ask = reader?.ask ?? (() => Promise.resolve(undefined));
                return await init(args, { ...processIo, dir, interactive, ask });
            } finally {
                reader?.close();
            }
        },
        dir,
    );
}
