import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SERVICE_CIDR } from "../config/cidr";
import { serviceAccountRole } from "./irsa";
import { kubeconfig } from "./kubeconfig";

/** The VPC CNI add-on's configuration: its network policy agent enforces Kubernetes NetworkPolicies. */
export const VPC_CNI_CONFIGURATION = { enableNetworkPolicy: "true" } as const;

/** Every control-plane log type EKS offers: audit and authenticator logs answer "who did what". */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** The Service CIDR, fixed so node user data can name it; the config check keeps the VPC out of it. */
export { SERVICE_CIDR };

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

/**
 * The EKS control plane: a rotating KMS key for envelope encryption of Secrets, the cluster role,
 * the cluster (access entries, all log types), the IAM OIDC provider for service-account roles,
 * the VPC CNI (with its own IRSA role) and kube-proxy add-ons, a kubeconfig and the Kubernetes
 * provider. The key and the cluster are protected: deleting either loses every workload's data.
 * CoreDNS needs nodes to schedule on, so `addCoreDns` is called once the node groups exist.
 */
export class Cluster extends pulumi.ComponentResource {
    public readonly clusterName: pulumi.Output<string>;
    public readonly endpoint: pulumi.Output<string>;
    public readonly certificateAuthority: pulumi.Output<string>;
    public readonly oidcProviderArn: pulumi.Output<string>;
    /** The issuer without "https://". */
    public readonly oidcIssuer: pulumi.Output<string>;
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly provider: k8s.Provider;
    public readonly serviceCidr = SERVICE_CIDR;
    private readonly cluster: aws.eks.Cluster;
    private readonly name: string;
    private readonly args: ClusterArgs;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:aws:Cluster", name, {}, opts);
        this.name = name;
        this.args = args;
        const tags = args.tags ?? {};

        const key = new aws.kms.Key(
            `${name}-secrets`,
            {
                description: `Envelope encryption of the Kubernetes Secrets of ${args.clusterName}`,
                enableKeyRotation: true,
                // The longest waiting period: a key deleted by mistake can be recovered for 30 days.
                deletionWindowInDays: 30,
                tags,
            },
            { parent: this, protect: true },
        );

        const role = new aws.iam.Role(
            `${name}-cluster`,
            {
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
            },
            { parent: this },
        );
        const policy = new aws.iam.RolePolicyAttachment(
            `${name}-cluster`,
            {
                role: role.name,
                policyArn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
            },
            { parent: role },
        );

        const publicAccess = args.publicAccessCidrs.length > 0;
        this.cluster = new aws.eks.Cluster(
            name,
            {
                name: args.clusterName,
                version: args.version,
                roleArn: role.arn,
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
                encryptionConfig: { provider: { keyArn: key.arn }, resources: ["secrets"] },
                accessConfig: {
                    // Access entries only: no aws-auth ConfigMap to edit by hand.
                    authenticationMode: "API",
                    // The identity that runs `pulumi up` installs the add-ons, so it needs access.
                    bootstrapClusterCreatorAdminPermissions: true,
                },
                // Nodes are self-managed; the add-ons are declared below at pinned versions.
                bootstrapSelfManagedAddons: false,
                tags,
            },
            { parent: this, protect: true, dependsOn: [policy] },
        );

        (args.adminRoleArns ?? []).forEach((principalArn, i) => {
            const entry = new aws.eks.AccessEntry(
                `${name}-admin-${i}`,
                { clusterName: this.cluster.name, principalArn, type: "STANDARD" },
                { parent: this.cluster },
            );
            new aws.eks.AccessPolicyAssociation(
                `${name}-admin-${i}`,
                {
                    clusterName: this.cluster.name,
                    principalArn: entry.principalArn,
                    policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                    accessScope: { type: "cluster" },
                },
                { parent: entry },
            );
        });

        const issuerUrl = this.cluster.identities.apply((ids) => ids[0].oidcs?.[0]?.issuer ?? "");
        const oidc = new aws.iam.OpenIdConnectProvider(
            `${name}-oidc`,
            {
                url: issuerUrl,
                clientIdLists: ["sts.amazonaws.com"],
                tags,
            },
            { parent: this.cluster },
        );
        this.oidcProviderArn = oidc.arn;
        this.oidcIssuer = issuerUrl.apply((u) => u.replace(/^https:\/\//, ""));

        const cniRole = serviceAccountRole(
            `${name}-vpc-cni`,
            {
                oidcProviderArn: oidc.arn,
                oidcIssuer: this.oidcIssuer,
                namespace: "kube-system",
                serviceAccount: "aws-node",
            },
            this,
            tags,
        );
        new aws.iam.RolePolicyAttachment(
            `${name}-vpc-cni`,
            { role: cniRole.name, policyArn: "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy" },
            { parent: cniRole },
        );
        new aws.eks.Addon(
            `${name}-vpc-cni`,
            {
                clusterName: this.cluster.name,
                addonName: "vpc-cni",
                addonVersion: args.addons?.vpcCni,
                serviceAccountRoleArn: cniRole.arn,
                // NetworkPolicies (a tenant's isolation) are only enforced with the CNI's policy agent on.
                configurationValues: JSON.stringify(VPC_CNI_CONFIGURATION),
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                tags,
            },
            { parent: this.cluster },
        );
        new aws.eks.Addon(
            `${name}-kube-proxy`,
            {
                clusterName: this.cluster.name,
                addonName: "kube-proxy",
                addonVersion: args.addons?.kubeProxy,
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                tags,
            },
            { parent: this.cluster },
        );

        this.clusterName = this.cluster.name;
        this.endpoint = this.cluster.endpoint;
        this.certificateAuthority = this.cluster.certificateAuthority.apply((ca) => ca.data);
        this.kubeconfig = kubeconfig({
            clusterName: this.cluster.name,
            endpoint: this.endpoint,
            certificateAuthority: this.certificateAuthority,
            region: args.region,
        });
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig, enableServerSideApply: true },
            { parent: this },
        );
        this.registerOutputs({
            clusterName: this.clusterName,
            endpoint: this.endpoint,
            oidcProviderArn: this.oidcProviderArn,
            oidcIssuer: this.oidcIssuer,
            kubeconfig: this.kubeconfig,
        });
    }

    /** The CoreDNS add-on, once there are nodes for its pods (`dependsOn` the node groups). */
    public addCoreDns(dependsOn: pulumi.Resource[]): aws.eks.Addon {
        return new aws.eks.Addon(
            `${this.name}-coredns`,
            {
                clusterName: this.cluster.name,
                addonName: "coredns",
                addonVersion: this.args.addons?.coreDns,
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                tags: this.args.tags,
            },
            { parent: this.cluster, dependsOn },
        );
    }
}
