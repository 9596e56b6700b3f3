import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { SERVICE_CIDR } from "../core/cidr";

/** The VPC CNI add-on's configuration: its network policy agent enforces Kubernetes NetworkPolicies. */
export const VPC_CNI_CONFIGURATION = { enableNetworkPolicy: "true" } as const;

/** Every control-plane log type EKS offers: audit and authenticator logs answer "who did what". */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** The access policy an admin role's access entry is associated with. */
export const CLUSTER_ADMIN_POLICY_ARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

export interface ClusterArgs {
    /** The EKS cluster name; also the value of every cluster-scoped tag. Changing it replaces the cluster. */
    readonly clusterName: string;
    /** Kubernetes minor version, e.g. "1.34". */
    readonly version: string;
    readonly region: string;
    /** Subnets of the control plane's network interfaces: the private subnets, one per zone. */
    readonly subnetIds: pulumi.Input<string>[];
    /** The control plane's security group (see `ClusterSecurityGroups`). */
    readonly securityGroupId: pulumi.Input<string>;
    /**
     * Networks that may reach the public API endpoint. Empty: the public endpoint is off and the
     * API is reachable from inside the VPC only. The private endpoint is always on, so nodes never
     * leave the VPC to reach the API. `0.0.0.0/0` is refused by the config check.
     */
    readonly publicAccessCidrs: readonly string[];
    /** IAM role ARNs given cluster-admin through access entries. @default none */
    readonly adminRoleArns?: readonly string[];
    /**
     * EKS add-on versions. An omitted one gets EKS's default version for the cluster version when
     * the add-on is created (and is then left alone: EKS does not upgrade it by itself).
     */
    readonly addons?: { readonly vpcCni?: string; readonly kubeProxy?: string; readonly coreDns?: string };
    readonly tags?: Record<string, string>;
}

/** The KMS key that envelope-encrypts the cluster's Secrets. */
export function secretsKeyArgs(args: Pick<ClusterArgs, "clusterName" | "tags">): aws.kms.KeyArgs {
    return {
        description: `Envelope encryption of the Kubernetes Secrets of ${args.clusterName}`,
        enableKeyRotation: true,
        // The longest waiting period: a key deleted by mistake can be recovered for 30 days.
        deletionWindowInDays: 30,
        tags: args.tags ?? {},
    };
}

/** The role the EKS service assumes to run the control plane. */
export function clusterRoleArgs(tags: Record<string, string> = {}): aws.iam.RoleArgs {
    return {
        assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "eks.amazonaws.com" },
                    Action: ["sts:AssumeRole", "sts:TagSession"],
                },
            ],
        }),
        tags,
    };
}

/** The EKS cluster itself: endpoints, Service CIDR, logging, Secrets encryption and authentication. */
export function controlPlaneArgs(
    args: ClusterArgs,
    roleArn: pulumi.Input<string>,
    keyArn: pulumi.Input<string>,
): aws.eks.ClusterArgs {
    const publicAccess = args.publicAccessCidrs.length > 0;
    return {
        name: args.clusterName,
        version: args.version,
        roleArn,
        vpcConfig: {
            subnetIds: args.subnetIds,
            securityGroupIds: [args.securityGroupId],
            endpointPrivateAccess: true,
            endpointPublicAccess: publicAccess,
            // Without public access the list is irrelevant; EKS would fill in 0.0.0.0/0.
            publicAccessCidrs: publicAccess ? [...args.publicAccessCidrs] : undefined,
        },
        kubernetesNetworkConfig: { serviceIpv4Cidr: SERVICE_CIDR, ipFamily: "ipv4" },
        enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
        encryptionConfig: { provider: { keyArn }, resources: ["secrets"] },
        accessConfig: {
            // Access entries only: no aws-auth ConfigMap to edit by hand.
            authenticationMode: "API",
            // The identity that runs `pulumi up` installs the add-ons, so it needs access.
            bootstrapClusterCreatorAdminPermissions: true,
        },
        // Nodes are self-managed; the add-ons are declared separately at pinned versions.
        bootstrapSelfManagedAddons: false,
        tags: args.tags ?? {},
    };
}

/** One admin role's access: the entry and its cluster-wide admin policy association. */
export interface AdminAccess {
    /** The resource name of both the entry and the association; it follows the role's position in the list. */
    readonly name: string;
    readonly entry: Omit<aws.eks.AccessEntryArgs, "clusterName">;
    readonly association: Omit<aws.eks.AccessPolicyAssociationArgs, "clusterName" | "principalArn">;
}

/** Cluster-admin for every admin role, through access entries (authentication mode API). */
export function adminAccess(name: string, adminRoleArns: readonly string[] = []): AdminAccess[] {
    return adminRoleArns.map((principalArn, i) => ({
        name: `${name}-admin-${i}`,
        entry: { principalArn, type: "STANDARD" },
        association: { policyArn: CLUSTER_ADMIN_POLICY_ARN, accessScope: { type: "cluster" } },
    }));
}

/**
 * An EKS add-on. Conflicts with fields edited on the cluster are overwritten, so the declared
 * configuration is the one that runs. An undefined version is EKS's default at creation.
 */
export function addonArgs(
    clusterName: pulumi.Input<string>,
    addonName: string,
    addonVersion: string | undefined,
    tags: Record<string, string> | undefined,
): aws.eks.AddonArgs {
    return {
        clusterName,
        addonName,
        addonVersion,
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        tags,
    };
}

/** The VPC CNI add-on, running under its own IRSA role, with its network policy agent on. */
export function vpcCniAddonArgs(
    clusterName: pulumi.Input<string>,
    args: Pick<ClusterArgs, "addons" | "tags">,
    serviceAccountRoleArn: pulumi.Input<string>,
): aws.eks.AddonArgs {
    return {
        ...addonArgs(clusterName, "vpc-cni", args.addons?.vpcCni, args.tags ?? {}),
        serviceAccountRoleArn,
        // NetworkPolicies (a tenant's isolation) are only enforced with the CNI's policy agent on.
        configurationValues: JSON.stringify(VPC_CNI_CONFIGURATION),
    };
}
