/**
 * The exit codes of every Capstan command, in one table: a script that calls `capstan X` can tell a
 * command called wrong from a refusal, a missing tool or a failed update the same way for all of
 * them. docs/commands.md prints this table; each command lists the codes it can end with.
 */

/** Every exit code a command can end with, by name. */
export const EXIT = {
    ok: 0,
    failed: 1,
    usage: 2,
    refused: 3,
    missingTool: 4,
    analysisFailed: 5,
    inconclusive: 6,
    interrupted: 130,
} as const;

export type ExitName = keyof typeof EXIT;

/** What each exit code means, in the words help and docs print. */
export const EXIT_MEANING: Readonly<Record<ExitName, string>> = {
    ok: "done: what was asked happened, or there was nothing to do",
    failed: "failed: the update or the check failed, or something needs attention; the message says what",
    usage: "called wrong: an unknown option or argument, a bad value, or a stack that does not exist (the stacks there are are listed)",
    refused:
        "refused by a check or a guard before anything changed: the deploy guard, no confirmation, another update holding the stack",
    missingTool:
        "a tool it needs is missing: the Pulumi CLI, a piece of the toolchain, a kubeconfig context; the message gives the command that installs or selects it",
    analysisFailed:
        "the release's analysis failed: a canary was taken out and the stable pods serve everything; a blue/green deploy left the routes on the active colour",
    inconclusive:
        "the release's analysis was inconclusive (too little traffic or no metrics): a canary is paused as it is (resume or abort it); a blue/green deploy left the routes on the active colour (switch with capstan release)",
    interrupted:
        "interrupted (Ctrl-C): `capstan run` deleted its Job; a canary release left the canary as it was (resume or abort it)",
};

/** The codes every command can end with, whatever else it lists. */
export const COMMON_EXITS: readonly ExitName[] = ["ok", "failed", "usage"];
