import type * as k8s from "@pulumi/kubernetes";

/**
 * cluster-autoscaler's pod annotation: with `"false"` it never removes the node the pod runs on
 * (its scale-down skips that node until the pod is gone).
 */
export const SAFE_TO_EVICT_ANNOTATION = "cluster-autoscaler.kubernetes.io/safe-to-evict";

/**
 * Pod annotations of a run-to-completion pod (the migration, a cron run): cluster-autoscaler
 * leaves its node alone while it runs, so a routine scale-down never kills it half-way.
 */
export const RUN_TO_COMPLETION_POD_ANNOTATIONS: Readonly<Record<string, string>> = {
    [SAFE_TO_EVICT_ANNOTATION]: "false",
};

/**
 * The Job spec fields that keep a disruption from failing a run-to-completion Job.
 *
 * - `podFailurePolicy`: a pod that failed with the `DisruptionTarget` condition (evicted by a
 *   node drain, preempted, or removed with its node) is ignored: it does not count against
 *   `backoffLimit`, and the Job starts a new pod. A failure of the command itself still counts.
 *   Kubernetes requires `restartPolicy: Never` for this.
 * - `podReplacementPolicy: Failed`: the new pod starts only once the old one has fully stopped,
 *   so two runs (two migrations) never overlap while the first one shuts down.
 */
export function disruptionTolerantJobSpec(): Pick<
    k8s.types.input.batch.v1.JobSpec,
    "podFailurePolicy" | "podReplacementPolicy"
> {
    return {
        podFailurePolicy: {
            rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] }],
        },
        podReplacementPolicy: "Failed",
    };
}
