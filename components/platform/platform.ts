import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { splitSubnets } from "../aws/cidr";
import { Cluster } from "../aws/cluster";
import { EdgeLoadBalancer } from "../aws/edgeLoadBalancer";
import { Network } from "../aws/network";
import { NodeDrainEvents } from "../aws/nodeDrain";
import { NodeGroup } from "../aws/nodeGroup";
import { ClusterSecurityGroups } from "../aws/securityGroups";
import type { ClusterAccess } from "./access";
import type { PlatformEntry, PlatformExports } from "./exports";
import { ClusterAutoscaler } from "./clusterAutoscaler";
import { IngressController } from "./ingressController";
import { INGRESS_CLASSES } from "./ingressContract";
import { MetricsServer } from "./metricsServer";
import { NginxCrds } from "./nginxCrds";
import { NodeTerminationHandler } from "./nodeTerminationHandler";
import { eksAmiRelease } from "../config/versions";

/** The namespace of both ingress controllers. */
export const INGRESS_NAMESPACE = "nginx-ingress";

interface EntryArgs {
    /** The TLS listener's certificate: the configured ARN, or the stack's own from capstan:dns. */
    readonly certificateArn?: pulumi.Input<string>;
    readonly nodePorts: { readonly http: number; readonly https: number; readonly healthCheck: number };
}

export interface PlatformArgs {
    /** The EKS cluster name, also the prefix of every resource name. */
    readonly clusterName: string;
    readonly region: string;
    readonly network: {
        readonly cidrBlock: string;
        readonly availabilityZones: readonly string[];
        readonly natGateways: "perZone" | "single";
    };
    readonly cluster: {
        readonly version: string;
        /** The EKS AMI release of every node group. @default the release pinned for the version in versions.ts */
        readonly amiRelease?: string;
        readonly publicAccessCidrs: readonly string[];
        readonly adminRoleArns: readonly string[];
        readonly addons: { readonly vpcCni?: string; readonly coreDns?: string; readonly kubeProxy?: string };
    };
    readonly nodeGroups: readonly {
        readonly name: string;
        readonly instanceTypes: readonly string[];
        readonly minSize: number;
        readonly maxSize: number;
        readonly labels: Readonly<Record<string, string>>;
        readonly taints: readonly {
            key: string;
            value: string;
            effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
        }[];
        readonly volumeSizeGiB: number;
    }[];
    readonly ingress: { readonly public: EntryArgs; readonly internal?: EntryArgs };
    /** The load balancers' deregistration delay; the controllers shut down more slowly than this. @default 30 */
    readonly deregistrationDelaySeconds?: number;
    readonly tags?: Record<string, string>;
}

/** The platform this stack owns, and what the app layer needs of it. */
export interface CreatedPlatform extends ClusterAccess {
    readonly loadBalancers: Readonly<Record<string, EdgeLoadBalancer>>;
    /** The stack output `platform`: what the database, cache and DNS of every stack on this cluster need. */
    readonly exports: PlatformExports;
}

/**
 * Creates the AWS platform and the cluster add-ons, in dependency order: network, security
 * groups, control plane, one load balancer per ingress class, node groups registered in every
 * load balancer's target groups (each with a termination lifecycle hook whose events reach the
 * drain queue), CoreDNS once nodes exist, then the Helm-installed add-ons, among them the node
 * termination handler that drains a node before its instance goes.
 */
export function createPlatform(args: PlatformArgs): CreatedPlatform {
    const name = args.clusterName;
    const tags = args.tags ?? {};
    const delay = args.deregistrationDelaySeconds ?? 30;
    const network = new Network(name, { ...args.network, clusterName: name, tags });
    const sgs = new ClusterSecurityGroups(name, { vpcId: network.vpcId, tags });
    const cluster = new Cluster(name, {
        clusterName: name,
        version: args.cluster.version,
        region: args.region,
        subnetIds: network.privateSubnetIds,
        securityGroupId: sgs.controlPlaneSecurityGroupId,
        publicAccessCidrs: args.cluster.publicAccessCidrs,
        adminRoleArns: args.cluster.adminRoleArns,
        addons: args.cluster.addons,
        tags,
    });

    const entries = (Object.entries(args.ingress) as [keyof typeof INGRESS_CLASSES, EntryArgs | undefined][]).filter(
        (e): e is [keyof typeof INGRESS_CLASSES, EntryArgs] => e[1] !== undefined,
    );
    const loadBalancers: Record<string, EdgeLoadBalancer> = {};
    for (const [cls, entry] of entries) {
        const internal = cls === "internal";
        const lb = new EdgeLoadBalancer(`${name}-${cls}`, {
            vpcId: network.vpcId,
            vpcCidr: network.cidrBlock,
            nodeSecurityGroupId: sgs.nodeSecurityGroupId,
            internal,
            subnetIds: internal ? network.privateSubnetIds : network.publicSubnetIds,
            nodePorts: entry.nodePorts,
            // The config checks require a certificate on every entry of a stack that creates the cluster
            // (configured, or its own from capstan:dns).
            certificateArn: entry.certificateArn!,
            deregistrationDelaySeconds: delay,
            tags,
        });
        sgs.allowNodePorts(cls, lb.securityGroupId, lb.targetPorts);
        loadBalancers[cls] = lb;
    }

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
                { dependsOn: [cluster] },
            ),
    );
    const coreDns = cluster.addCoreDns(nodeGroups);
    const drainEvents = new NodeDrainEvents(name, {
        clusterName: name,
        autoScalingGroups: Object.fromEntries(
            args.nodeGroups.map((g, i) => [g.name, nodeGroups[i].autoScalingGroupName]),
        ),
        tags,
    });

    const k8sOpts = { providers: [cluster.provider], dependsOn: [coreDns] };
    const namespace = new k8s.core.v1.Namespace(
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
        { provider: cluster.provider },
    );
    // Both controller classes share the cluster-wide CRDs; each release waits for them.
    const crds = new NginxCrds(`${name}-nginx`, { kubeconfig: cluster.kubeconfig }, { dependsOn: [coreDns] });
    const controllers = entries.map(
        ([cls, entry]) =>
            new IngressController(
                `${name}-ingress-${cls}`,
                {
                    ingressClass: INGRESS_CLASSES[cls],
                    namespace: namespace.metadata.name,
                    nodePorts: entry.nodePorts,
                    deregistrationDelaySeconds: delay,
                    unhealthyAfterSeconds: loadBalancers[cls].unhealthyAfterSeconds,
                },
                { ...k8sOpts, dependsOn: [coreDns, crds] },
            ),
    );
    new ClusterAutoscaler(
        `${name}-autoscaler`,
        {
            clusterName: name,
            version: args.cluster.version,
            region: args.region,
            oidcProviderArn: cluster.oidcProviderArn,
            oidcIssuer: cluster.oidcIssuer,
            tags,
        },
        k8sOpts,
    );
    new MetricsServer(`${name}-metrics-server`, {}, k8sOpts);
    new NodeTerminationHandler(
        `${name}-node-termination-handler`,
        {
            clusterName: name,
            region: args.region,
            queueUrl: drainEvents.queueUrl,
            queueArn: drainEvents.queueArn,
            heartbeatTimeoutSeconds: drainEvents.heartbeatTimeoutSeconds,
            oidcProviderArn: cluster.oidcProviderArn,
            oidcIssuer: cluster.oidcIssuer,
            tags,
        },
        k8sOpts,
    );

    const entry = (lb: EdgeLoadBalancer): PlatformEntry => ({
        dnsName: lb.dnsName,
        zoneId: lb.zoneId,
        tlsListenerArn: lb.tlsListenerArn,
    });
    const platformExports: PlatformExports = {
        network: {
            vpcId: network.vpcId,
            privateSubnetIds: network.privateSubnetIds,
            privateSubnetCidrs: splitSubnets(args.network.cidrBlock, args.network.availabilityZones).map(
                (l) => l.private,
            ),
            availabilityZones: [...args.network.availabilityZones],
            nodeSecurityGroupId: sgs.nodeSecurityGroupId,
        },
        entries: {
            public: entry(loadBalancers.public),
            ...(loadBalancers.internal ? { internal: entry(loadBalancers.internal) } : {}),
        },
    };
    return {
        provider: cluster.provider,
        kubeconfig: cluster.kubeconfig,
        clusterName: cluster.clusterName,
        oidc: { providerArn: cluster.oidcProviderArn, issuer: cluster.oidcIssuer },
        ingressNamespace: namespace.metadata.name,
        ingressClasses: args.ingress.internal
            ? { public: INGRESS_CLASSES.public, internal: INGRESS_CLASSES.internal }
            : { public: INGRESS_CLASSES.public },
        readiness: { customResources: [crds, ...controllers], pods: [coreDns] },
        nodeGroups: args.nodeGroups.map((g) => ({
            name: g.name,
            labels: { ...g.labels },
            taints: g.taints.map((t) => ({ ...t })),
            instanceTypes: [...g.instanceTypes],
        })),
        loadBalancers,
        exports: platformExports,
        platform: () => Promise.resolve(platformExports),
    };
}
