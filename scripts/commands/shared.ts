/** What several commands' definitions say alike: the stack argument and the guard's options. */
import type { ArgumentSpec, OptionSpec } from "../cli/define";

/** The stack a command acts on: checked first (an unknown one lists the stacks there are, exit 2). */
export const STACK_ARGUMENT: ArgumentSpec = {
    name: "stack",
    description: "the stack, as its Pulumi.<stack>.yaml names it (e.g. staging)",
    missing: "name the stack, e.g. staging",
    stack: true,
};

/** Skips the confirmation of a guarded update. */
export const YES_OPTION: OptionSpec = {
    name: "yes",
    short: "y",
    description: "update without asking (needed where there is no terminal to ask on)",
};

/** Lets a guarded update change more than its own part. */
export const ALLOW_INFRA_OPTION: OptionSpec = {
    name: "allow-infra-changes",
    description:
        "go on although the preview changes more than the step's own resources (the guard refuses such an update otherwise)",
};
