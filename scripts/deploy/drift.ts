/**
 * What was changed in the cluster by hand since Pulumi last wrote it: the managed-fields entries
 * of the namespace's objects written by a person's tool (kubectl edit, patch, apply) later than
 * the object's newest entry by Pulumi. A deploy names them, and leaves them as they are: its update is targeted at
 * what its preview showed, so a hand change is neither deployed nor silently undone.
 */
import { apiMessage, connect } from "../cli/cluster";
import type { StackTarget } from "../cli/target";

/** The kinds a stack declares in its namespace, and whose hand changes a deploy reports. */
export const WATCHED_KINDS = [
    ["apps/v1", "Deployment"],
    ["autoscaling/v2", "HorizontalPodAutoscaler"],
    ["batch/v1", "CronJob"],
    ["v1", "Service"],
    ["v1", "ConfigMap"],
    ["policy/v1", "PodDisruptionBudget"],
    ["networking.k8s.io/v1", "NetworkPolicy"],
    ["k8s.nginx.org/v1", "VirtualServer"],
] as const;

/** Writers that are the cluster's own machinery, not a person: their writes are not drift. */
const MACHINERY =
    /^(pulumi|kube-controller-manager$|kube-scheduler$|kube-apiserver$|kubelet$|kwok|nginx-ingress|horizontal-pod-autoscaler)/;

export interface ManagedEntry {
    readonly manager?: string;
    readonly operation?: string;
    readonly time?: string | Date;
    readonly subresource?: string;
}

export interface Drifted {
    readonly kind: string;
    readonly name: string;
    readonly manager: string;
    readonly time: string;
}

const timeOf = (e: ManagedEntry) => (e.time ? new Date(e.time).getTime() : NaN);

/** The hand changes among one object's managed-fields entries made after Pulumi's newest write of it. */
export function handChanges(kind: string, name: string, entries: readonly ManagedEntry[]): Drifted[] {
    const byPulumi = entries
        .filter((e) => e.manager?.startsWith("pulumi"))
        .map(timeOf)
        .filter(Number.isFinite);
    if (byPulumi.length === 0) return []; // not an object Pulumi wrote
    const last = Math.max(...byPulumi);
    return entries
        .filter((e) => !e.subresource && e.manager && !MACHINERY.test(e.manager) && timeOf(e) > last)
        .map((e) => ({ kind, name, manager: e.manager as string, time: new Date(timeOf(e)).toISOString() }));
}

/** One line per drifted object. */
export function describeDrift(d: Drifted): string {
    return `${d.kind} ${d.name}: changed by ${d.manager} at ${d.time}`;
}

/** The namespace's hand changes, or why they could not be read. */
export async function readDrift(target: StackTarget): Promise<Drifted[] | string> {
    try {
        const k8s = await import("@kubernetes/client-node");
        const { kc } = await connect(target);
        const api = k8s.KubernetesObjectApi.makeApiClient(kc);
        const found: Drifted[] = [];
        for (const [apiVersion, kind] of WATCHED_KINDS) {
            let items: { metadata?: { name?: string; managedFields?: ManagedEntry[] } }[];
            try {
                items = (await api.list(apiVersion, kind, target.namespace)).items;
            } catch {
                continue; // a kind this cluster does not serve
            }
            for (const o of items)
                found.push(...handChanges(kind, o.metadata?.name ?? "?", o.metadata?.managedFields ?? []));
        }
        return found;
    } catch (err) {
        return `the cluster could not be read (${apiMessage(err)})`;
    }
}
