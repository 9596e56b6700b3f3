import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parsePlatformExports, PLATFORM_OUTPUT, type PlatformExports } from "./exports";
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
    /**
     * The network and load balancers, for the stack's own database, cache and DNS. A stack that
     * runs on another's cluster reads them from that stack's `platform` output, only when it
     * asks: it fails, saying so, when that stack does not export them.
     */
    readonly platform: () => Promise<PlatformExports>;
}

/** The stack outputs a cluster-owning stack exports, and a shared stack reads back. */
export const CLUSTER_OUTPUTS = ["kubeconfig", "clusterName", "oidcProviderArn", "oidcIssuer", "ingressNamespace", "ingressClasses"] as const;

/** The stack outputs of a cluster-owning stack (the kubeconfig stays secret). */
export function clusterOutputs(access: ClusterAccess): Record<(typeof CLUSTER_OUTPUTS)[number], unknown> {
    return {
        kubeconfig: pulumi.secret(access.kubeconfig),
        clusterName: access.clusterName,
        oidcProviderArn: access.oidcProviderArn,
        oidcIssuer: access.oidcIssuer,
        ingressNamespace: access.ingressNamespace,
        ingressClasses: access.ingressClasses,
    };
}

export interface SharedClusterArgs {
    /** `org/project/stack` of the stack that owns the cluster. */
    readonly sharedStack: string;
    /** Whether this stack serves an internal entry; the owning stack must run the internal controller. */
    readonly internal: boolean;
}

/**
 * The cluster of another stack, read through a StackReference: its kubeconfig (secret), OIDC
 * provider and ingress classes. Creates no AWS resource. Fails when this stack wants the
 * internal entry and the owning stack has no internal controller.
 */
export async function sharedClusterAccess(name: string, args: SharedClusterArgs): Promise<ClusterAccess> {
    const ref = new pulumi.StackReference(name, { name: args.sharedStack });
    const classes = (await ref.getOutputDetails("ingressClasses")).value as { public?: string; internal?: string } | undefined;
    if (!classes?.public) {
        throw new Error(`stack ${args.sharedStack} exports no ingressClasses; is its cluster.mode create, and has it been updated?`);
    }
    if (args.internal && !classes.internal) {
        throw new Error(`capstan:ingress.internal is set, but the cluster of ${args.sharedStack} runs no internal ingress controller; set ingress.internal there first`);
    }
    const kubeconfig = pulumi.secret(ref.requireOutput("kubeconfig").apply(String));
    return {
        provider: new k8s.Provider(`${name}-k8s`, { kubeconfig, enableServerSideApply: true }),
        kubeconfig,
        clusterName: ref.requireOutput("clusterName").apply(String),
        oidcProviderArn: ref.requireOutput("oidcProviderArn").apply(String),
        oidcIssuer: ref.requireOutput("oidcIssuer").apply(String),
        ingressNamespace: ref.requireOutput("ingressNamespace").apply(String),
        ingressClasses: args.internal ? { public: INGRESS_CLASSES.public, internal: INGRESS_CLASSES.internal } : { public: INGRESS_CLASSES.public },
        platform: async () => {
            const read = parsePlatformExports((await ref.getOutputDetails(PLATFORM_OUTPUT)).value, args.internal);
            if (!read.exports) throw new Error(`stack ${args.sharedStack} ${read.problem}; capstan:database, capstan:cache and capstan:dns read it`);
            return read.exports;
        },
    };
}
