/**
 * Where a one-off pod is, in words, from the pod and the events about it: pure, so each case is
 * tested from recorded objects. A pull that fails or a pod the scheduler cannot place is said
 * within seconds, with the reason Kubernetes gives.
 */
import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import { pendingReason } from "./statusReport";

export type PodProgress =
    | { readonly state: "pending"; readonly notes: readonly string[] }
    | { readonly state: "running" }
    | { readonly state: "finished"; readonly exitCode: number; readonly reason?: string }
    /** The pod cannot run as it is: a bad image, a missing ConfigMap or Secret. */
    | { readonly state: "broken"; readonly problem: string };

/** Waiting reasons that do not mend by waiting. */
const BROKEN = [
    "ErrImagePull",
    "ImagePullBackOff",
    "InvalidImageName",
    "ErrImageNeverPull",
    "CreateContainerConfigError",
    "CreateContainerError",
];

export function podProgress(pod: V1Pod, events: readonly CoreV1Event[]): PodProgress {
    const status = pod.status;
    const container = status?.containerStatuses?.[0];
    const terminated = container?.state?.terminated;
    if (terminated) return { state: "finished", exitCode: terminated.exitCode, reason: terminated.reason };
    if (status?.phase === "Succeeded") return { state: "finished", exitCode: 0 };
    if (status?.phase === "Failed")
        return { state: "finished", exitCode: 1, reason: status.reason ?? status.message ?? "Failed" };
    const waiting = container?.state?.waiting;
    if (waiting?.reason && BROKEN.includes(waiting.reason)) {
        const image = pod.spec?.containers?.[0]?.image;
        const what = waiting.reason.includes("Image")
            ? `the image ${image} cannot be pulled`
            : "the container cannot be created";
        return {
            state: "broken",
            problem: `${what}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}`,
        };
    }
    const failedPull = events.find(
        (e) => e.involvedObject?.name === pod.metadata?.name && e.reason === "Failed" && /pull/i.test(e.message ?? ""),
    );
    if (failedPull && status?.phase === "Pending")
        return {
            state: "broken",
            problem: `the image ${pod.spec?.containers?.[0]?.image} cannot be pulled: ${failedPull.message}`,
        };
    if (status?.phase === "Running" || container?.state?.running) return { state: "running" };
    const scheduled = status?.conditions?.find((c) => c.type === "PodScheduled");
    const unscheduled =
        scheduled?.status === "False" ||
        events.some((e) => e.involvedObject?.name === pod.metadata?.name && e.reason === "FailedScheduling");
    return { state: "pending", notes: unscheduled ? pendingReason(pod, events) : [] };
}
