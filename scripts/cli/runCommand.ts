/**
 * Runs a command from its definition, in one order for every command: the command line (an unknown
 * option or a bad value: exit 2 with the usage), `--help`, the stacks it names (an unknown one lists
 * the stacks there are, exit 2), then the command itself. A failure the user can fix is printed as
 * `<command>: <message>` with its exit code; nothing a user can type ends in a stack trace.
 */
import { HelpRequest, readCommandLine, UsageError } from "./cli";
import { checkArity, readLine, namedStacks, type CommandDefinition } from "./define";
import { EXIT } from "./exits";
import { helpText, usageText } from "./help";
import { OpsError, stackDir } from "./target";
import { unknownStackProblem } from "./tools";

export interface CommandIo {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
}

export const processIo: CommandIo = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
};

/** Reads `argv` by the definition and checks the stacks it names against the stack files in `dir`. */
export function parseChecked<T>(definition: CommandDefinition<T>, argv: readonly string[], dir: string): T {
    const d = definition;
    const line = readLine(d, argv);
    if (line === "help") throw new HelpRequest();
    for (const stack of namedStacks(d, line)) {
        const problem = unknownStackProblem(dir, stack);
        if (problem) throw new UsageError(problem);
    }
    checkArity(d, line);
    return definition.parse(line);
}

/** The message of anything thrown, without its stack (CAPSTAN_DEBUG=1 adds it). */
export function errorText(err: unknown): string {
    const e = err instanceof Error ? err : new Error(String(err));
    return process.env.CAPSTAN_DEBUG ? (e.stack ?? e.message) : e.message;
}

/** The command line read and checked, or the exit code it ended with (usage and help already printed). */
function commandLine<T>(
    definition: CommandDefinition<T>,
    argv: readonly string[],
    io: CommandIo,
    dir: string,
): { args: T } | { exitCode: number } {
    const { name } = definition;
    const [usage, help] = [usageText(definition), helpText(definition)];
    return readCommandLine({ name, usage, help, stderr: io.stderr, stdout: io.stdout }, () =>
        parseChecked(definition, argv, dir),
    );
}

/** What a command prints for what `body` threw, and the exit code it ends with. */
function failure(definition: CommandDefinition<unknown>, err: unknown, io: CommandIo): number {
    const usage = usageText(definition);
    if (err instanceof UsageError) {
        io.stderr(`${err.message ? `${definition.name}: ${err.message}\n` : ""}${usage}\n`);
        return EXIT.usage;
    }
    io.stderr(`${definition.name}: ${errorText(err)}\n`);
    if (err instanceof OpsError) {
        if (err.exitCode === EXIT.usage) io.stderr(`${usage}\n`);
        return err.exitCode;
    }
    return EXIT.failed;
}

/**
 * Runs `body` with the arguments `argv` gives by `definition`. `dir` is where the stack files are
 * (the project directory unless CAPSTAN_STACK_DIR says otherwise).
 */
export async function runCommand<T>(
    definition: CommandDefinition<T>,
    argv: readonly string[],
    io: CommandIo,
    body: (args: T) => Promise<number> | number,
    dir: string = stackDir(),
): Promise<number> {
    const line = commandLine(definition, argv, io, dir);
    if ("exitCode" in line) return line.exitCode;
    try {
        return await body(line.args);
    } catch (err) {
        return failure(definition, err, io);
    }
}

/** {@link runCommand} for a command whose work is synchronous (it gives its exit code at once). */
export function runCommandSync<T>(
    definition: CommandDefinition<T>,
    argv: readonly string[],
    io: CommandIo,
    body: (args: T) => number,
    dir: string = stackDir(),
): number {
    const line = commandLine(definition, argv, io, dir);
    if ("exitCode" in line) return line.exitCode;
    try {
        return body(line.args);
    } catch (err) {
        return failure(definition, err, io);
    }
}
