import type { HistoryEntry } from "./types";

export interface RollbackTarget {
    /** The tag running now: that of the latest successful update. */
    readonly current: string;
    /** The tag of the last successful update before it that ran a different tag. */
    readonly previous: string;
    /** The update that ran `previous`, as the history names it. */
    readonly update: string;
}

/**
 * An update as a person can find it in `pulumi stack history`: its version where the backend
 * numbers updates (Pulumi Cloud), else its start time (a file or cloud-storage backend numbers
 * every update 0).
 */
export function updateName(h: HistoryEntry): string {
    if (h.version > 0) return `update ${h.version}`;
    return h.startTime ? `the update started ${h.startTime}` : "an earlier update";
}

/**
 * Walks the stack's update history for the tag to roll back to. Failed updates are skipped (their
 * tag never fully served), and so are successful updates that kept the current tag
 * (infrastructure changes), so a rollback always changes what runs.
 *
 * The history is taken in the order `pulumi stack history` gives it, newest first: every backend
 * guarantees that order (a file backend lists its history files, named by the update's start time
 * in nanoseconds, in reverse), while versions are all 0 on a file backend and start times, in
 * seconds, tie for quick updates.
 */
export function findRollbackTarget(history: readonly HistoryEntry[]): RollbackTarget | string {
    const updates = history.filter((h) => h.kind === "update" && h.result === "succeeded" && h.imageTag);
    const [latest, ...older] = updates;
    if (!latest)
        return "the stack history has no successful update with capstan:imageTag set, so there is nothing to roll back to";
    const current = latest.imageTag as string;
    const target = older.find((h) => h.imageTag !== current);
    if (!target)
        return `no successful update before ${updateName(latest)} ran a tag other than ${current}, so there is nothing to roll back to`;
    return { current, previous: target.imageTag as string, update: updateName(target) };
}
