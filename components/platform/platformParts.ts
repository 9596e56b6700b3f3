import * as k8s from "@pulumi/kubernetes";
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { splitSubnets } from "../core/cidr";
import { cloudfrontPrefixListId } from "../aws/cdn";
import { Cluster } from "../aws/cluster";
import { EdgeLoadBalancer } from "../aws/edgeLoadBalancer";
import { Network } from "../aws/network";
import { NodeDrainEvents } from "../aws/nodeDrain";
import { NodeGroup } from "../aws/nodeGroup";
import { ClusterSecurityGroups } from "../aws/securityGroups";
import { eksAmiRelease } from "../core/versions";
import { ClusterAutoscaler } from "./clusterAutoscaler";
import type { PlatformEntry, PlatformExports } from "./exports";
import { IngressController } from "./ingressController";
import { INGRESS_CLASSES, INGRESS_NAMESPACE } from "../core/ingress";
import { MetricsServer } from "./metricsServer";
import { NginxCrds } from "./nginxCrds";
import { NodeTerminationHandler } from "./nodeTerminationHandler";
import { LogShipping } from "./observability/logShipping";
import { Metrics } from "./observability/metrics";
import type { EntryArgs, PlatformArgs } from "./platformArgs";

/** The options every child of the Platform gets: its parent, and where it was before (see platform.ts). */
export type ChildOptions = pulumi.ComponentResourceOptions & pulumi.CustomResourceOptions;

export type EntryClass = keyof typeof INGRESS_CLASSES;

/** The configured entries, public first. */
export function entriesOf(args: PlatformArgs): [EntryClass, EntryArgs][] {
    return (Object.entries(args.ingress) as [EntryClass, EntryArgs | undefined][]).filter(
        (e): e is [EntryClass, EntryArgs] => e[1] !== undefined,
    );
}

export interface Core {
    readonly network: Network;
    readonly sgs: ClusterSecurityGroups;
    readonly cluster: Cluster;
}

/** The network, the security groups of control plane and nodes, and the EKS control plane. */
export function createCore(args: PlatformArgs, tags: Record<string, string>, opts: ChildOptions): Core {
    const name = args.clusterName;
    const network = new Network(name, { ...args.network, clusterName: name, tags }, opts);
    const sgs = new ClusterSecurityGroups(name, { vpcId: network.vpcId, tags }, opts);
    const cluster = new Cluster(
        name,
        {
            clusterName: name,
            version: args.cluster.version,
            region: args.region,
            subnetIds: network.privateSubnetIds,
            securityGroupId: sgs.controlPlaneSecurityGroupId,
            publicAccessCidrs: args.cluster.publicAccessCidrs,
            adminRoleArns: args.cluster.adminRoleArns,
            addons: args.cluster.addons,
            tags: { ...tags, "capstan:environment": args.environment },
        },
        opts,
    );
    return { network, sgs, cluster };
}

/** One load balancer per entry, each let into the nodes on its NodePorts. */
export function createEdges(
    args: PlatformArgs,
    core: Core,
    tags: Record<string, string>,
    opts: ChildOptions,
): Record<string, EdgeLoadBalancer> {
    const { network, sgs } = core;
    const loadBalancers: Record<string, EdgeLoadBalancer> = {};
    for (const [cls, entry] of entriesOf(args)) {
        const internal = cls === "internal";
        const lb = new EdgeLoadBalancer(
            `${args.clusterName}-${cls}`,
            {
                vpcId: network.vpcId,
                vpcCidr: network.cidrBlock,
                nodeSecurityGroupId: sgs.nodeSecurityGroupId,
                internal,
                // The internet-facing entry is open to all; the internal one to its sources.
                clientCidrs: internal ? entry.sourceCidrs : undefined,
                subnetIds: internal ? network.privateSubnetIds : network.publicSubnetIds,
                nodePorts: entry.nodePorts,
                certificateArn: entry.certificateArn,
                deregistrationDelaySeconds: args.deregistrationDelaySeconds ?? 30,
                clientPrefixListId:
                    !internal && args.publicOriginLocked ? cloudfrontPrefixListId(opts.parent) : undefined,
                tags,
            },
            opts,
        );
        sgs.allowNodePorts(cls, lb.securityGroupId, lb.targetPorts);
        loadBalancers[cls] = lb;
    }
    return loadBalancers;
}

export interface Nodes {
    readonly nodeGroups: NodeGroup[];
    /** CoreDNS: pods resolve names only once it runs, and it runs only once nodes exist. */
    readonly coreDns: aws.eks.Addon;
    readonly drainEvents: NodeDrainEvents;
}

/**
 * The node groups, registered in every load balancer's target groups, each with a termination
 * lifecycle hook whose events reach the drain queue; CoreDNS once they exist.
 */
export function createNodes(
    args: PlatformArgs,
    core: Core,
    loadBalancers: Record<string, EdgeLoadBalancer>,
    tags: Record<string, string>,
    opts: ChildOptions,
): Nodes {
    const { network, sgs, cluster } = core;
    const name = args.clusterName;
    const targetGroupArns = Object.values(loadBalancers).flatMap((lb) => lb.targetGroupArns);
    const amiRelease = eksAmiRelease(args.cluster.version, args.cluster.amiRelease);
    const nodeGroups = args.nodeGroups.map(
        (g) =>
            new NodeGroup(
                `${name}-${g.name}`,
                {
                    clusterName: name,
                    version: args.cluster.version,
                    amiRelease,
                    endpoint: cluster.endpoint,
                    certificateAuthority: cluster.certificateAuthority,
                    serviceCidr: cluster.serviceCidr,
                    subnetIds: network.privateSubnetIds,
                    securityGroupId: sgs.nodeSecurityGroupId,
                    instanceTypes: g.instanceTypes,
                    minSize: g.minSize,
                    maxSize: g.maxSize,
                    labels: g.labels,
                    taints: g.taints,
                    volumeSizeGiB: g.volumeSizeGiB,
                    targetGroupArns,
                    tags,
                },
                { ...opts, dependsOn: [cluster] },
            ),
    );
    const coreDns = cluster.addCoreDns(nodeGroups);
    const autoScalingGroups = Object.fromEntries(
        args.nodeGroups.map((g, i) => [g.name, nodeGroups[i].autoScalingGroupName]),
    );
    const drainEvents = new NodeDrainEvents(name, { clusterName: name, autoScalingGroups, tags }, opts);
    return { nodeGroups, coreDns, drainEvents };
}

/** The controllers' namespace: they need the baseline Pod Security Standard (NET_BIND_SERVICE). */
function ingressNamespace(name: string, cluster: Cluster, opts: ChildOptions): k8s.core.v1.Namespace {
    return new k8s.core.v1.Namespace(
        `${name}-ingress`,
        {
            metadata: {
                name: INGRESS_NAMESPACE,
                labels: {
                    "pod-security.kubernetes.io/enforce": "baseline",
                    "pod-security.kubernetes.io/warn": "restricted",
                },
            },
        },
        { ...opts, provider: cluster.provider },
    );
}

export interface Addons {
    readonly namespace: k8s.core.v1.Namespace;
    readonly crds: NginxCrds;
    readonly controllers: IngressController[];
    /** Fluent Bit and the cluster's log groups, unless observability is off. */
    readonly logShipping?: LogShipping;
    /** The collectors, the Prometheus workspace and the cluster's alerts, unless observability is off. */
    readonly metrics?: Metrics;
}

/** Log shipping, metrics and the cluster's alerts, when observability is on. */
function createObservability(
    args: PlatformArgs,
    core: Core,
    opts: ChildOptions,
): Pick<Addons, "logShipping" | "metrics"> {
    const obs = args.observability;
    if (!obs) return {};
    const { cluster, network, sgs } = core;
    const name = args.clusterName;
    const tags = args.tags ?? {};
    const irsa = { oidcProviderArn: cluster.oidcProviderArn, oidcIssuer: cluster.oidcIssuer };
    const logShipping = new LogShipping(
        `${name}-logs`,
        { clusterName: name, region: args.region, retentionDays: obs.logRetentionDays, ...irsa, tags },
        opts,
    );
    const metrics = new Metrics(
        `${name}-metrics`,
        {
            clusterName: name,
            region: args.region,
            stack: obs.stack,
            accountArn: cluster.oidcProviderArn,
            vpcCidr: args.network.cidrBlock,
            vpcId: network.vpcId,
            privateSubnetIds: network.privateSubnetIds,
            nodeSecurityGroupId: sgs.nodeSecurityGroupId,
            controlPlaneSecurityGroupId: sgs.controlPlaneSecurityGroupId,
            thresholds: obs.thresholds,
            route: obs.route,
            tags,
        },
        opts,
    );
    return { logShipping, metrics };
}

/**
 * The Helm-installed add-ons once CoreDNS runs: the NGINX CRDs and one ingress controller per
 * entry, the cluster autoscaler, metrics-server, and the node termination handler that drains a
 * node before its instance goes.
 */
export function createAddons(
    args: PlatformArgs,
    core: Core,
    nodes: Nodes,
    loadBalancers: Record<string, EdgeLoadBalancer>,
    opts: ChildOptions,
): Addons {
    const { cluster } = core;
    const name = args.clusterName;
    const tags = args.tags ?? {};
    const k8sOpts = { ...opts, providers: [cluster.provider], dependsOn: [nodes.coreDns] };
    const namespace = ingressNamespace(name, cluster, opts);
    // Both controller classes share the cluster-wide CRDs; each release waits for them.
    const crds = new NginxCrds(
        `${name}-nginx`,
        { kubeconfig: cluster.kubeconfig },
        { ...opts, dependsOn: [nodes.coreDns] },
    );
    const controllers = entriesOf(args).map(
        ([cls, entry]) =>
            new IngressController(
                `${name}-ingress-${cls}`,
                {
                    ingressClass: INGRESS_CLASSES[cls],
                    namespace: namespace.metadata.name,
                    nodePorts: entry.nodePorts,
                    deregistrationDelaySeconds: args.deregistrationDelaySeconds ?? 30,
                    unhealthyAfterSeconds: loadBalancers[cls].unhealthyAfterSeconds,
                    accessLog: args.accessLog,
                },
                { ...k8sOpts, dependsOn: [nodes.coreDns, crds] },
            ),
    );
    const irsa = { oidcProviderArn: cluster.oidcProviderArn, oidcIssuer: cluster.oidcIssuer };
    const clusterArgs = { clusterName: name, region: args.region, tags };
    new ClusterAutoscaler(
        `${name}-autoscaler`,
        { ...clusterArgs, version: args.cluster.version, ...irsa, metrics: args.observability !== undefined },
        k8sOpts,
    );
    new MetricsServer(`${name}-metrics-server`, {}, k8sOpts);
    const drain = nodes.drainEvents;
    new NodeTerminationHandler(
        `${name}-node-termination-handler`,
        {
            ...clusterArgs,
            queueUrl: drain.queueUrl,
            queueArn: drain.queueArn,
            heartbeatTimeoutSeconds: drain.heartbeatTimeoutSeconds,
            ...irsa,
        },
        k8sOpts,
    );
    return { namespace, crds, controllers, ...createObservability(args, core, k8sOpts) };
}

/** The stack output `platform`: what the database, cache and DNS of every stack on this cluster need. */
export function platformExports(
    args: PlatformArgs,
    core: Core,
    loadBalancers: Record<string, EdgeLoadBalancer>,
): PlatformExports {
    const entry = (lb: EdgeLoadBalancer): PlatformEntry => ({
        dnsName: lb.dnsName,
        zoneId: lb.zoneId,
        tlsListenerArn: lb.tlsListenerArn,
    });
    const blocks = splitSubnets(args.network.cidrBlock, args.network.availabilityZones);
    return {
        network: {
            vpcId: core.network.vpcId,
            privateSubnetIds: core.network.privateSubnetIds,
            privateSubnetCidrs: blocks.map((l) => l.private),
            availabilityZones: [...args.network.availabilityZones],
            nodeSecurityGroupId: core.sgs.nodeSecurityGroupId,
        },
        entries: {
            public: entry(loadBalancers.public),
            ...(loadBalancers.internal ? { internal: entry(loadBalancers.internal) } : {}),
        },
    };
}
