import * as pulumi from "@pulumi/pulumi";
import type { EdgeLoadBalancer } from "../aws/edgeLoadBalancer";
import { clusterContract, type ClusterAccess } from "./access";
import type { PlatformExports } from "./exports";
import type { PlatformArgs } from "./platformArgs";
import {
    createAddons,
    createCore,
    createEdges,
    createNodes,
    platformExports,
    type ChildOptions,
} from "./platformParts";

export type { EntryArgs, PlatformArgs } from "./platformArgs";

/** The platform this stack owns, and what the app layer needs of it. */
export interface CreatedPlatform extends ClusterAccess {
    readonly loadBalancers: Readonly<Record<string, EdgeLoadBalancer>>;
    /** The stack output `platform`: what the database, cache and DNS of every stack on this cluster need. */
    readonly exports: PlatformExports;
}

/**
 * The AWS platform and the cluster add-ons of a stack that creates its cluster, in dependency
 * order: network, security groups, control plane, one load balancer per ingress class, node groups
 * registered in every load balancer's target groups (each with a termination lifecycle hook whose
 * events reach the drain queue), CoreDNS once nodes exist, then the Helm-installed add-ons.
 *
 * Its children were once created at the stack's root: each carries an alias to that URN, and their
 * own children inherit it, so that a deployed stack keeps them (the cluster and its key are
 * protected and could not be replaced anyway). Renaming a child replaces real infrastructure.
 */
export class Platform extends pulumi.ComponentResource {
    /** What the app and tenant layers need of the cluster, the same shape the other cluster modes give. */
    public readonly access: CreatedPlatform;

    constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:platform:Platform", name, {}, opts);
        const tags = args.tags ?? {};
        const moved: ChildOptions = { parent: this, aliases: [{ parent: pulumi.rootStackResource }] };
        const core = createCore(args, tags, moved);
        const loadBalancers = createEdges(args, core, tags, moved);
        const nodes = createNodes(args, core, loadBalancers, tags, moved);
        const addons = createAddons(args, core, nodes, loadBalancers, moved);
        const exports = platformExports(args, core, loadBalancers);
        const { cluster } = core;
        this.access = {
            provider: cluster.provider,
            kubeconfig: cluster.kubeconfig,
            clusterName: cluster.clusterName,
            oidc: { providerArn: cluster.oidcProviderArn, issuer: cluster.oidcIssuer },
            ingressNamespace: addons.namespace.metadata.name,
            ...clusterContract({ internal: args.ingress.internal !== undefined }),
            readiness: { customResources: [addons.crds, ...addons.controllers], pods: [nodes.coreDns] },
            nodeGroups: args.nodeGroups.map((g) => ({
                name: g.name,
                labels: { ...g.labels },
                taints: g.taints.map((t) => ({ ...t })),
                instanceTypes: [...g.instanceTypes],
            })),
            loadBalancers,
            exports,
            ...(addons.logShipping && addons.metrics
                ? {
                      observability: {
                          logsKeyArn: addons.logShipping.groups.keyArn,
                          workspaceId: addons.metrics.workspaceId,
                          prometheusEndpoint: addons.metrics.prometheusEndpoint,
                      },
                  }
                : {}),
            platform: () => Promise.resolve(exports),
        };
        this.registerOutputs({ clusterName: cluster.clusterName, ingressNamespace: this.access.ingressNamespace });
    }
}
