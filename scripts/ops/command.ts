/** What every day-two command shares: reading its command line, its stack, and reporting failures in one line. */
import { MISSING_TOOL_EXIT, readCommandLine, USAGE_EXIT } from "../cli/cli";
import { stackConfig } from "../release/stackConfig";
import { onPath, pulumiCliMissing, unknownStackProblem } from "../cli/tools";
import { openTarget, OpsError, stackDir, type StackTarget } from "../cli/target";

export interface OpsIo {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
}

export const processIo: OpsIo = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
};

/**
 * Runs a command: parses `argv` (usage errors exit 2), then `body`; an OpsError is printed as
 * `<name>: <message>` with its exit code, never as a stack trace.
 */
export async function opsCommand<T>(
    name: string,
    usage: string,
    argv: readonly string[],
    parse: (argv: readonly string[]) => T,
    body: (args: T, io: OpsIo) => Promise<number>,
    io: OpsIo = processIo,
): Promise<number> {
    const line = readCommandLine({ name, usage, stderr: io.stderr, stdout: io.stdout }, () => parse(argv));
    if ("exitCode" in line) return line.exitCode;
    try {
        return await body(line.args, io);
    } catch (err) {
        if (err instanceof OpsError) {
            io.stderr(`${name}: ${err.message}\n`);
            if (err.exitCode === 2) io.stderr(`${usage}\n`);
            return err.exitCode;
        }
        io.stderr(`${name}: ${(err as Error).message}\n`);
        return 1;
    }
}

/**
 * What a day-two command checks first, in this order: the stack's name (an unknown one lists the
 * stacks there are, exit 2), then the Pulumi CLI that reads its outputs (the missing-tool exit code).
 */
export function checkStackAndCli(name: string, stack: string): void {
    const unknown = unknownStackProblem(stackDir(), stack);
    if (unknown) throw new OpsError(unknown, USAGE_EXIT);
    if (!onPath("pulumi"))
        throw new OpsError(pulumiCliMissing(`capstan ${name} reads the stack's outputs with it`), MISSING_TOOL_EXIT);
}

/** The stack's target, and a clear message when the stack does not exist or was never deployed. */
export async function target(name: string, stack: string): Promise<StackTarget> {
    checkStackAndCli(name, stack);
    return openTarget(stack);
}

/** A value of the stack file's `config`, read as YAML (no secret is decrypted). */
export function stackFileConfig(stack: string): Record<string, unknown> {
    return stackConfig(stack);
}
