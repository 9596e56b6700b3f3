/** kwok Stages the scenarios apply to make the simulated pods do what a real kubelet would report. */

/** One condition of a Stage's selector: a jq path of the pod, and the values it must (not) have. */
export interface StageMatch {
    readonly key: string;
    readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    readonly values?: readonly string[];
}

/**
 * A kwok Stage named `name` that ends the running pods `match` selects as Failed, each container
 * terminated with `exitCode` (and `message`, if given). Its weight puts it before kwok's own stages.
 */
export function failPodsStage(name: string, match: readonly StageMatch[], exitCode: number, message?: string): string {
    return JSON.stringify({
        apiVersion: "kwok.x-k8s.io/v1alpha1",
        kind: "Stage",
        metadata: { name },
        spec: {
            resourceRef: { apiGroup: "v1", kind: "Pod" },
            selector: {
                matchExpressions: [
                    { key: ".metadata.deletionTimestamp", operator: "DoesNotExist" },
                    { key: ".status.phase", operator: "In", values: ["Running"] },
                    ...match,
                ],
            },
            weight: 10000,
            next: {
                statusTemplate: [
                    "phase: Failed",
                    "containerStatuses:",
                    "{{ range .spec.containers }}",
                    "- name: {{ .name | Quote }}",
                    "  image: {{ .image | Quote }}",
                    "  ready: false",
                    "  restartCount: 0",
                    "  state:",
                    "    terminated:",
                    `      exitCode: ${exitCode}`,
                    "      reason: Error",
                    ...(message ? [`      message: ${JSON.stringify(message)}`] : []),
                    "{{ end }}",
                ].join("\n"),
            },
        },
    });
}
