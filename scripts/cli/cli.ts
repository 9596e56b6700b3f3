/**
 * What every command of the CLI shares: how a usage error is told apart from a failure, and how
 * it is reported. A usage error prints the command's usage and exits 2; the commands' own
 * failures keep their exit codes.
 */

/** Thrown while reading the command line: the message says what is wrong, and may be empty (`--help`). */
export class UsageError extends Error {}

/** The exit code of a command line that could not be read. */
export const USAGE_EXIT = 2;

export interface Command {
    /** The command's name, prefixed to its messages: `render: unknown option --x`. */
    readonly name: string;
    /** The usage text, printed after any usage error. */
    readonly usage: string;
    readonly stderr: (text: string) => void;
}

/**
 * Reads the command line with `parse`. On a {@link UsageError} it writes the message and the usage
 * to stderr and gives the exit code instead of arguments; any other error is thrown on.
 */
export function readCommandLine<T>(command: Command, parse: () => T): { args: T } | { exitCode: number } {
    try {
        return { args: parse() };
    } catch (err) {
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
