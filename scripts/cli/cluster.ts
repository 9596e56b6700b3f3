/** The Kubernetes API clients of a day-two command, for the stack's cluster. */
import type { AppsV1Api, AutoscalingV2Api, BatchV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { kubeConfigFor, OpsError, type StackTarget } from "./target";

export interface Cluster {
    readonly kc: KubeConfig;
    readonly core: CoreV1Api;
    readonly apps: AppsV1Api;
    readonly batch: BatchV1Api;
    readonly autoscaling: AutoscalingV2Api;
}

export async function connect(target: StackTarget): Promise<Cluster> {
    const k8s = await import("@kubernetes/client-node");
    const kc = await kubeConfigFor(target.cluster);
    return {
        kc,
        core: kc.makeApiClient(k8s.CoreV1Api),
        apps: kc.makeApiClient(k8s.AppsV1Api),
        batch: kc.makeApiClient(k8s.BatchV1Api),
        autoscaling: kc.makeApiClient(k8s.AutoscalingV2Api),
    };
}

/** The HTTP status of an API error, if it is one. */
export function statusOf(err: unknown): number | undefined {
    const code = (err as { code?: unknown }).code;
    return typeof code === "number" ? code : undefined;
}

/** An API error in one line: the server's message rather than the client's dump of the response. */
export function apiMessage(err: unknown): string {
    const body = (err as { body?: unknown }).body;
    if (typeof body === "string") {
        try {
            const parsed = JSON.parse(body) as { message?: string };
            if (parsed.message) return parsed.message;
        } catch {
            // not JSON
        }
    }
    const message = (err as Error).message ?? String(err);
    return message.split("\n")[0];
}

/** Reads the stack's web Deployment: the pod template every one-off is made from. */
export async function webDeployment(cluster: Cluster, target: StackTarget) {
    try {
        return await cluster.apps.readNamespacedDeployment({ name: target.webDeployment, namespace: target.namespace });
    } catch (err) {
        if (statusOf(err) === 404)
            throw new OpsError(
                `the web Deployment ${target.namespace}/${target.webDeployment} named by stack ${target.stack}'s outputs is not in the cluster: was the stack destroyed or its cluster replaced?`,
            );
        throw new OpsError(
            `cannot read the web Deployment ${target.namespace}/${target.webDeployment}: ${apiMessage(err)}`,
        );
    }
}
