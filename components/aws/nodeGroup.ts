import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type Architecture, architectureWarning, groupArchitecture } from "../config";
import { allowOnAny } from "./irsa";
import { drainTags } from "./nodeDrain";
import { nodeUserData, type Taint } from "./userData";

/**
 * The SSM parameter of one release of the EKS-optimized AL2023 AMI, e.g. `v20260930` for 1.34. Its
 * value never changes, unlike the `recommended` parameter's: a node launched months later runs the
 * same AMI, and a new release is a new parameter, so a changed launch template that rolls the group.
 */
export function amiParameter(version: string, release: string, architecture: Architecture = "x86_64"): string {
    return `/aws/service/eks/optimized-ami/${version}/amazon-linux-2023/${architecture}/standard/amazon-eks-node-al2023-${architecture}-standard-${version}-${release}/image_id`;
}

/** The architecture of a group's AMI, from its instance types; a group that mixes them cannot have one. */
export function nodeArchitecture(name: string, instanceTypes: readonly string[]): Architecture {
    const architecture = groupArchitecture(instanceTypes);
    if (!architecture)
        throw new Error(`NodeGroup ${name}: instance types ${instanceTypes.join(", ")} mix architectures`);
    return architecture;
}

/** The tag, with its value, that marks an Auto Scaling group as one of this cluster's. */
function ownedGroupTag(clusterName: string): [string, string] {
    return [`k8s.io/cluster-autoscaler/${clusterName}`, "owned"];
}

/** The tags cluster-autoscaler's auto-discovery looks for (`--node-group-auto-discovery=asg:tag=...`). */
export function autoDiscoveryTags(clusterName: string): Record<string, string> {
    const [owned, value] = ownedGroupTag(clusterName);
    return { "k8s.io/cluster-autoscaler/enabled": "true", [owned]: value };
}

/** An IAM statement's Condition that limits it to the Auto Scaling groups this cluster owns. */
export function ownedGroupsCondition(clusterName: string): Record<string, Record<string, string>> {
    const [owned, value] = ownedGroupTag(clusterName);
    return { StringEquals: { [`aws:ResourceTag/${owned}`]: value } };
}

/**
 * An IAM policy that may look at every group and instance (`discover`) but act only in the groups
 * that carry this cluster's ownership tag (`act`), so it cannot touch another cluster's nodes;
 * `first`, statements of its own before them.
 */
export function ownGroupsPolicy(
    clusterName: string,
    discover: readonly string[],
    act: { readonly sid: string; readonly actions: readonly string[] },
    first: readonly object[] = [],
): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            ...first,
            allowOnAny("Discover", discover),
            allowOnAny(act.sid, act.actions, ownedGroupsCondition(clusterName)),
        ],
    });
}

/**
 * The node-template tags that tell cluster-autoscaler a group's labels and taints while the group
 * has no node to look at, so that a group at size zero can be scaled up for a pod that needs them.
 */
export function nodeTemplateTags(
    labels: Readonly<Record<string, string>>,
    taints: readonly Taint[],
): Record<string, string> {
    const tags: Record<string, string> = {};
    for (const [k, v] of Object.entries(labels)) tags[`k8s.io/cluster-autoscaler/node-template/label/${k}`] = v;
    for (const t of taints) tags[`k8s.io/cluster-autoscaler/node-template/taint/${t.key}`] = `${t.value}:${t.effect}`;
    return tags;
}

export interface NodeGroupArgs {
    readonly clusterName: string;
    readonly version: string;
    /** The EKS AMI release the nodes run, e.g. `v20260930`; a new value rolls the group. */
    readonly amiRelease: string;
    readonly endpoint: pulumi.Input<string>;
    readonly certificateAuthority: pulumi.Input<string>;
    readonly serviceCidr: string;
    /** The private subnets; nodes never get a public address. */
    readonly subnetIds: pulumi.Input<string>[];
    readonly securityGroupId: pulumi.Input<string>;
    /** Instance types, most preferred first, all of one architecture (the AMI follows it); the ASG launches the first one available. */
    readonly instanceTypes: readonly string[];
    readonly minSize: number;
    readonly maxSize: number;
    /** @default {} */
    readonly labels?: Readonly<Record<string, string>>;
    /** @default [] */
    readonly taints?: readonly Taint[];
    /** Root volume, gp3, always encrypted. @default 50 */
    readonly volumeSizeGiB?: number;
    /** Load balancer target groups every node of the group is registered in. @default none */
    readonly targetGroupArns?: pulumi.Input<string>[];
    /**
     * How the group replaces nodes (an instance refresh after a launch-template change, an unhealthy
     * node): the share of the desired capacity that stays in service (`min`, 0–100) and the most it
     * may grow to meanwhile (`max`, 100–200, at most 100 above `min`). @default min 100, max 110:
     * launch before terminating, one node at a time in a group of up to ten, so capacity never dips
     */
    readonly healthyPercentage?: { readonly min: number; readonly max: number };
    readonly tags?: Record<string, string>;
}

/**
 * A self-managed node group: the node role (worker, ECR read-only and SSM policies; no SSH key),
 * its instance profile and EC2_LINUX access entry, a launch template and an Auto Scaling group.
 * The launch template takes the AMI of a pinned release from its SSM parameter, requires IMDSv2 with
 * a hop limit of 1 (a pod, one hop further, cannot reach the node's credentials), encrypts the gp3
 * root volume and gives no public IP. The ASG's desired size belongs to cluster-autoscaler after
 * creation (`ignoreChanges`).
 */
export class NodeGroup extends pulumi.ComponentResource {
    public readonly autoScalingGroupName: pulumi.Output<string>;
    public readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: NodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:aws:NodeGroup", name, {}, opts);
        const warning = architectureWarning(name, nodeArchitecture(name, args.instanceTypes));
        if (warning) void pulumi.log.warn(warning, this);
        const { role, profile, access } = createNodeIdentity(name, args, this);
        const template = new aws.ec2.LaunchTemplate(name, launchTemplateArgs(name, args, profile.arn), {
            parent: this,
        });
        const group = new aws.autoscaling.Group(
            name,
            autoScalingGroupArgs(name, args, { id: template.id, version: template.latestVersion.apply(String) }),
            { parent: this, ignoreChanges: ["desiredCapacity"], dependsOn: [access] },
        );

        this.autoScalingGroupName = group.name;
        this.roleArn = role.arn;
        this.registerOutputs({ autoScalingGroupName: this.autoScalingGroupName, roleArn: this.roleArn });
    }
}

/** The managed policies of the node role: the kubelet's, pulling from ECR, and SSM sessions (no SSH key). */
export const NODE_POLICIES = {
    worker: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    ecr: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    ssm: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
} as const;

/**
 * The node role (under `parent`) with its policies and instance profile (under the role), and the
 * EC2_LINUX access entry that lets its instances join the cluster (under `parent`).
 */
export function createNodeIdentity(
    name: string,
    args: NodeGroupArgs,
    parent: pulumi.Resource,
): { role: aws.iam.Role; profile: aws.iam.InstanceProfile; access: aws.eks.AccessEntry } {
    const tags = args.tags ?? {};
    const role = new aws.iam.Role(
        `${name}-node`,
        {
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
            tags,
        },
        { parent },
    );
    for (const [id, policyArn] of Object.entries(NODE_POLICIES)) {
        new aws.iam.RolePolicyAttachment(`${name}-node-${id}`, { role: role.name, policyArn }, { parent: role });
    }
    const profile = new aws.iam.InstanceProfile(`${name}-node`, { role: role.name, tags }, { parent: role });
    const access = new aws.eks.AccessEntry(
        `${name}-node`,
        { clusterName: args.clusterName, principalArn: role.arn, type: "EC2_LINUX", tags },
        { parent },
    );
    return { role, profile, access };
}

/**
 * The launch template: the pinned AMI release, IMDSv2 with a hop limit of 1 (a pod, one hop
 * further, cannot reach the node's credentials), an encrypted gp3 root volume, no public IP.
 */
export function launchTemplateArgs(
    name: string,
    args: NodeGroupArgs,
    instanceProfileArn: pulumi.Input<string>,
): aws.ec2.LaunchTemplateArgs {
    const tags = args.tags ?? {};
    return {
        description: `EKS ${args.version} nodes of ${name}`,
        // The AMI of the instance types' architecture: Graviton types need the arm64 build.
        imageId: `resolve:ssm:${amiParameter(args.version, args.amiRelease, nodeArchitecture(name, args.instanceTypes))}`,
        iamInstanceProfile: { arn: instanceProfileArn },
        userData: nodeUserData({
            clusterName: args.clusterName,
            endpoint: args.endpoint,
            certificateAuthority: args.certificateAuthority,
            serviceCidr: args.serviceCidr,
            labels: args.labels ?? {},
            taints: args.taints ?? [],
        }),
        metadataOptions: {
            httpEndpoint: "enabled",
            httpTokens: "required",
            httpPutResponseHopLimit: 1,
            instanceMetadataTags: "disabled",
        },
        blockDeviceMappings: [
            {
                deviceName: "/dev/xvda",
                ebs: {
                    volumeSize: args.volumeSizeGiB ?? 50,
                    volumeType: "gp3",
                    encrypted: "true",
                    deleteOnTermination: "true",
                },
            },
        ],
        networkInterfaces: [
            { associatePublicIpAddress: "false", securityGroups: [args.securityGroupId], deleteOnTermination: "true" },
        ],
        monitoring: { enabled: true },
        tagSpecifications: [
            { resourceType: "instance", tags: { ...tags, Name: name } },
            { resourceType: "volume", tags: { ...tags, Name: name } },
        ],
        tags,
    };
}

/** The ASG's tags, every one propagated to its instances. */
export function autoScalingGroupTags(name: string, args: NodeGroupArgs): Record<string, string> {
    return {
        ...(args.tags ?? {}),
        Name: name,
        [`kubernetes.io/cluster/${args.clusterName}`]: "owned",
        ...autoDiscoveryTags(args.clusterName),
        ...nodeTemplateTags(args.labels ?? {}, args.taints ?? []),
        // Terminations of this group's instances wait for the node to be drained (see NodeDrainEvents).
        ...drainTags(),
    };
}

/** Replace nodes by launching first: nothing leaves service before its replacement is in it. */
export const LAUNCH_BEFORE_TERMINATE = { min: 100, max: 110 } as const;

/** The Auto Scaling group: on-demand instances of the listed types, in preference order, rolled on a template change. */
export function autoScalingGroupArgs(
    name: string,
    args: NodeGroupArgs,
    template: { id: pulumi.Input<string>; version: pulumi.Input<string> },
): aws.autoscaling.GroupArgs {
    const healthy = args.healthyPercentage ?? LAUNCH_BEFORE_TERMINATE;
    return {
        vpcZoneIdentifiers: args.subnetIds,
        minSize: args.minSize,
        maxSize: args.maxSize,
        // Only the initial size: afterwards cluster-autoscaler owns it (see ignoreChanges).
        desiredCapacity: args.minSize,
        mixedInstancesPolicy: {
            launchTemplate: {
                launchTemplateSpecification: { launchTemplateId: template.id, version: template.version },
                overrides: args.instanceTypes.map((instanceType) => ({ instanceType })),
            },
            instancesDistribution: {
                onDemandBaseCapacity: 0,
                onDemandPercentageAboveBaseCapacity: 100,
                onDemandAllocationStrategy: "prioritized",
            },
        },
        // A replacement joins (and the old node is drained by the termination hook) before the old
        // node goes: for an instance refresh and for any other replacement, such as a failed health check.
        instanceMaintenancePolicy: { minHealthyPercentage: healthy.min, maxHealthyPercentage: healthy.max },
        instanceRefresh: {
            strategy: "Rolling",
            preferences: { minHealthyPercentage: healthy.min, maxHealthyPercentage: healthy.max },
        },
        // AZRebalance would move nodes between zones behind cluster-autoscaler's back (it
        // balances the zones itself); every other termination waits for a drain.
        suspendedProcesses: ["AZRebalance"],
        targetGroupArns: args.targetGroupArns,
        healthCheckType: "EC2",
        // Give nodeadm and the kubelet time to join before health checks count.
        healthCheckGracePeriod: 300,
        tags: Object.entries(autoScalingGroupTags(name, args)).map(([key, value]) => ({
            key,
            value,
            propagateAtLaunch: true,
        })),
    };
}
