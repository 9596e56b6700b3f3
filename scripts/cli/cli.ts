/**
 * What every command of the CLI shares: how a usage error is told apart from a failure, and how
 * it is reported. A usage error prints the command's usage and exits 2; the commands' own
 * failures keep their exit codes.
 */
import * as readline from "readline";
import { EXIT } from "./exits";

/** Thrown while reading the command line: the message says what is wrong, and may be empty. */
export class UsageError extends Error {}

/** Thrown for `-h`/`--help`: the usage goes to stdout and the command exits 0. */
export class HelpRequest extends UsageError {
    constructor() {
        super("");
    }
}

/** Whether an argument asks for help. */
export function isHelp(arg: string): boolean {
    return arg === "-h" || arg === "--help";
}

/** The exit code of a command line that could not be read. */
export const USAGE_EXIT = EXIT.usage;

/**
 * The exit code of a command that cannot run because a tool it needs is missing: the Pulumi CLI, a
 * piece of the toolchain, a kubeconfig context. The message names the command that installs or
 * selects it.
 */
export const MISSING_TOOL_EXIT = EXIT.missingTool;

export interface Command {
    /** The command's name, prefixed to its messages: `render: unknown option --x`. */
    readonly name: string;
    /** The usage text, printed after any usage error. */
    readonly usage: string;
    /** What `--help` prints. @default the usage */
    readonly help?: string;
    readonly stderr: (text: string) => void;
    /** Where `--help` prints the usage. @default the process's stdout */
    readonly stdout?: (text: string) => void;
}

/**
 * Reads the command line with `parse`. On a {@link UsageError} it writes the message and the usage
 * to stderr and gives the exit code instead of arguments; on a {@link HelpRequest} it writes the
 * usage to stdout and gives exit code 0; any other error is thrown on.
 */
export function readCommandLine<T>(command: Command, parse: () => T): { args: T } | { exitCode: number } {
    try {
        return { args: parse() };
    } catch (err) {
        if (err instanceof HelpRequest) {
            (command.stdout ?? ((t: string) => process.stdout.write(t)))(`${command.help ?? command.usage}\n`);
            return { exitCode: 0 };
        }
        if (!(err instanceof UsageError)) throw err;
        command.stderr(`${err.message ? `${command.name}: ${err.message}\n` : ""}${command.usage}\n`);
        return { exitCode: USAGE_EXIT };
    }
}

/** Runs a command's `main` as the process: its result is the exit code; a crash prints its stack and exits 1. */
export function runAsProcess(name: string, main: (argv: readonly string[]) => Promise<number>): void {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (err: unknown) => {
            process.stderr.write(`${name}: ${(err as Error).stack ?? String(err)}\n`);
            process.exit(1);
        },
    );
}

/** Asks a question on the terminal and gives the answer (for a command's confirmation). */
export function ask(question: string): Promise<string> {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
    return new Promise((resolve) =>
        rl.question(question, (answer) => {
            rl.close();
            resolve(answer);
        }),
    );
}
