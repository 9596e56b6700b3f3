import * as pulumi from "@pulumi/pulumi";

export interface Taint {
    readonly key: string;
    readonly value: string;
    readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

export interface NodeConfigArgs {
    readonly clusterName: pulumi.Input<string>;
    readonly endpoint: pulumi.Input<string>;
    readonly certificateAuthority: pulumi.Input<string>;
    readonly serviceCidr: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly taints: readonly Taint[];
}

const BOUNDARY = "CAPSTAN-NODEADM";

/** The kubelet flags that give a node its group's labels and taints from the moment it registers. */
export function kubeletFlags(labels: Readonly<Record<string, string>>, taints: readonly Taint[]): string[] {
    const flags: string[] = [];
    const labelList = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    if (labelList.length > 0) flags.push(`--node-labels=${labelList.join(",")}`);
    const taintList = taints.map((t) => `${t.key}=${t.value}:${t.effect}`);
    if (taintList.length > 0) flags.push(`--register-with-taints=${taintList.join(",")}`);
    return flags;
}

/**
 * The user data of an AL2023 node: a MIME multi-part document whose one part is nodeadm's
 * `NodeConfig`. Everything nodeadm would otherwise look up (endpoint, CA, Service CIDR) is given,
 * so nodes join without calling `eks:DescribeCluster`. Returned base64-encoded, as the launch
 * template wants it.
 */
export function nodeUserData(args: NodeConfigArgs): pulumi.Output<string> {
    return pulumi.all([args.clusterName, args.endpoint, args.certificateAuthority]).apply(([name, endpoint, ca]) => {
        const nodeConfig = {
            apiVersion: "node.eks.aws/v1alpha1",
            kind: "NodeConfig",
            spec: {
                cluster: { name, apiServerEndpoint: endpoint, certificateAuthority: ca, cidr: args.serviceCidr },
                kubelet: { flags: kubeletFlags(args.labels, args.taints) },
            },
        };
        const text = [
            "MIME-Version: 1.0",
            `Content-Type: multipart/mixed; boundary="${BOUNDARY}"`,
            "",
            `--${BOUNDARY}`,
            "Content-Type: application/node.eks.aws",
            "",
            "---",
            // JSON is YAML: nodeadm reads it as it is.
            JSON.stringify(nodeConfig, null, 2),
            "",
            `--${BOUNDARY}--`,
            "",
        ].join("\n");
        return Buffer.from(text).toString("base64");
    });
}
