/**
 * Objects a dead update created that its state does not know (pending creates). A migration Job
 * is let finish, then removed, so the next update runs it again and waits for its verdict: the
 * rollout stays gated on a migration this deploy saw succeed. Any other object is left to a
 * person, with the one command that settles it.
 */
import { apiMessage, connect, statusOf, type Cluster } from "../cli/cluster";
import { OpsError, type StackTarget } from "../cli/target";
import type { PendingOperation } from "./types";

/** How long a dead update's migration Job may still run before the deploy gives up waiting. */
export const ORPHAN_JOB_WAIT_SECONDS = 900;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The apiVersion of a Kubernetes type token: `kubernetes:apps/v1:Deployment` -> `apps/v1`, `kubernetes:core/v1:Service` -> `v1`. */
export function apiVersionOf(typeToken: string): string {
    const [, version = ""] = typeToken.split(":");
    return version.startsWith("core/") ? version.slice("core/".length) : version;
}

/** `kubectl delete` of an object, as a person types it. */
export function deleteCommand(op: PendingOperation): string {
    const o = op.object;
    if (!o) return "";
    return `kubectl delete ${o.kind.toLowerCase()} ${o.name}${o.namespace ? ` -n ${o.namespace}` : ""}`;
}

async function jobFinished(cluster: Cluster, name: string, namespace: string): Promise<string | undefined> {
    const job = await cluster.batch.readNamespacedJob({ name, namespace });
    const done = (job.status?.conditions ?? []).find(
        (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
    );
    return done?.type;
}

/** Waits for the Job to finish, then deletes it with its pods; a line of what was done. */
async function removeJob(target: StackTarget, name: string, namespace: string): Promise<string> {
    const cluster = await connect(target);
    let verdict: string | undefined;
    for (let waited = 0; ; waited += 2) {
        try {
            verdict = await jobFinished(cluster, name, namespace);
        } catch (err) {
            if (statusOf(err) === 404) return `the Job ${namespace}/${name} is gone from the cluster`;
            throw new OpsError(`cannot read the Job ${namespace}/${name}: ${apiMessage(err)}`);
        }
        if (verdict) break;
        if (waited >= ORPHAN_JOB_WAIT_SECONDS)
            throw new OpsError(
                `the Job ${namespace}/${name}, started by the update that died, still runs after ${ORPHAN_JOB_WAIT_SECONDS} s; let it finish (capstan logs migration), then deploy again`,
            );
        await sleep(2000);
    }
    await cluster.batch.deleteNamespacedJob({ name, namespace, propagationPolicy: "Background" });
    return `the Job ${namespace}/${name} the dead update started had ${verdict === "Complete" ? "completed" : "failed"}; removed it, so this update runs it again and waits for its result`;
}

async function objectExists(target: StackTarget, op: PendingOperation): Promise<boolean> {
    const k8s = await import("@kubernetes/client-node");
    const { kc } = await connect(target);
    const o = op.object!;
    try {
        await k8s.KubernetesObjectApi.makeApiClient(kc).read({
            apiVersion: apiVersionOf(op.urn.split("::")[2] ?? ""),
            kind: o.kind,
            metadata: { name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}) },
        });
        return true;
    } catch (err) {
        if (statusOf(err) === 404) return false;
        throw new OpsError(`cannot read ${o.kind} ${o.name}: ${apiMessage(err)}`);
    }
}

/**
 * Settles the object of a pending create before the state forgets it: a Job is let finish and
 * removed; an object that does not exist needs nothing; any other existing object is refused with
 * the command that settles it.
 */
export async function removeOrphanObject(target: StackTarget, op: PendingOperation): Promise<string> {
    const o = op.object;
    if (!o) return `nothing to do in the cluster for ${op.urn}`;
    if (o.kind === "Job" && o.namespace) return removeJob(target, o.name, o.namespace);
    if (!(await objectExists(target, op))) return `${o.kind} ${o.name} was never created in the cluster`;
    throw new OpsError(
        `the update that died was creating ${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}, which exists in the cluster but not in the stack's state. Remove it so the next update creates it again: ${deleteCommand(op)}`,
        3,
    );
}
