/**
 * The NetworkPolicy building blocks an app's namespace and a tenant's namespace share: the
 * default deny, the cluster DNS, the listed egress and the metrics collector's ingress. Each
 * layer composes its own list from them; the specs are plain data, declared by the caller.
 */
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

/** The empty pod selector: every pod of the namespace. */
export const ALL_PODS = {};

/** The label the API server sets on every namespace: its name. */
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** The peer that is every pod of the named namespace. */
export function namespacePeer(namespace: pulumi.Input<string>): k8s.types.input.networking.v1.NetworkPolicyPeer {
    return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } } };
}

/** Selects every pod for both directions, so nothing flows unless another policy allows it. */
export const DEFAULT_DENY: PolicySpec = {
    name: "default-deny",
    spec: { podSelector: ALL_PODS, policyTypes: ["Ingress", "Egress"] },
};

/** Egress to the cluster DNS (CoreDNS in kube-system), UDP and TCP. */
export const ALLOW_DNS: PolicySpec = {
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

/** Ingress to the selected pods on the metrics port, from the collector's networks only. */
export function metricsPolicy(podSelector: k8s.types.input.meta.v1.LabelSelector, metrics: MetricsIngress): PolicySpec {
    return {
        name: "allow-metrics-from-collector",
        spec: {
            podSelector,
            policyTypes: ["Ingress"],
            ingress: [
                {
                    from: metrics.sources.map((cidr) => ({ ipBlock: { cidr } })),
                    ports: [{ protocol: "TCP", port: metrics.port }],
                },
            ],
        },
    };
}

/** Egress from every pod to the networks and TCP ports of `egress`. */
export function egressPolicy(egress: readonly EgressRule[]): PolicySpec {
    return {
        name: "allow-egress",
        spec: {
            podSelector: ALL_PODS,
            policyTypes: ["Egress"],
            egress: egress.map((e) => ({
                to: [{ ipBlock: { cidr: e.cidr } }],
                ports: e.ports.map((p) => ({ protocol: "TCP", port: p })),
            })),
        },
    };
}

/** The label of a blue/green release's check pods: the one egress to the ingress controllers they get. */
export const RELEASE_CHECK_LABEL = "capstan.dev/release-check";

/**
 * Egress from a blue/green release's check pods to the ingress controllers on `port` (the listener
 * the load balancer's TLS ends on), so the checks reach the idle colour the way a visitor does:
 * through the preview host's VirtualServer.
 */
export function releaseCheckPolicy(ingressNamespace: pulumi.Input<string>, port: number): PolicySpec {
    return {
        name: "allow-release-checks-to-ingress-controllers",
        spec: {
            podSelector: { matchLabels: { [RELEASE_CHECK_LABEL]: "true" } },
            policyTypes: ["Egress"],
            egress: [{ to: [namespacePeer(ingressNamespace)], ports: [{ protocol: "TCP", port }] }],
        },
    };
}

/**
 * The policies both namespaces end with: with `metrics` (and a network to admit), ingress on the
 * metrics port to the pods `metricsPods` selects; with `egress`, the listed egress.
 */
export function optionalPolicies(
    metricsPods: k8s.types.input.meta.v1.LabelSelector,
    egress: readonly EgressRule[],
    metrics?: MetricsIngress,
): PolicySpec[] {
    return [
        ...(metrics && metrics.sources.length > 0 ? [metricsPolicy(metricsPods, metrics)] : []),
        ...(egress.length > 0 ? [egressPolicy(egress)] : []),
    ];
}
