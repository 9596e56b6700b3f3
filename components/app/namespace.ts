import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type AppNetworkArgs, appNetworkPolicies } from "./networkPolicies";

export interface AppNamespaceArgs {
    /** The namespace's name, e.g. the app's name. */
    readonly name: string;
    /** Extra labels. @default {} */
    readonly labels?: Record<string, string>;
    /** The Pod Security Standard labels the cluster's admission enforces on the namespace (its access gives them). */
    readonly podSecurity: Readonly<Record<string, string>>;
    /**
     * The namespace's NetworkPolicies: all traffic denied but the web port from the ingress
     * controllers, DNS and the listed egress. @default none: every pod open both ways
     */
    readonly network?: AppNetworkArgs;
}

/**
 * The app's own namespace, for stacks without a tenant (a tenant's namespace comes from its
 * Tenant). Pods that break the profile of `podSecurity` are refused. Renaming it replaces the
 * namespace and deletes everything in it.
 */
export class AppNamespace extends pulumi.ComponentResource {
    public readonly namespace: k8s.core.v1.Namespace;
    public readonly name: pulumi.Output<string>;

    constructor(name: string, args: AppNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:app:AppNamespace", name, {}, opts);
        if (args.name === "default" || args.name.startsWith("kube-")) {
            throw new Error(
                `AppNamespace ${name}: name ${JSON.stringify(args.name)} is a system namespace; the app gets its own`,
            );
        }
        this.namespace = new k8s.core.v1.Namespace(
            name,
            { metadata: { name: args.name, labels: { ...(args.labels ?? {}), ...args.podSecurity } } },
            { parent: this },
        );
        this.name = this.namespace.metadata.name;
        if (args.network) {
            const labels = { "app.kubernetes.io/name": args.network.app };
            for (const p of appNetworkPolicies(args.network))
                new k8s.networking.v1.NetworkPolicy(
                    `${name}-${p.name}`,
                    { metadata: { name: p.name, namespace: this.name, labels }, spec: p.spec },
                    { parent: this.namespace },
                );
        }
        this.registerOutputs({ name: this.name });
    }
}
