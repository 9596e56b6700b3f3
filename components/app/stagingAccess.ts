import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { htpasswdFile } from "./htpasswd";

/** The Secret type and key the NGINX Ingress Controller reads a basic-auth Policy's users from. */
export const HTPASSWD_SECRET_TYPE = "nginx.org/htpasswd";
export const HTPASSWD_KEY = "htpasswd";

export interface StagingAccessArgs {
    /** The app's namespace: the Policy, its Secret and every VirtualServer using them live there. */
    readonly namespace: pulumi.Input<string>;
    /** The realm the browser shows in the login prompt. @default "Staging" */
    readonly realm?: string;
    /** The users allowed in, in the order written to the file. */
    readonly users: readonly string[];
    /**
     * Password per user, as a secret Output. A configured user without one fails the update,
     * naming the user. Everything derived from it stays secret.
     */
    readonly passwords: pulumi.Input<Record<string, string>>;
}

/** Which entries of the stack sit behind the basic-auth policy. */
export interface RoutePolicies {
    readonly public: pulumi.Input<string>[];
    readonly internal: pulumi.Input<string>[];
}

/**
 * The names of the policies each ingress class's VirtualServers attach: the public entry always,
 * the internal (VPN) entry only when `internalBasicAuth` asks for it.
 */
export function routePoliciesFor(policyName: pulumi.Input<string>, internalBasicAuth: boolean): RoutePolicies {
    return { public: [policyName], internal: internalBasicAuth ? [policyName] : [] };
}

/** The htpasswd file as a secret Output: secret even when the passwords were handed in plain. */
export function htpasswdSecret(
    users: readonly string[],
    passwords: pulumi.Input<Record<string, string>>,
): pulumi.Output<string> {
    return pulumi.secret(pulumi.output(passwords).apply((p) => htpasswdFile(users, p)));
}

/**
 * Staging behind basic auth: an NGINX Ingress Controller `Policy` of type basicAuth and the
 * `nginx.org/htpasswd` Secret behind it. The VirtualServers attach the Policy by name
 * (`policyName`). The Secret's bytes change only when a user or a password does.
 *
 * The Policy is named after the component (`<name>`). The Secret is auto-named
 * (`<name>-htpasswd-<suffix>`): new data replaces a Secret, and an auto-named one is replaced by
 * creating the new object first, pointing the Policy at it, and only then deleting the old one,
 * so staging never asks for a password the controller cannot check. Renaming the component
 * replaces both.
 */
export class StagingAccess extends pulumi.ComponentResource {
    /** The Policy's name, for `routePolicies` of the app's VirtualServers. */
    public readonly policyName: pulumi.Output<string>;
    /** The htpasswd Secret's name. */
    public readonly secretName: pulumi.Output<string>;

    constructor(name: string, args: StagingAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:app:StagingAccess", name, {}, opts);
        if (args.users.length === 0) throw new Error(`StagingAccess ${name}: needs at least one user`);
        const realm = args.realm ?? "Staging";

        const secret = new k8s.core.v1.Secret(
            `${name}-htpasswd`,
            {
                metadata: { namespace: args.namespace, labels: { "app.kubernetes.io/part-of": name } },
                type: HTPASSWD_SECRET_TYPE,
                stringData: { [HTPASSWD_KEY]: htpasswdSecret(args.users, args.passwords) },
            },
            { parent: this },
        );
        const policy = new k8s.apiextensions.CustomResource(
            name,
            {
                apiVersion: "k8s.nginx.org/v1",
                kind: "Policy",
                metadata: { name, namespace: args.namespace, labels: { "app.kubernetes.io/part-of": name } },
                spec: { basicAuth: { secret: secret.metadata.name, realm } },
            },
            { parent: this },
        );
        this.policyName = policy.metadata.name;
        this.secretName = secret.metadata.name;
        this.registerOutputs({ policyName: this.policyName, secretName: this.secretName });
    }
}
