import * as pulumi from "@pulumi/pulumi";

export interface KubeconfigArgs {
    readonly clusterName: pulumi.Input<string>;
    readonly endpoint: pulumi.Input<string>;
    /** Base64 CA bundle, as EKS returns it. */
    readonly certificateAuthority: pulumi.Input<string>;
    readonly region: string;
}

/**
 * A kubeconfig that authenticates with `aws eks get-token`: it holds no credential of its own,
 * only whoever runs it with AWS credentials mapped by an access entry gets in. It is still
 * returned as a secret, since it names the endpoint and is what every deploy uses.
 */
export function kubeconfig(args: KubeconfigArgs): pulumi.Output<string> {
    const text = pulumi
        .all([args.clusterName, args.endpoint, args.certificateAuthority])
        .apply(([name, endpoint, ca]) =>
            JSON.stringify({
                apiVersion: "v1",
                kind: "Config",
                clusters: [{ name, cluster: { server: endpoint, "certificate-authority-data": ca } }],
                contexts: [{ name, context: { cluster: name, user: name } }],
                "current-context": name,
                users: [
                    {
                        name,
                        user: {
                            exec: {
                                apiVersion: "client.authentication.k8s.io/v1beta1",
                                command: "aws",
                                args: [
                                    "eks",
                                    "get-token",
                                    "--cluster-name",
                                    name,
                                    "--region",
                                    args.region,
                                    "--output",
                                    "json",
                                ],
                                interactiveMode: "Never",
                            },
                        },
                    },
                ],
            }),
        );
    return pulumi.secret(text);
}
