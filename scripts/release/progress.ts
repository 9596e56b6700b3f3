/**
 * Where a `capstan canary run` stands, in a small file beside the stack's deploy lock: its tag,
 * the step it is at, the step's tally and the last interval's verdicts. `canary resume` continues
 * from it and `capstan status` shows it; promote and abort remove it.
 */
import * as fs from "fs";
import * as path from "path";
import type { IntervalResult, Tally } from "./judge";

export type RunState = "running" | "paused" | "interrupted" | "failed";

export interface Progress {
    readonly tag: string;
    /** The weights of the run, from `canary.steps` when it started. */
    readonly weights: readonly number[];
    /** The index in `weights` of the step being analysed; `weights.length`: promote is next. */
    readonly step: number;
    readonly tally: Tally;
    readonly state: RunState;
    /** Why the run stopped, when it did. */
    readonly reason?: string;
    readonly last?: IntervalResult & { readonly at: string };
    readonly updatedAt: string;
}

/** The progress file of `stack` in the deploy lock's folder. */
export function progressFile(lockDir: string, stack: string): string {
    return path.join(lockDir, `${stack}.release-progress.json`);
}

export function readProgress(lockDir: string, stack: string): Progress | undefined {
    const file = progressFile(lockDir, stack);
    if (!fs.existsSync(file)) return undefined;
    try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as Progress;
    } catch {
        return undefined;
    }
}

export function writeProgress(lockDir: string, stack: string, p: Omit<Progress, "updatedAt">): Progress {
    const full = { ...p, updatedAt: new Date().toISOString() };
    fs.mkdirSync(lockDir, { recursive: true });
    const file = progressFile(lockDir, stack);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(full, null, 2));
    fs.renameSync(`${file}.tmp`, file);
    return full;
}

export function clearProgress(lockDir: string, stack: string): void {
    fs.rmSync(progressFile(lockDir, stack), { force: true });
}
