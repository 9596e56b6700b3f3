import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, placementProblems, type ConfigProblem, type NodeGroupPlacement, type WorkloadPlacement } from "../config";
import { INGRESS_CLASSES } from "./ingressContract";

/** What the app layer needs of the cluster it runs on, however the cluster came to be. */
export interface ClusterAccess {
    /** The Kubernetes provider every Kubernetes resource of the stack uses. */
    readonly provider: k8s.Provider;
    /** Secret kubeconfig (uses `aws eks get-token`). */
    readonly kubeconfig: pulumi.Output<string>;
    readonly clusterName: pulumi.Output<string>;
    /** For IRSA roles of the app layer. */
    readonly oidcProviderArn: pulumi.Output<string>;
    /** The issuer without "https://", as IAM trust conditions spell it. */
    readonly oidcIssuer: pulumi.Output<string>;
    /** Namespace of the ingress controllers (the app's NetworkPolicies allow it). */
    readonly ingressNamespace: pulumi.Output<string>;
    /** Controller classes available: always "public"; "internal" when configured. */
    readonly ingressClasses: { readonly public: string; readonly internal?: string };
    /** The labels and taints of the cluster's node groups, where pods can be placed. */
    readonly nodeGroups: readonly NodeGroupPlacement[];
}

/** The stack outputs a cluster-owning stack exports, and a shared stack reads back. */
export const CLUSTER_OUTPUTS = ["kubeconfig", "clusterName", "oidcProviderArn", "oidcIssuer", "ingressNamespace", "ingressClasses", "nodeGroups"] as const;

/** The stack outputs of a cluster-owning stack (the kubeconfig stays secret). */
export function clusterOutputs(access: ClusterAccess): Record<(typeof CLUSTER_OUTPUTS)[number], unknown> {
    return {
        kubeconfig: pulumi.secret(access.kubeconfig),
        clusterName: access.clusterName,
        oidcProviderArn: access.oidcProviderArn,
        oidcIssuer: access.oidcIssuer,
        ingressNamespace: access.ingressNamespace,
        ingressClasses: access.ingressClasses,
        nodeGroups: access.nodeGroups,
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
export function ownerProblems(args: SharedClusterArgs, classes: { public?: string; internal?: string } | undefined, nodeGroups: readonly NodeGroupPlacement[] | undefined): ConfigProblem[] {
    if (!classes?.public) {
        return [{ path: "capstan:cluster.sharedStack", message: `${JSON.stringify(args.sharedStack)} exports no ingressClasses: name a stack with cluster.mode create that has been updated` }];
    }
    const problems: ConfigProblem[] = [];
    if (args.internal && !classes.internal) {
        problems.push({ path: "capstan:ingress.internal", message: `is set, but the cluster of ${args.sharedStack} runs no internal ingress controller; set ingress.internal in that stack first, or remove it here` });
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
    const classes = (await ref.getOutputDetails("ingressClasses")).value as { public?: string; internal?: string } | undefined;
    const nodeGroups = (await ref.getOutputDetails("nodeGroups")).value as NodeGroupPlacement[] | undefined;
    const problems = ownerProblems(args, classes, nodeGroups);
    if (problems.length > 0) throw new ConfigError(problems);
    const kubeconfig = pulumi.secret(ref.requireOutput("kubeconfig").apply(String));
    return {
        provider: new k8s.Provider(`${name}-k8s`, { kubeconfig, enableServerSideApply: true }),
        kubeconfig,
        clusterName: ref.requireOutput("clusterName").apply(String),
        oidcProviderArn: ref.requireOutput("oidcProviderArn").apply(String),
        oidcIssuer: ref.requireOutput("oidcIssuer").apply(String),
        ingressNamespace: ref.requireOutput("ingressNamespace").apply(String),
        ingressClasses: args.internal ? { public: INGRESS_CLASSES.public, internal: INGRESS_CLASSES.internal } : { public: INGRESS_CLASSES.public },
        nodeGroups: nodeGroups ?? [],
    };
}
