/**
 * What the cluster serves, read from the cluster and not from the stack file: the image tags of
 * the web Deployment's ready pods. A deploy's messages name this, so "the previous version is
 * still serving" is a reading, never an assumption.
 */
import type { V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import { apiMessage, connect } from "../cli/cluster";
import type { StackTarget } from "../cli/target";

export interface Serving {
    /** Ready web pods per image tag, most first. */
    readonly tags: readonly { readonly tag: string; readonly ready: number }[];
    /** Web pods that exist but are not ready. */
    readonly notReady: number;
    /** `namespace/name` of the web Deployment. */
    readonly deployment: string;
    /** Why the namespace's Pending pods wait, one line each (`pod: reason`). */
    readonly pending?: readonly string[];
    /** Pods the API server refused to a ReplicaSet of the namespace (a quota, an admission policy), one line each. */
    readonly refused?: readonly string[];
}

const tagOf = (image: string) => (image.includes(":") ? image.slice(image.lastIndexOf(":") + 1) : image);

function ready(p: V1Pod): boolean {
    return (p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** Ready and not-ready pods per tag, from the pods of the web Deployment's selector. */
export function servingFromPods(deployment: string, pods: readonly V1Pod[]): Serving {
    const counts = new Map<string, number>();
    let notReady = 0;
    for (const p of pods) {
        if (p.metadata?.deletionTimestamp) continue;
        if (!ready(p)) {
            notReady++;
            continue;
        }
        const tag = tagOf(p.spec?.containers?.[0]?.image ?? "?");
        counts.set(tag, (counts.get(tag) ?? 0) + 1);
    }
    const tags = [...counts].map(([tag, n]) => ({ tag, ready: n })).sort((a, b) => b.ready - a.ready);
    return { tags, notReady, deployment };
}

/** Why a Pending pod waits: its unschedulable condition, or its first waiting container. */
export function pendingReason(p: V1Pod): string | undefined {
    if (p.status?.phase !== "Pending" || p.metadata?.deletionTimestamp) return undefined;
    const unscheduled = (p.status.conditions ?? []).find((c) => c.type === "PodScheduled" && c.status === "False");
    const waiting = (p.status.containerStatuses ?? []).find((c) => c.state?.waiting)?.state?.waiting;
    const why = unscheduled
        ? `${unscheduled.reason ?? "Unschedulable"}: ${unscheduled.message ?? ""}`
        : waiting
          ? `${waiting.reason ?? "Waiting"}${waiting.message ? `: ${waiting.message}` : ""}`
          : "not scheduled yet";
    return `${p.metadata?.name}: ${why.trim()}`;
}

/** Why a ReplicaSet could not create its pods (its ReplicaFailure condition), or undefined. */
export function refusedReason(rs: V1ReplicaSet): string | undefined {
    if ((rs.spec?.replicas ?? 0) === 0) return undefined;
    const failure = (rs.status?.conditions ?? []).find((c) => c.type === "ReplicaFailure" && c.status === "True");
    return failure ? `${rs.metadata?.name}: ${(failure.message ?? failure.reason ?? "").trim()}` : undefined;
}

/** One line: `2026.12.05-bbbbbbb (3 ready web pods)` or `A (2 ready web pods) and B (1)`. */
export function describeServing(s: Serving): string {
    if (s.tags.length === 0)
        return `no ready web pod (${s.deployment}${s.notReady ? `: ${s.notReady} not ready` : ""})`;
    const [first, ...rest] = s.tags;
    const plural = (n: number) => `${n} ready web pod${n === 1 ? "" : "s"}`;
    return [`${first.tag} (${plural(first.ready)})`, ...rest.map((t) => `${t.tag} (${plural(t.ready)})`)].join(" and ");
}

/** What the stack's cluster serves, or why it could not be read. */
export async function readServing(target: StackTarget): Promise<Serving | string> {
    try {
        const cluster = await connect(target);
        const namespace = target.namespace;
        const d = await cluster.apps.readNamespacedDeployment({ name: target.webDeployment, namespace });
        const selector = Object.entries(d.spec?.selector?.matchLabels ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join(",");
        const [sets, pods] = await Promise.all([
            cluster.apps.listNamespacedReplicaSet({ namespace, labelSelector: selector }),
            cluster.core.listNamespacedPod({ namespace, labelSelector: selector }),
        ]);
        // Only the web Deployment's own ReplicaSets: a canary's pods may match the same labels.
        const owned = new Set(
            sets.items
                .filter((r) =>
                    (r.metadata?.ownerReferences ?? []).some(
                        (o) => o.kind === "Deployment" && o.name === target.webDeployment,
                    ),
                )
                .map((r) => r.metadata?.name),
        );
        const web = pods.items.filter((p) =>
            (p.metadata?.ownerReferences ?? []).some((o) => o.kind === "ReplicaSet" && owned.has(o.name)),
        );
        const [all, everySet] = await Promise.all([
            cluster.core.listNamespacedPod({ namespace, fieldSelector: "status.phase=Pending" }),
            cluster.apps.listNamespacedReplicaSet({ namespace }),
        ]);
        const pending = all.items.map(pendingReason).filter((r): r is string => r !== undefined);
        const refused = everySet.items.map(refusedReason).filter((r): r is string => r !== undefined);
        return { ...servingFromPods(`${namespace}/${target.webDeployment}`, web), pending, refused };
    } catch (err) {
        return `the cluster could not be read (${apiMessage(err)})`;
    }
}
