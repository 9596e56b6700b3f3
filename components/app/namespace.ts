import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** The labels that make the API server enforce, warn about and audit the restricted Pod Security Standard. */
export const RESTRICTED_POD_SECURITY: Record<string, string> = {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/warn-version": "latest",
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/audit-version": "latest",
};

export interface AppNamespaceArgs {
    /** The namespace's name, e.g. the app's name. */
    readonly name: string;
    /** Extra labels. @default {} */
    readonly labels?: Record<string, string>;
}

/**
 * The app's own namespace, for stacks without a tenant (a tenant's namespace comes from its
 * Tenant). Pods that break the restricted profile are refused. Renaming it replaces the
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
            { metadata: { name: args.name, labels: { ...(args.labels ?? {}), ...RESTRICTED_POD_SECURITY } } },
            { parent: this },
        );
        this.name = this.namespace.metadata.name;
        this.registerOutputs({ name: this.name });
    }
}
