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

export interface AppNetworkArgs {
    /** The app's name: its web pods carry it as `app.kubernetes.io/name`. */
    readonly app: string;
    /** The port the web pods serve on: the only one opened, and only to the ingress controllers. */
    readonly webPort: number;
    /** The NGINX Ingress Controllers' namespace. */
    readonly ingressNamespace: pulumi.Input<string>;
    /** Where the app's pods may connect besides the cluster DNS: TCP ports per network. */
    readonly egress: readonly EgressRule[];
    /** The port the collector scrapes the app's pods on, and its networks. @default none admitted */
    readonly metrics?: MetricsIngress;
}

/** Where the cluster's metrics collector connects from, and the port the app's pods serve metrics on. */
export interface MetricsIngress {
    readonly port: number;
    /** The collector's networks: the private subnets its interfaces are in. */
    readonly sources: readonly string[];
}

const ALL_PODS = {};

/** Ingress to every pod of the app on the metrics port, from the collector's networks only. */
function metricsPolicy(app: string, metrics: MetricsIngress): PolicySpec {
    return {
        name: "allow-metrics-from-collector",
        spec: {
            podSelector: { matchLabels: { "app.kubernetes.io/name": app } },
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
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/**
 * The NetworkPolicies of the app's own namespace. Policies add up: a pod may receive or send what
 * any of them allows. `default-deny` selects every pod for both directions, so nothing flows
 * unless another policy allows it:
 * - ingress to the web pods (the canary's included), on the web port only, from the ingress
 *   controllers' namespace: workers, cron runs and the migration accept no connection at all, and
 *   no pod of another namespace (nor of this one) reaches the web pods around nginx;
 * - egress to the cluster DNS, and to the networks and ports of `egress` (the database's and
 *   cache's subnets, HTTPS to the AWS APIs and third parties);
 * - with `metrics`, ingress to every pod of the app on the metrics port from the collector's
 *   networks (the scraper's interfaces in the private subnets).
 */
export function appNetworkPolicies(args: AppNetworkArgs): PolicySpec[] {
    const policies: PolicySpec[] = [
        { name: "default-deny", spec: { podSelector: ALL_PODS, policyTypes: ["Ingress", "Egress"] } },
        {
            name: "allow-web-from-ingress-controllers",
            spec: {
                podSelector: {
                    matchLabels: { "app.kubernetes.io/name": args.app, "app.kubernetes.io/component": "web" },
                },
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        from: [
                            { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: args.ingressNamespace } } },
                        ],
                        ports: [{ protocol: "TCP", port: args.webPort }],
                    },
                ],
            },
        },
        {
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
        },
    ];
    if (args.metrics && args.metrics.sources.length > 0) policies.push(metricsPolicy(args.app, args.metrics));
    if (args.egress.length > 0)
        policies.push({
            name: "allow-egress",
            spec: {
                podSelector: ALL_PODS,
                policyTypes: ["Egress"],
                egress: args.egress.map((e) => ({
                    to: [{ ipBlock: { cidr: e.cidr } }],
                    ports: e.ports.map((p) => ({ protocol: "TCP", port: p })),
                })),
            },
        });
    return policies;
}
