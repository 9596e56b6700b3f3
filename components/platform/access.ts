import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parsePlatformExports, PLATFORM_OUTPUT, type PlatformExports } from "./exports";
import {
    ConfigError,
    placementProblems,
    type ConfigProblem,
    type NodeGroupPlacement,
    type WorkloadPlacement,
} from "../config";
import { INGRESS_CLASSES, INGRESS_NAMESPACE } from "../core";
import { OFFLOADED_LISTENER } from "./ingressContract";

/** The labels that make the API server enforce, warn about and audit the restricted Pod Security Standard. */
export const RESTRICTED_POD_SECURITY: Readonly<Record<string, string>> = {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/warn-version": "latest",
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/audit-version": "latest",
};

/** What the app layer needs of the cluster it runs on, however the cluster came to be. */
export interface ClusterAccess {
    /** The Kubernetes provider every Kubernetes resource of the stack uses. */
    readonly provider: k8s.Provider;
    /** Secret kubeconfig (an EKS one uses `aws eks get-token`); none for a cluster reached through a local kubeconfig context. */
    readonly kubeconfig?: pulumi.Output<string>;
    readonly clusterName: pulumi.Output<string>;
    /** The cluster's IAM OIDC provider, for IRSA roles of the app layer; none where the cluster has none configured. */
    readonly oidc?: {
        readonly providerArn: pulumi.Output<string>;
        /** The issuer without "https://", as IAM trust conditions spell it. */
        readonly issuer: pulumi.Output<string>;
    };
    /** Namespace of the ingress controllers (the app's NetworkPolicies allow it). */
    readonly ingressNamespace: pulumi.Output<string>;
    /** Controller classes available: always "public"; "internal" when configured. */
    readonly ingressClasses: { readonly public: string; readonly internal?: string };
    /** The controllers' listener for traffic whose TLS the load balancer ended: every VirtualServer's `listener.http`. */
    readonly offloadedListener: string;
    /** The labels of the app's and a tenant's namespace: the Pod Security Standard their pods must meet. */
    readonly podSecurity: Readonly<Record<string, string>>;
    /**
     * What the app layer must wait for on a cluster this stack creates: the NGINX CRDs and the
     * ingress controllers that serve them (`customResources`), and the nodes plus CoreDNS that pods
     * need to run and resolve names (`pods`). Empty for a cluster another stack owns or that is
     * managed elsewhere.
     */
    readonly readiness: {
        readonly customResources: readonly pulumi.Resource[];
        readonly pods: readonly pulumi.Resource[];
    };
    /**
     * The network and load balancers, for the stack's own database, cache and DNS. A stack that
     * runs on another's cluster reads them from that stack's `platform` output, only when it
     * asks: it fails, saying so, when that stack does not export them.
     */
    readonly platform: () => Promise<PlatformExports>;
    /** The labels and taints of the cluster's node groups, where pods can be placed. */
    readonly nodeGroups: readonly NodeGroupPlacement[];
    /**
     * The cluster's log shipping and Prometheus workspace, where the app's log group and alert
     * rules go: none on a cluster without this project's observability (managed elsewhere, or
     * its owner has it off).
     */
    readonly observability?: ClusterObservability;
}

/** What a cluster's observability offers the stacks on it (the owner's stack output `observability`). */
export interface ClusterObservability {
    /** The key of the cluster's log groups, which CloudWatch Logs may use for any group below its prefix. */
    readonly logsKeyArn: pulumi.Output<string>;
    /** The Amazon Managed Service for Prometheus workspace that evaluates the alert rules. */
    readonly workspaceId: pulumi.Output<string>;
    /** The workspace's query endpoint (the owner's only; for people, not for the program). */
    readonly prometheusEndpoint?: pulumi.Output<string>;
}

/** The stack output of a cluster-owning stack that carries {@link ClusterObservability}. */
export const OBSERVABILITY_OUTPUT = "observability";

/**
 * What every cluster offers the app layer, whichever way it came to be: the controller classes
 * (the configured ones, else the project's own, `internal` only where the stack serves an internal
 * entry), the offloaded listener and the pod-security labels.
 */
export function clusterContract(args: {
    readonly internal: boolean;
    readonly ingressClasses?: ClusterAccess["ingressClasses"];
}): Pick<ClusterAccess, "ingressClasses" | "offloadedListener" | "podSecurity"> {
    return {
        ingressClasses:
            args.ingressClasses ??
            (args.internal
                ? { public: INGRESS_CLASSES.public, internal: INGRESS_CLASSES.internal }
                : { public: INGRESS_CLASSES.public }),
        offloadedListener: OFFLOADED_LISTENER.name,
        podSecurity: RESTRICTED_POD_SECURITY,
    };
}

/** The stack outputs a cluster-owning stack exports, and a shared stack reads back. */
export const CLUSTER_OUTPUTS = [
    "kubeconfig",
    "clusterName",
    "oidcProviderArn",
    "oidcIssuer",
    "ingressNamespace",
    "ingressClasses",
    "nodeGroups",
] as const;

/** The stack outputs of a cluster-owning stack (the kubeconfig stays secret); what a cluster lacks is left out. */
export function clusterOutputs(access: ClusterAccess): Partial<Record<(typeof CLUSTER_OUTPUTS)[number], unknown>> {
    return {
        ...(access.kubeconfig ? { kubeconfig: pulumi.secret(access.kubeconfig) } : {}),
        clusterName: access.clusterName,
        ...(access.oidc ? { oidcProviderArn: access.oidc.providerArn, oidcIssuer: access.oidc.issuer } : {}),
        ingressNamespace: access.ingressNamespace,
        ingressClasses: access.ingressClasses,
        nodeGroups: access.nodeGroups,
    };
}

export interface ExternalClusterArgs {
    /** A name for the cluster, for tags and outputs. */
    readonly clusterName: string;
    /** The kubeconfig context to use; with no `kubeconfig`, of $KUBECONFIG or ~/.kube/config. */
    readonly context?: string;
    /** The kubeconfig itself, secret. @default the local kubeconfig */
    readonly kubeconfig?: pulumi.Output<string>;
    /** The IngressClass names of the cluster's controllers. @default public, and internal where `internal` */
    readonly ingressClasses?: { readonly public: string; readonly internal?: string };
    /** Whether the stack serves an internal entry. */
    readonly internal: boolean;
    /** The namespace of the cluster's ingress controllers. @default nginx-ingress */
    readonly ingressNamespace?: string;
    /** The cluster's IAM OIDC provider ARN. @default none: no IRSA */
    readonly oidcProviderArn?: string;
}

/**
 * A cluster managed elsewhere (Terraform, eksctl, a local control plane): reached through a
 * kubeconfig context or a secret kubeconfig, with the ingress classes it runs. Creates nothing.
 */
export function externalClusterAccess(name: string, args: ExternalClusterArgs): ClusterAccess {
    const issuer = args.oidcProviderArn?.slice(
        args.oidcProviderArn.indexOf(":oidc-provider/") + ":oidc-provider/".length,
    );
    return {
        provider: new k8s.Provider(`${name}-k8s`, {
            ...(args.kubeconfig ? { kubeconfig: args.kubeconfig } : {}),
            ...(args.context ? { context: args.context } : {}),
            enableServerSideApply: true,
        }),
        ...(args.kubeconfig ? { kubeconfig: args.kubeconfig } : {}),
        clusterName: pulumi.output(args.clusterName),
        ...(args.oidcProviderArn && issuer
            ? { oidc: { providerArn: pulumi.output(args.oidcProviderArn), issuer: pulumi.output(issuer) } }
            : {}),
        ingressNamespace: pulumi.output(args.ingressNamespace ?? INGRESS_NAMESPACE),
        ...clusterContract(args),
        // The controllers and their CRDs are the cluster's own; its nodes run pods already.
        readiness: { customResources: [], pods: [] },
        // Its node groups are not known here: placement is left to the cluster.
        nodeGroups: [],
        // The config checks refuse database, cache and dns on a cluster managed elsewhere.
        platform: () =>
            Promise.reject(
                new Error(
                    "a cluster of mode external has no network or load balancers of this project's; capstan:database, capstan:cache and capstan:dns need one",
                ),
            ),
    };
}

export interface SharedClusterArgs {
    /** `org/project/stack` of the stack that owns the cluster. */
    readonly sharedStack: string;
    /** Whether this stack serves an internal entry; the owning stack must run the internal controller. */
    readonly internal: boolean;
    /** Where the stack's pods must be placed: checked against the owning stack's node groups. @default none checked */
    readonly workloads?: readonly WorkloadPlacement[];
}

/** What this stack asks of the stack that owns its cluster, as config problems: all at once. */
export function ownerProblems(
    args: SharedClusterArgs,
    classes: { public?: string; internal?: string } | undefined,
    nodeGroups: readonly NodeGroupPlacement[] | undefined,
): ConfigProblem[] {
    if (!classes?.public) {
        return [
            {
                path: "capstan:cluster.sharedStack",
                message: `${JSON.stringify(args.sharedStack)} exports no ingressClasses: name a stack with cluster.mode create that has been updated`,
            },
        ];
    }
    const problems: ConfigProblem[] = [];
    if (args.internal && !classes.internal) {
        problems.push({
            path: "capstan:ingress.internal",
            message: `is set, but the cluster of ${args.sharedStack} runs no internal ingress controller; set ingress.internal in that stack first, or remove it here`,
        });
    }
    // An owning stack from before it exported its node groups leaves placement unchecked.
    problems.push(...placementProblems(args.workloads ?? [], nodeGroups ?? [], `the cluster of ${args.sharedStack}`));
    return problems;
}

/**
 * The cluster of another stack, read through a StackReference: its kubeconfig (secret), OIDC
 * provider, ingress classes and node groups. Creates no AWS resource. Fails with config problems
 * when the owning stack lacks what this one needs: the internal controller for an internal entry,
 * a node group the workloads can be placed on.
 */
export async function sharedClusterAccess(name: string, args: SharedClusterArgs): Promise<ClusterAccess> {
    const ref = new pulumi.StackReference(name, { name: args.sharedStack });
    const classes = (await ref.getOutputDetails("ingressClasses")).value as
        { public?: string; internal?: string } | undefined;
    const nodeGroups = (await ref.getOutputDetails("nodeGroups")).value as NodeGroupPlacement[] | undefined;
    const problems = ownerProblems(args, classes, nodeGroups);
    if (problems.length > 0) throw new ConfigError(problems);
    const kubeconfig = pulumi.secret(ref.requireOutput("kubeconfig").apply(String));
    return {
        provider: new k8s.Provider(`${name}-k8s`, { kubeconfig, enableServerSideApply: true }),
        kubeconfig,
        clusterName: ref.requireOutput("clusterName").apply(String),
        oidc: {
            providerArn: ref.requireOutput("oidcProviderArn").apply(String),
            issuer: ref.requireOutput("oidcIssuer").apply(String),
        },
        ingressNamespace: ref.requireOutput("ingressNamespace").apply(String),
        ...clusterContract({ internal: args.internal }),
        // The owning stack's update installed the controllers and has nodes; nothing to wait for here.
        readiness: { customResources: [], pods: [] },
        platform: async () => {
            const read = parsePlatformExports((await ref.getOutputDetails(PLATFORM_OUTPUT)).value, args.internal);
            if (!read.exports)
                throw new Error(
                    `stack ${args.sharedStack} ${read.problem}; capstan:database, capstan:cache and capstan:dns read it`,
                );
            return read.exports;
        },
        nodeGroups: nodeGroups ?? [],
        ...(await ownerObservability(ref)),
    };
}

/** The owner's {@link ClusterObservability}, when it exports one. */
async function ownerObservability(ref: pulumi.StackReference): Promise<{ observability?: ClusterObservability }> {
    const value = (await ref.getOutputDetails(OBSERVABILITY_OUTPUT)).value as
        { logsKeyArn?: unknown; workspaceId?: unknown } | undefined;
    if (typeof value?.logsKeyArn !== "string" || typeof value.workspaceId !== "string") return {};
    return {
        observability: {
            logsKeyArn: pulumi.output(value.logsKeyArn),
            workspaceId: pulumi.output(value.workspaceId),
        },
    };
}
