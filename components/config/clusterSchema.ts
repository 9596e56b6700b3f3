import { z } from "zod";
import { doc } from "./docs";
import { arn, cidr, int, label, labelKey, labelValue, taint } from "./fields";
import { INGRESS_CLASSES, INGRESS_NAMESPACE } from "../core/ingress";

/** The cluster's part of the stack-config contract: `capstan:network`, `capstan:cluster`, `capstan:nodeGroups`. */

/** An EKS add-on version as EKS names them, e.g. v1.19.2-eksbuild.1. */
const addonVersion = (name: string) =>
    doc(
        z
            .string()
            .regex(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/, {
                message:
                    "is not an EKS add-on version such as v1.19.2-eksbuild.1 (aws eks describe-addon-versions lists them)",
            })
            .optional(),
        { description: `The ${name} add-on's version.`, default: "EKS's default for the cluster version" },
    );

export const networkSchema = z.strictObject({
    cidrBlock: doc(cidr, {
        description: "The VPC's IPv4 block; subnets are carved from it.",
        rules: "`/16` to `/24`, outside the Service range `172.20.0.0/16`",
    }),
    availabilityZones: doc(
        z.array(z.string()).min(2, { message: "needs at least two availability zones for a highly available cluster" }),
        { description: "Zones of `aws:region`, one public and one private subnet each.", rules: "each once" },
    ),
    natGateways: doc(z.enum(["perZone", "single"]).default("perZone"), {
        description:
            "`perZone`: one NAT gateway per zone, so losing a zone does not cut the others off. `single`: one for the whole VPC, cheaper, for non-production stacks.",
    }),
});

/** The `cluster` key as written: one flat map, so that a key of another mode gets its own message in checks.ts. */
const clusterFields = z.strictObject({
    mode: doc(z.enum(["create", "shared", "external"]).default("create"), {
        description:
            "`create`: this stack owns network, cluster and node groups. `shared`: it runs on another stack's cluster. `external`: it runs on a cluster managed elsewhere (Terraform, eksctl, a local cluster), reached through a kubeconfig context or the secret `capstan:kubeconfig`.",
    }),
    context: doc(z.string().min(1).optional(), {
        description: "`external` only: the kubeconfig context (of `$KUBECONFIG`, or `~/.kube/config`) of the cluster.",
        default: "none; with `external`, required unless `capstan:kubeconfig` is set",
    }),
    local: doc(z.literal(true).optional(), {
        description:
            "`external` only: the cluster is the local try-out cluster of `capstan local up` (simulated nodes, no AWS). Its stack may keep the committed stacks' example values (the example image, `example.com` hosts), which the update of any other stack refuses.",
        default: "none: a real cluster",
        rules: "not with `oidcProviderArn`",
    }),
    ingressClasses: doc(
        z
            .strictObject({
                public: doc(label(), { description: "The class of the internet-facing controller." }),
                internal: doc(label().optional(), { description: "The class of the VPN-only controller." }),
            })
            .optional(),
        {
            description:
                "`external` only: the IngressClass names of the cluster's NGINX Ingress Controllers, `public` and `internal`.",
            defaultValue: INGRESS_CLASSES,
            rules: "`internal` when `ingress.internal` is set",
        },
    ),
    ingressNamespace: doc(label().optional(), {
        description:
            "`external` only: the namespace of the cluster's ingress controllers (tenant NetworkPolicies admit it).",
        defaultValue: INGRESS_NAMESPACE,
    }),
    oidcProviderArn: doc(
        arn(
            /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/,
            "must be an IAM OIDC provider ARN, arn:aws:iam::<account>:oidc-provider/<issuer>",
        ).optional(),
        {
            description:
                "`external` only: the cluster's IAM OIDC provider; the app's AWS data (bucket, queues, IRSA role) is created only when it is given.",
        },
    ),
    sharedStack: doc(
        z
            .string()
            .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, {
                message: "must be a fully qualified stack name, org/project/stack",
            })
            .optional(),
        { description: "`shared` only: the stack that owns the cluster.", default: "none; required with `shared`" },
    ),
    version: doc(
        z
            .string()
            .regex(/^1\.\d{2}$/, { message: 'must be a Kubernetes minor version such as "1.34" (quote it in YAML)' })
            .optional(),
        {
            description: "`create` only: the Kubernetes minor version (quote it).",
            default: "none; required with `create`",
            rules: "one with a cluster-autoscaler image pinned in `components/core/versions.ts`",
        },
    ),
    amiRelease: doc(
        z
            .string()
            .regex(/^v\d{8}$/, { message: 'must be an EKS AMI release such as "v20260930"' })
            .optional(),
        {
            description: "The EKS-optimized AL2023 AMI release of every node group; a new value rolls the groups.",
            default: "the release pinned for `version` in `components/core/versions.ts`",
        },
    ),
    publicAccessCidrs: doc(z.array(cidr).default([]), {
        description: "Networks that may reach the public API endpoint; empty means the endpoint is private only.",
        rules: "never the whole internet: `0.0.0.0/0`, or blocks that together cover it",
    }),
    addons: doc(
        z
            .strictObject({
                vpcCni: addonVersion("VPC CNI"),
                coreDns: addonVersion("CoreDNS"),
                kubeProxy: addonVersion("kube-proxy"),
            })
            .default({}),
        { description: "EKS add-on versions, as EKS names them (`v1.19.2-eksbuild.1`)." },
    ),
    adminRoleArns: doc(z.array(arn(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "must be an IAM role ARN")).default([]), {
        description: "IAM principals given cluster-admin through EKS access entries.",
        rules: "each once",
    }),
});

export const clusterSchema = clusterFields.default({
    mode: "create",
    publicAccessCidrs: [],
    addons: {},
    adminRoleArns: [],
});

export const nodeGroupSchema = z.strictObject({
    name: doc(label(), {
        description: "The group's name, part of the names of its AWS resources.",
        rules: "unique; at most 50 characters with the project and stack names (see the name limits)",
    }),
    instanceTypes: doc(
        z
            .array(
                z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$/, {
                    message: "must be an EC2 instance type such as m7i.large",
                }),
            )
            .min(1),
        {
            description:
                "EC2 instance types, most preferred first. Graviton types such as `m7g.large` get the arm64 AMI (and a warning: the app image must be built for linux/arm64 too).",
            rules: "each once; all of one architecture",
        },
    ),
    minSize: doc(int(0, 1000), { description: "The fewest nodes.", rules: "at most `maxSize`" }),
    maxSize: doc(int(1, 1000), { description: "The most nodes the cluster-autoscaler may run." }),
    labels: doc(z.record(labelKey, labelValue).default({}), {
        description: "Kubernetes labels every node of the group carries.",
        rules: "none in the `kubernetes.io` or `k8s.io` namespaces but those a kubelet may set, such as `node.kubernetes.io/...`",
    }),
    taints: doc(z.array(taint).default([]), {
        description: "Taints every node of the group carries, so only tolerating pods land there.",
        rules: "one per key and effect",
    }),
    volumeSizeGiB: doc(int(20, 16384).default(50), {
        description: "Root volume size (gp3, encrypted).",
        unit: "GiB",
    }),
});

/**
 * The cluster as the program reads it once the config checks have passed: one member per mode,
 * each carrying only the keys of its mode, and with what that mode needs required. Create mode
 * also carries the network and node groups, which exist only there. Members strip the keys of
 * other modes rather than reject them: checks.ts has already reported those with their own fix.
 */
export const loadedClusterSchema = z.discriminatedUnion("mode", [
    z.object({
        ...clusterFields.pick({ amiRelease: true, publicAccessCidrs: true, addons: true, adminRoleArns: true }).shape,
        mode: z.literal("create"),
        version: clusterFields.shape.version.unwrap(),
        network: networkSchema,
        nodeGroups: z.array(nodeGroupSchema).min(1),
    }),
    z.object({ mode: z.literal("shared"), sharedStack: clusterFields.shape.sharedStack.unwrap() }),
    z.object({
        ...clusterFields.pick({
            context: true,
            local: true,
            ingressClasses: true,
            ingressNamespace: true,
            oidcProviderArn: true,
        }).shape,
        mode: z.literal("external"),
    }),
]);
