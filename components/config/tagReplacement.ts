/**
 * An update never silently puts back an older image tag. Every update records the tags the stack
 * ran, newest first (the `imageTagHistory` output). When a pipeline runs `pulumi up` with an older
 * stack file (a deploy's change that was never committed), its `capstan:imageTag` is one of those
 * older tags: the update is refused, naming both tags, unless the stack file says it replaces the
 * running tag on purpose (`capstan:previousImageTag`, which `capstan deploy`, its `--rollback` and
 * `capstan canary promote` write).
 */
import type { ConfigProblem } from "./errors";

/** How many tags the history keeps. */
export const TAG_HISTORY_LENGTH = 20;

export interface TagReplacement {
    /** `capstan:imageTag`. */
    readonly configured: string;
    /** `capstan:previousImageTag`, when set. */
    readonly previous?: string;
    /** The tag the stack's last update deployed (its `imageTag` output); undefined before the first. */
    readonly running?: string;
    /** The tags the stack ran before, newest first (its `imageTagHistory` output). */
    readonly history?: readonly string[];
}

/** The problem that refuses the update, if it puts back an older tag without saying so. */
export function tagReplacementProblem(t: TagReplacement): ConfigProblem | undefined {
    if (t.running === undefined || t.configured === t.running || t.previous === t.running) return undefined;
    const older = (t.history ?? []).indexOf(t.configured);
    if (older < 0) return undefined;
    return {
        path: "capstan:imageTag",
        message: `${t.configured} is older than ${t.running}, which runs now (it ran ${older === 0 ? "just" : `${older + 1} tags`} before it): this stack file would put an older tag back. If it is a copy from before a deploy that was not committed, use the stack file of that deploy; to go back on purpose, run capstan deploy with --rollback or the tag, or set capstan:previousImageTag to ${t.running}.`,
    };
}

/** The history after an update that runs `configured`: it first, then the tags before it, each once. */
export function nextTagHistory(
    configured: string,
    running: string | undefined,
    history: readonly string[] = [],
): string[] {
    const before = running === undefined ? history : [running, ...history];
    return [configured, ...before].filter((t, i, all) => all.indexOf(t) === i).slice(0, TAG_HISTORY_LENGTH);
}
