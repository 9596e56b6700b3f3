import type * as pulumi from "@pulumi/pulumi";
import {
    ALL_PODS,
    ALLOW_DNS,
    DEFAULT_DENY,
    namespacePeer,
    optionalPolicies,
    type EgressRule,
    type MetricsIngress,
    type PolicySpec,
    releaseCheckPolicy,
} from "../core/networkPolicies";

/**
 * The tenant's NetworkPolicies. Policies add up: a pod may receive or send what any of them
 * allows. `default-deny` selects every pod for both directions, so nothing flows unless another
 * policy allows it:
 * - ingress from the ingress controllers' namespace (the way in from the load balancer) and from
 *   the tenant's own namespace;
 * - egress to the cluster DNS, to the tenant's own namespace, and to the networks and ports of
 *   `egress`;
 * - with `metrics`, ingress on the metrics port from the collector's networks;
 * - with `releaseChecksPort`, egress from a blue/green release's check pods to the controllers.
 *
 * Other tenants cannot reach this one even where an egress rule of theirs covers its pod
 * addresses: this namespace's ingress is denied by default.
 */
export function tenantNetworkPolicies(
    ingressNamespace: pulumi.Input<string>,
    egress: readonly EgressRule[],
    metrics?: MetricsIngress,
    releaseChecksPort?: number,
): PolicySpec[] {
    return [
        DEFAULT_DENY,
        {
            name: "allow-from-ingress-controllers",
            spec: {
                podSelector: ALL_PODS,
                policyTypes: ["Ingress"],
                ingress: [{ from: [namespacePeer(ingressNamespace)] }],
            },
        },
        {
            name: "allow-same-namespace",
            spec: {
                podSelector: ALL_PODS,
                policyTypes: ["Ingress", "Egress"],
                ingress: [{ from: [{ podSelector: ALL_PODS }] }],
                egress: [{ to: [{ podSelector: ALL_PODS }] }],
            },
        },
        ALLOW_DNS,
        ...optionalPolicies(ALL_PODS, egress, metrics),
        ...(releaseChecksPort ? [releaseCheckPolicy(ingressNamespace, releaseChecksPort)] : []),
    ];
}
