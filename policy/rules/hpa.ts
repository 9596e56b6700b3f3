/**
 * A Deployment an HPA scales must not set `spec.replicas`: every update would reset the count the
 * HPA chose, scaling the app down in the middle of a traffic peak.
 */
import { at, K8S, objAt, type PolicyInput, type StackRule, type StackViolation } from "./types";

/** Whether `target` (an HPA's scaleTargetRef.name) names this Deployment, auto-named or not. */
export function namesDeployment(target: string, deployment: PolicyInput): boolean {
    const explicit = at(deployment.props, "metadata", "name");
    if (typeof explicit === "string") return explicit === target;
    // Auto-naming appends a random 8-character suffix to the logical name.
    const logical = deployment.name;
    return (
        typeof logical === "string" &&
        target.startsWith(`${logical}-`) &&
        /^[a-z0-9]{8}$/.test(target.slice(logical.length + 1))
    );
}

function sameNamespace(a: PolicyInput, b: PolicyInput): boolean {
    const na = at(a.props, "metadata", "namespace");
    const nb = at(b.props, "metadata", "namespace");
    return na === undefined || nb === undefined || na === nb;
}

export const hpaOwnsReplicas: StackRule = {
    name: "hpa-owns-replicas",
    description: "Deployments scaled by a HorizontalPodAutoscaler leave spec.replicas unset.",
    check: (resources) => {
        const deployments = resources.filter((r) => r.type === K8S.deployment);
        const violations: StackViolation[] = [];
        for (const hpa of resources.filter((r) => r.type === K8S.hpa)) {
            const ref = objAt(hpa.props, "spec", "scaleTargetRef");
            const target = ref.name;
            if (ref.kind !== "Deployment" || typeof target !== "string") continue;
            for (const d of deployments) {
                if (!namesDeployment(target, d) || !sameNamespace(hpa, d)) continue;
                const replicas = at(d.props, "spec", "replicas");
                if (replicas !== undefined && replicas !== null) {
                    violations.push({
                        urn: d.urn,
                        message: `${target}: spec.replicas is ${JSON.stringify(replicas)} but a HorizontalPodAutoscaler scales it; remove spec.replicas (every update would reset the HPA's count)`,
                    });
                }
            }
        }
        return violations;
    },
};
