import type * as pulumi from "@pulumi/pulumi";
import {
    ALLOW_DNS,
    DEFAULT_DENY,
    namespacePeer,
    optionalPolicies,
    type EgressRule,
    type MetricsIngress,
    type PolicySpec,
    releaseCheckPolicy,
} from "../core/networkPolicies";

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
    /** The ingress controllers' port a blue/green release's checks reach them on. @default none: no checks */
    readonly releaseChecksPort?: number;
}

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
 *   networks (the scraper's interfaces in the private subnets);
 * - with `releaseChecksPort`, egress from a blue/green release's check pods to the controllers.
 */
export function appNetworkPolicies(args: AppNetworkArgs): PolicySpec[] {
    return [
        DEFAULT_DENY,
        {
            name: "allow-web-from-ingress-controllers",
            spec: {
                podSelector: {
                    matchLabels: { "app.kubernetes.io/name": args.app, "app.kubernetes.io/component": "web" },
                },
                policyTypes: ["Ingress"],
                ingress: [
                    { from: [namespacePeer(args.ingressNamespace)], ports: [{ protocol: "TCP", port: args.webPort }] },
                ],
            },
        },
        ALLOW_DNS,
        ...optionalPolicies({ matchLabels: { "app.kubernetes.io/name": args.app } }, args.egress, args.metrics),
        ...(args.releaseChecksPort ? [releaseCheckPolicy(args.ingressNamespace, args.releaseChecksPort)] : []),
    ];
}
