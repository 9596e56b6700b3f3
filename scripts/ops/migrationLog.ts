/**
 * Where a deploy keeps its migration's log: the migration Job keeps its pod only until the next
 * deploy replaces it, so the deploy saves the log beside the stack, under
 * `.capstan/<stack>/migrations/<job>.log` (CAPSTAN_STATE_DIR moves `.capstan`).
 */
import * as path from "path";
import { PROJECT_DIR } from "../lib/program";

export function stateDir(): string {
    return path.resolve(process.env.CAPSTAN_STATE_DIR ?? path.join(PROJECT_DIR, ".capstan"));
}

export function migrationLogFile(stack: string, job: string): string {
    return path.join(stateDir(), stack, "migrations", `${job}.log`);
}
