import type { HistoryEntry } from "./types";

export interface RollbackTarget {
    /** The tag running now: that of the latest successful update. */
    readonly current: string;
    /** The tag of the last successful update before it that ran a different tag. */
    readonly previous: string;
    readonly version: number;
}

/**
 * Walks the stack's update history (newest first) for the tag to roll back to. Failed updates are
 * skipped (their tag never fully served), and so are successful updates that kept the current tag
 * (infrastructure changes), so a rollback always changes what runs.
 */
export function findRollbackTarget(history: readonly HistoryEntry[]): RollbackTarget | string {
    const updates = history
        .filter((h) => h.kind === "update" && h.result === "succeeded" && h.imageTag)
        .sort((a, b) => b.version - a.version);
    const [latest, ...older] = updates;
    if (!latest)
        return "the stack history has no successful update with capstan:imageTag set, so there is nothing to roll back to";
    const current = latest.imageTag as string;
    const target = older.find((h) => h.imageTag !== current);
    if (!target)
        return `no successful update before version ${latest.version} ran a tag other than ${current}, so there is nothing to roll back to`;
    return { current, previous: target.imageTag as string, version: target.version };
}
