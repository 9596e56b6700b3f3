import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EgressRule, MetricsIngress } from "../core/networkPolicies";
import { tenantNetworkPolicies } from "./networkPolicies";

export interface TenantArgs {
    /** The tenant's name, for labels. */
    readonly tenant: string;
    /** The namespace to create for the tenant (`<app>-<tenant>`); every tenant object lives in it. */
    readonly namespace: string;
    /** The namespace's ResourceQuota: total CPU and memory requests (memory also caps limits), and pods. */
    readonly quota: {
        readonly cpu: string;
        readonly memory: string;
        readonly pods: number;
        /** Total ephemeral-storage requests, and limits. */
        readonly ephemeralStorage: string;
    };
    /** What a container without resources of its own gets (LimitRange defaults). */
    readonly limits: {
        readonly cpuRequest: string;
        readonly memoryRequest: string;
        readonly memoryLimit: string;
        readonly ephemeralStorageRequest: string;
        readonly ephemeralStorageLimit: string;
    };
    /** The NGINX Ingress Controllers' namespace: the only other namespace allowed in. */
    readonly ingressNamespace: pulumi.Input<string>;
    /** The Pod Security Standard labels of the namespace, as the cluster's access gives them. */
    readonly podSecurity: Readonly<Record<string, string>>;
    /** TCP ports per network the pods may connect to, besides DNS and their own namespace. @default none */
    readonly egress?: readonly EgressRule[];
    /** The port the collector scrapes the pods on, and its networks. @default none admitted */
    readonly metrics?: MetricsIngress;
    /** The ingress controllers' port a blue/green release's checks reach them on. @default none: no checks */
    readonly releaseChecksPort?: number;
}

/** The namespace's labels: the Pod Security Standard's, and the tenant. */
export function namespaceLabels(tenant: string, podSecurity: Readonly<Record<string, string>>): Record<string, string> {
    return { "capstan.io/tenant": tenant, ...podSecurity };
}

/** The ResourceQuota's hard limits. A tenant opens no load balancer and no NodePort of its own. */
export function quotaHard(quota: TenantArgs["quota"]): Record<string, string> {
    return {
        "requests.cpu": quota.cpu,
        "requests.memory": quota.memory,
        "limits.memory": quota.memory,
        "requests.ephemeral-storage": quota.ephemeralStorage,
        "limits.ephemeral-storage": quota.ephemeralStorage,
        pods: String(quota.pods),
        "services.loadbalancers": "0",
        "services.nodeports": "0",
    };
}

/**
 * A tenant's own corner of the shared cluster: its namespace (the cluster's Pod Security Standard),
 * a ResourceQuota, a LimitRange and NetworkPolicies that deny all ingress but from the ingress
 * controllers and the namespace itself, and all egress but DNS, the namespace and `egress`.
 *
 * The Namespace is the only cluster-scoped object; everything else is inside it, so destroying
 * the tenant's stack removes this tenant and touches nothing shared. Kubernetes names are fixed
 * (the namespace is the tenant's identity); renaming a child replaces it.
 */
export class Tenant extends pulumi.ComponentResource {
    /** The namespace's name, known once it exists: the app's `namespace` input. */
    public readonly namespaceName: pulumi.Output<string>;

    constructor(name: string, args: TenantArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:tenant:Tenant", name, {}, opts);
        const labels = { "capstan.io/tenant": args.tenant };

        const ns = new k8s.core.v1.Namespace(
            name,
            { metadata: { name: args.namespace, labels: namespaceLabels(args.tenant, args.podSecurity) } },
            { parent: this },
        );
        const namespace = ns.metadata.name;
        const inNs = { parent: ns };

        new k8s.core.v1.ResourceQuota(
            `${name}-quota`,
            { metadata: { name: "tenant", namespace, labels }, spec: { hard: quotaHard(args.quota) } },
            inNs,
        );
        new k8s.core.v1.LimitRange(
            `${name}-limits`,
            {
                metadata: { name: "tenant", namespace, labels },
                spec: {
                    limits: [
                        {
                            type: "Container",
                            defaultRequest: {
                                cpu: args.limits.cpuRequest,
                                memory: args.limits.memoryRequest,
                                "ephemeral-storage": args.limits.ephemeralStorageRequest,
                            },
                            default: {
                                memory: args.limits.memoryLimit,
                                "ephemeral-storage": args.limits.ephemeralStorageLimit,
                            },
                        },
                    ],
                },
            },
            inNs,
        );
        for (const p of tenantNetworkPolicies(
            args.ingressNamespace,
            args.egress ?? [],
            args.metrics,
            args.releaseChecksPort,
        )) {
            new k8s.networking.v1.NetworkPolicy(
                `${name}-${p.name}`,
                { metadata: { name: p.name, namespace, labels }, spec: p.spec },
                inNs,
            );
        }

        this.namespaceName = namespace;
        this.registerOutputs({ namespaceName: this.namespaceName });
    }
}
