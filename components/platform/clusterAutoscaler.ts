import * as pulumi from "@pulumi/pulumi";
import { autoDiscoveryTags, ownGroupsPolicy } from "../aws/nodeGroup";
import { CHARTS, clusterAutoscalerImageTag } from "../core/versions";
import { scrapeAnnotations } from "../core/names";
import { irsaRelease } from "./irsaRelease";

/** cluster-autoscaler's metrics port (its `--address`, the chart's default). */
export const CLUSTER_AUTOSCALER_METRICS_PORT = 8085;

export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = { namespace: "kube-system", name: "cluster-autoscaler" } as const;

export interface ClusterAutoscalerArgs {
    readonly clusterName: string;
    /** The cluster's Kubernetes minor version: the autoscaler image must match it. */
    readonly version: string;
    readonly region: string;
    readonly oidcProviderArn: pulumi.Input<string>;
    readonly oidcIssuer: pulumi.Input<string>;
    readonly chartVersion?: string;
    readonly tags?: Record<string, string>;
    /** Per-node-group metrics (the node group alerts read them), its pod annotated for the collector. @default false */
    readonly metrics?: boolean;
}

/** What the autoscaler reads of every group, its instances and their templates. */
const AUTOSCALER_DISCOVERY = [
    "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:DescribeAutoScalingInstances",
    "autoscaling:DescribeLaunchConfigurations",
    "autoscaling:DescribeScalingActivities",
    "autoscaling:DescribeTags",
    "ec2:DescribeImages",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:GetInstanceTypesFromInstanceRequirements",
    "eks:DescribeNodegroup",
];

/**
 * The autoscaler's IAM policy: it may look at every group, but change (resize, terminate in) only
 * the groups that carry this cluster's ownership tag, so it cannot touch another cluster's nodes.
 */
export function clusterAutoscalerPolicy(clusterName: string): string {
    return ownGroupsPolicy(clusterName, AUTOSCALER_DISCOVERY, {
        sid: "ScaleOwnGroups",
        actions: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
    });
}

/** The Helm values: auto-discovery by exactly the tags every node group of this cluster carries. */
export function clusterAutoscalerValues(
    args: ClusterAutoscalerArgs,
    roleArn: pulumi.Input<string>,
): Record<string, unknown> {
    return {
        cloudProvider: "aws",
        awsRegion: args.region,
        autoDiscovery: { clusterName: args.clusterName, tags: Object.keys(autoDiscoveryTags(args.clusterName)) },
        image: { tag: clusterAutoscalerImageTag(args.version) },
        rbac: {
            create: true,
            serviceAccount: {
                create: true,
                name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.name,
                annotations: { "eks.amazonaws.com/role-arn": roleArn },
            },
        },
        extraArgs: {
            // Groups that differ only in zone are kept the same size, so pods stay spread.
            "balance-similar-node-groups": true,
            expander: "least-waste",
            "skip-nodes-with-system-pods": false,
            ...(args.metrics ? { "emit-per-nodegroup-metrics": true } : {}),
        },
        ...(args.metrics ? { podAnnotations: scrapeAnnotations(CLUSTER_AUTOSCALER_METRICS_PORT) } : {}),
        replicaCount: 1,
        resources: { requests: { cpu: "100m", memory: "300Mi" }, limits: { memory: "600Mi" } },
        priorityClassName: "system-cluster-critical",
    };
}

/** cluster-autoscaler with its IRSA role, installed with the official chart at a pinned version. */
export class ClusterAutoscaler extends pulumi.ComponentResource {
    public readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: ClusterAutoscalerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:platform:ClusterAutoscaler", name, {}, opts);
        const { role } = irsaRelease(
            {
                names: { role: name, release: name },
                serviceAccount: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
                oidcProviderArn: args.oidcProviderArn,
                oidcIssuer: args.oidcIssuer,
                policy: clusterAutoscalerPolicy(args.clusterName),
                releaseName: "cluster-autoscaler",
                chart: CHARTS.clusterAutoscaler,
                chartVersion: args.chartVersion,
                values: (roleArn) => clusterAutoscalerValues(args, roleArn),
                tags: args.tags,
            },
            this,
        );
        this.roleArn = role.arn;
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
