/** What every day-two command shares: its stack's target, checked first. */
import { MISSING_TOOL_EXIT, USAGE_EXIT } from "../cli/cli";
import type { CommandIo } from "../cli/runCommand";
import { onPath, pulumiCliMissing, unknownStackProblem } from "../cli/tools";
import { openTarget, OpsError, stackDir, type StackTarget } from "../cli/target";

export type OpsIo = CommandIo;

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
