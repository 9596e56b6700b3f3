/**
 * Why an update failed, in words: the engine's and the provider's messages are matched against the
 * causes a deploy meets (a lock, an unreachable API server, a quota, the migration, a rollout's
 * deadline, a cancel), so the message names the real cause instead of a generic one.
 */
import { isAssetsJob, MIGRATION_TYPE } from "./guard";
import { urnName, type UpOutcome } from "./types";

export type CauseKind =
    "lock" | "unreachable" | "quota" | "migration" | "assets" | "deadline" | "cancelled" | "refused" | "other";

export interface Cause {
    readonly kind: CauseKind;
    /** One sentence naming what happened. */
    readonly what: string;
    /** The engine's or API server's own words that show it, a few lines at most. */
    readonly evidence: readonly string[];
}

const UNREACHABLE =
    /connection refused|dial tcp|i\/o timeout|no route to host|Unable to connect to the server|TLS handshake timeout|the server is currently unable to handle the request|server has asked for the client to provide credentials|connection reset by peer|unexpected EOF|http2: client connection lost|etcdserver: (request timed out|leader changed|no leader)|Client\.Timeout exceeded|context deadline exceeded \(Client\.Timeout/i;
const QUOTA =
    /exceeded quota: ([\w.-]+)(?:, requested: ([^,]+(?:,[^,]+)*?), used: ([^,]+(?:,[^,]+)*?), limited: ([^\n"]+))?/i;
const LOCK = /the stack is currently locked by \d+ lock\(s\)|another update is currently in progress|409 Conflict/i;
const DEADLINE =
    /ProgressDeadlineExceeded|exceeded its progress deadline|timed out waiting|Resource operation was cancelled for|[Tt]imeout occurred|\d+ out of \d+ replicas? .*ready|has not become ready/;
const CANCELLED = /update canceled|operation was canceled|context canceled|interrupt signal|received SIGINT/i;

/** The lines of a message worth showing: no blank lines, no stack frames, at most `max`. */
export function evidenceLines(text: string, max = 4): string[] {
    return text
        .split("\n")
        .map((l) => l.trim())
        .filter(
            (l) =>
                l !== "" &&
                !/^at [\w.<>]+ \(|^at \/|^err\?:|^code: |^stdout: |^stderr: $|^Error: Command failed/.test(l),
        )
        .slice(-max);
}

/** The cause of a failed update, from the outcome the engine reported. */
export function causeOf(outcome: UpOutcome, fromCluster: readonly string[] = []): Cause {
    const messages = outcome.failures.map((f) => `${f.type} ${urnName(f.urn)}: ${f.message}`);
    // The engine reports a rollout that waited on refused pods as a deadline; the ReplicaSets say why.
    const all = [...messages, outcome.error ?? "", ...fromCluster].join("\n");
    const quota = QUOTA.exec(all);
    const evidence = (re: RegExp) =>
        all
            .split("\n")
            .filter((l) => re.test(l))
            .map((l) => l.trim())
            .slice(0, 3);
    if (LOCK.test(all))
        return { kind: "lock", what: "another update holds the stack's lock", evidence: evidence(LOCK) };
    if (quota)
        return {
            kind: "quota",
            what: `the API server refused a pod: the namespace's ResourceQuota ${quota[1]} is exhausted${quota[4] ? ` (requested ${quota[2]}, used ${quota[3]}, limited ${quota[4].trim()})` : ""}`,
            evidence: evidence(/exceeded quota/i),
        };
    if (UNREACHABLE.test(all))
        return {
            kind: "unreachable",
            what: "the cluster's API server could not be reached during the update",
            evidence: evidence(UNREACHABLE),
        };
    if (CANCELLED.test(all))
        return { kind: "cancelled", what: "the update was cancelled", evidence: evidence(CANCELLED) };
    const jobs = outcome.failures.filter((f) => f.type === MIGRATION_TYPE);
    const migration = jobs.find((f) => !isAssetsJob(f.urn));
    if (migration)
        return {
            kind: "migration",
            what: `the migration Job ${urnName(migration.urn)} failed, so no workload was rolled`,
            evidence: evidenceLines(migration.message),
        };
    const assets = jobs.find((f) => isAssetsJob(f.urn));
    if (assets)
        return {
            kind: "assets",
            what: `the assets Job ${urnName(assets.urn)} failed to upload the release's assets, so no workload was rolled`,
            evidence: evidenceLines(assets.message),
        };
    if (DEADLINE.test(all))
        return {
            kind: "deadline",
            what: "a rollout did not become ready before its deadline",
            evidence: evidence(DEADLINE),
        };
    return { kind: "other", what: "the update failed", evidence: evidenceLines(all) };
}
