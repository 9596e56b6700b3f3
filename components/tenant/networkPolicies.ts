import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** One egress allowance: TCP ports on a network. */
export interface EgressRule {
    readonly cidr: string;
    readonly ports: readonly number[];
}

/** A NetworkPolicy's name and spec, before it becomes a resource. */
export interface PolicySpec {
    readonly name: string;
    readonly spec: k8s.types.input.networking.v1.NetworkPolicySpec;
}

/** Where the cluster's metrics collector connects from, and the port the app's pods serve metrics on. */
export interface MetricsIngress {
    readonly port: number;
    /** The collector's networks: the private subnets its interfaces are in. */
    readonly sources: readonly string[];
}

const ALL_PODS = {};
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** Egress to the cluster DNS (CoreDNS in kube-system), UDP and TCP. */
const ALLOW_DNS: PolicySpec = {
    name: "allow-dns",
    spec: {
        podSelector: ALL_PODS,
        policyTypes: ["Egress"],
        egress: [
            {
                to: [
                    {
                        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: "kube-system" } },
                        podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                    },
                ],
                ports: [
                    { protocol: "UDP", port: 53 },
                    { protocol: "TCP", port: 53 },
                ],
            },
        ],
    },
};

/**
 * The tenant's NetworkPolicies. Policies add up: a pod may receive or send what any of them
 * allows. `default-deny` selects every pod for both directions, so nothing flows unless another
 * policy allows it:
 * - ingress from the ingress controllers' namespace (the way in from the load balancer) and from
 *   the tenant's own namespace;
 * - egress to the cluster DNS, to the tenant's own namespace, and to the networks and ports of
 *   `egress`;
 * - with `metrics`, ingress on the metrics port from the collector's networks.
 *
 * Other tenants cannot reach this one even where an egress rule of theirs covers its pod
 * addresses: this namespace's ingress is denied by default.
 */
export function tenantNetworkPolicies(
    ingressNamespace: pulumi.Input<string>,
    egress: readonly EgressRule[],
    metrics?: MetricsIngress,
): PolicySpec[] {
    const policies: PolicySpec[] = [
        { name: "default-deny", spec: { podSelector: ALL_PODS, policyTypes: ["Ingress", "Egress"] } },
        {
            name: "allow-from-ingress-controllers",
            spec: {
                podSelector: ALL_PODS,
                policyTypes: ["Ingress"],
                ingress: [
                    { from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ingressNamespace } } }] },
                ],
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
    ];
    if (metrics && metrics.sources.length > 0)
        policies.push({
            name: "allow-metrics-from-collector",
            spec: {
                podSelector: ALL_PODS,
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        from: metrics.sources.map((cidr) => ({ ipBlock: { cidr } })),
                        ports: [{ protocol: "TCP", port: metrics.port }],
                    },
                ],
            },
        });
    if (egress.length > 0) {
        policies.push({
            name: "allow-egress",
            spec: {
                podSelector: ALL_PODS,
                policyTypes: ["Egress"],
                egress: egress.map((e) => ({
                    to: [{ ipBlock: { cidr: e.cidr } }],
                    ports: e.ports.map((p) => ({ protocol: "TCP", port: p })),
                })),
            },
        });
    }
    return policies;
}
