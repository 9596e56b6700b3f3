import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SERVICE_CIDR } from "../core/cidr";
import {
    addonArgs,
    adminAccess,
    clusterRoleArgs,
    controlPlaneArgs,
    secretsKeyArgs,
    vpcCniAddonArgs,
    type ClusterArgs,
} from "./clusterArgs";
import { serviceAccountRole } from "./irsa";
import { kubeconfig } from "./kubeconfig";

export { CONTROL_PLANE_LOG_TYPES, VPC_CNI_CONFIGURATION, type ClusterArgs } from "./clusterArgs";

/** The Service CIDR, fixed so node user data can name it; the config check keeps the VPC out of it. */
export { SERVICE_CIDR };

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

        this.cluster = createControlPlane(name, args, this);
        createAdminAccess(name, args.adminRoleArns, this.cluster);
        const oidc = createOidcProvider(name, this.cluster, args.tags ?? {});
        this.oidcProviderArn = oidc.arn;
        this.oidcIssuer = oidc.issuer;
        createNetworkAddons(name, args, { cluster: this.cluster, oidc, component: this });

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
            addonArgs(this.cluster.name, "coredns", this.args.addons?.coreDns, this.args.tags),
            { parent: this.cluster, dependsOn },
        );
    }
}

/**
 * The Secrets key, the cluster role and the EKS cluster, under `parent`. The key and the cluster
 * are protected; the cluster waits for its role's policy, without which EKS cannot create it.
 */
export function createControlPlane(name: string, args: ClusterArgs, parent: pulumi.Resource): aws.eks.Cluster {
    const key = new aws.kms.Key(`${name}-secrets`, secretsKeyArgs(args), { parent, protect: true });
    const role = new aws.iam.Role(`${name}-cluster`, clusterRoleArgs(args.tags ?? {}), { parent });
    const policy = new aws.iam.RolePolicyAttachment(
        `${name}-cluster`,
        { role: role.name, policyArn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy" },
        { parent: role },
    );
    return new aws.eks.Cluster(name, controlPlaneArgs(args, role.arn, key.arn), {
        parent,
        protect: true,
        dependsOn: [policy],
    });
}

/** An access entry with cluster-admin for each admin role, under the cluster. */
export function createAdminAccess(
    name: string,
    adminRoleArns: readonly string[] | undefined,
    cluster: aws.eks.Cluster,
): aws.eks.AccessEntry[] {
    return adminAccess(name, adminRoleArns).map((admin) => {
        const entry = new aws.eks.AccessEntry(
            admin.name,
            { clusterName: cluster.name, ...admin.entry },
            { parent: cluster },
        );
        new aws.eks.AccessPolicyAssociation(
            admin.name,
            { clusterName: cluster.name, principalArn: entry.principalArn, ...admin.association },
            { parent: entry },
        );
        return entry;
    });
}

/** The cluster's IAM OIDC provider, and its issuer as IAM condition keys spell it (without "https://"). */
export function createOidcProvider(
    name: string,
    cluster: aws.eks.Cluster,
    tags: Record<string, string>,
): { arn: pulumi.Output<string>; issuer: pulumi.Output<string> } {
    const issuerUrl = cluster.identities.apply((ids) => ids[0].oidcs?.[0]?.issuer ?? "");
    const oidc = new aws.iam.OpenIdConnectProvider(
        `${name}-oidc`,
        { url: issuerUrl, clientIdLists: ["sts.amazonaws.com"], tags },
        { parent: cluster },
    );
    return { arn: oidc.arn, issuer: issuerUrl.apply((u) => u.replace(/^https:\/\//, "")) };
}

/**
 * The VPC CNI add-on with its IRSA role (the role under `component`, the add-on under the
 * cluster) and the kube-proxy add-on.
 */
export function createNetworkAddons(
    name: string,
    args: ClusterArgs,
    on: {
        cluster: aws.eks.Cluster;
        oidc: { arn: pulumi.Output<string>; issuer: pulumi.Output<string> };
        component: pulumi.Resource;
    },
): void {
    const tags = args.tags ?? {};
    const cniRole = serviceAccountRole(
        `${name}-vpc-cni`,
        {
            oidcProviderArn: on.oidc.arn,
            oidcIssuer: on.oidc.issuer,
            namespace: "kube-system",
            serviceAccount: "aws-node",
        },
        on.component,
        tags,
    );
    new aws.iam.RolePolicyAttachment(
        `${name}-vpc-cni`,
        { role: cniRole.name, policyArn: "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy" },
        { parent: cniRole },
    );
    new aws.eks.Addon(`${name}-vpc-cni`, vpcCniAddonArgs(on.cluster.name, args, cniRole.arn), { parent: on.cluster });
    new aws.eks.Addon(`${name}-kube-proxy`, addonArgs(on.cluster.name, "kube-proxy", args.addons?.kubeProxy, tags), {
        parent: on.cluster,
    });
}
