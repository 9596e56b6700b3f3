import { z } from "zod";
import {
    appSchema,
    cronSchema,
    EGRESS_DEFAULT,
    egressRules,
    webSchema,
    workerLivenessSchema,
    workerSchema,
} from "./appSchema";
import { doc } from "./docs";
import { cidr, cpu, envName, int, label, labelKey, labelValue, memory, nodePort, storage, taint } from "./fields";
import { INGRESS_CLASSES, INGRESS_NAMESPACE } from "./names";
import { cacheSchema, databaseSchema, dnsSchema } from "./servicesSchema";

export * from "./appSchema";
export * from "./servicesSchema";

/**
 * The stack-config contract as a zod schema. Every field's default is resolved here, so the rest
 * of the program reads one complete, typed object. Cross-field rules live in `checks.ts`. Each key
 * is documented beside its definition with `doc()`: the config reference, the descriptions in
 * Pulumi.yaml and the hints of a missing key are generated from it (`npm run docs`).
 *
 * Objects are strict: an unknown key is an error, because it is most likely a typo that would
 * otherwise be silently ignored.
 */

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

const arn = (pattern: RegExp, message: string) => z.string().regex(pattern, { message });

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
            rules: "one with a cluster-autoscaler image pinned in `components/config/versions.ts`",
        },
    ),
    amiRelease: doc(
        z
            .string()
            .regex(/^v\d{8}$/, { message: 'must be an EKS AMI release such as "v20260930"' })
            .optional(),
        {
            description: "The EKS-optimized AL2023 AMI release of every node group; a new value rolls the groups.",
            default: "the release pinned for `version` in `components/config/versions.ts`",
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

const ingressClass = (defaults: { http: number; https: number; healthCheck: number }) =>
    z.strictObject({
        hosts: doc(
            z
                .array(
                    z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/, {
                        message: "must be a lower-case DNS host name",
                    }),
                )
                .min(1),
            {
                description: "Host names served by this entry.",
                rules: "each label at most 63 characters, the name at most 253",
            },
        ),
        certificateArn: doc(
            arn(
                /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/,
                "must be an ACM certificate ARN",
            ).optional(),
            {
                description: "The ACM certificate of the TLS listener, in `aws:region`.",
                default: "none: the entry serves plain http only, unless `capstan:dns` makes a certificate",
                rules: "required with `cluster.mode: create` unless `capstan:dns` is set",
            },
        ),
        nodePorts: doc(
            z
                .strictObject({
                    http: doc(nodePort, { description: "The controller's http NodePort." }),
                    https: doc(nodePort, { description: "The controller's https NodePort." }),
                    healthCheck: doc(nodePort.default(defaults.healthCheck), {
                        description:
                            "kube-proxy's health check of the controller's Service, which the load balancer's targets are checked on.",
                    }),
                })
                .default(defaults),
            {
                description: "The controller's NodePorts, which are also the load balancer's target ports.",
                rules: "all NodePorts of both entries differ",
            },
        ),
    });

export const ingressSchema = z.strictObject({
    public: doc(ingressClass({ http: 30080, https: 30443, healthCheck: 30090 }), {
        description: "The internet-facing entry.",
    }),
    internal: doc(
        ingressClass({ http: 30081, https: 30444, healthCheck: 30091 })
            .extend({
                basicAuth: doc(z.boolean().default(false), {
                    description:
                        "Whether staging basic auth also guards the internal entry; by default the VPN is the guard.",
                }),
                sourceCidrs: doc(z.array(cidr).min(1).optional(), {
                    description:
                        "The networks that may connect to the internal load balancer: the VPN's client range where the VPN does not translate its clients into the VPC, and the VPC's block if clients inside it use the entry too. Cluster mode `create` only.",
                    default: "the VPC's block",
                    rules: "never the whole internet: `0.0.0.0/0`, or blocks that together cover it",
                }),
            })
            .optional(),
        { description: "The VPN-only entry, on an internal load balancer: the keys of `public`, and two more." },
    ),
    clientMaxBodySize: doc(
        z
            .preprocess(
                (v) => (typeof v === "number" ? String(v) : v),
                z.string().regex(/^\d+[kKmM]?$/, {
                    message:
                        "is not a size NGINX accepts here: digits with an optional unit k or m, e.g. 100m (the controller refuses g)",
                }),
            )
            .default("100m"),
        {
            description:
                "The largest request body (an upload) NGINX passes to the app, on every VirtualServer; larger requests get 413, and `0` turns the check off. The default leaves room for a Rails app's uploads.",
            type: "NGINX size",
        },
    ),
});

export const stagingSchema = z.strictObject({
    basicAuth: doc(
        z
            .strictObject({
                realm: doc(
                    z
                        .string()
                        .regex(/^[^"\\]+$/, { message: "must not contain quotes or backslashes" })
                        .default("Staging"),
                    { description: "The realm the browser shows." },
                ),
                users: doc(
                    z
                        .array(
                            z.string().regex(/^[A-Za-z0-9._-]+$/, {
                                message: "must be a user name of letters, digits, '.', '_' or '-'",
                            }),
                        )
                        .min(1),
                    { description: "The users; each needs a password in `capstan:basicAuthPasswords`." },
                ),
            })
            .optional(),
        { description: "Basic auth in front of every public entry." },
    ),
});

const matchValue = z.string().regex(/^[A-Za-z0-9_.-]+$/, { message: "must be letters, digits, '_', '.' or '-'" });

export const canarySchema = z.strictObject({
    imageTag: doc(z.string(), {
        description: "The image tag the canary runs.",
        rules: "an image tag as for `capstan:imageTag`, and not the stable one",
    }),
    cookie: doc(
        z
            .strictObject({
                // NGINX refuses any other cookie name in a VirtualServer match (validation/virtualserver.go,
                // cookieNameFmt), and then serves none of the app's hosts; the CRD schema lets it through.
                name: doc(
                    z.string().regex(/^[_A-Za-z0-9]+$/, {
                        message: "is not a cookie name NGINX accepts: letters, digits and '_' only, e.g. _AUSER_TYPE",
                    }),
                    { description: "The cookie's name." },
                ),
                value: doc(matchValue, { description: "The cookie's value." }),
            })
            .optional(),
        { description: "Requests carrying this cookie always reach the canary." },
    ),
    header: doc(
        z
            .strictObject({
                name: doc(z.string().regex(/^[A-Za-z0-9-]+$/, { message: "must be letters, digits or '-'" }), {
                    description: "The header's name.",
                }),
                value: doc(matchValue, { description: "The header's value." }),
            })
            .optional(),
        { description: "Requests carrying this header always reach the canary." },
    ),
    weight: doc(int(0, 100).default(0), {
        description:
            "The share of the remaining traffic sent to the canary; with 0 only the cookie or header reach it.",
        unit: "percent",
        rules: "a cookie, a header or a weight above 0",
    }),
});

const LIMIT_DEFAULTS = {
    cpuRequest: "100m",
    memoryRequest: "256Mi",
    memoryLimit: "512Mi",
    ephemeralStorageRequest: "256Mi",
    ephemeralStorageLimit: "2Gi",
};
const QUOTA_DEFAULTS = { cpu: "16", memory: "32Gi", pods: 100, ephemeralStorage: "100Gi" };

export const tenantSchema = z.strictObject({
    name: doc(label(), { description: "The tenant's name, part of its namespace's name." }),
    quota: doc(
        z
            .strictObject({
                cpu: doc(cpu.default(QUOTA_DEFAULTS.cpu), { description: "The sum of the pods' CPU requests." }),
                memory: doc(memory.default(QUOTA_DEFAULTS.memory), {
                    description: "The sum of the pods' memory requests, and of their limits.",
                }),
                pods: doc(int(1, 10000).default(QUOTA_DEFAULTS.pods), { description: "The most pods." }),
                ephemeralStorage: doc(storage.default(QUOTA_DEFAULTS.ephemeralStorage), {
                    description: "The sum of the pods' ephemeral-storage requests, and of their limits.",
                }),
            })
            .default(QUOTA_DEFAULTS),
        {
            description: "The resource quota of the tenant's namespace.",
            rules: "holds the app at its minimum replicas, a rollout surge of 25% of every Deployment and the migration Job (CPU requests, memory limits, ephemeral-storage limits and pods)",
        },
    ),
    limits: doc(
        z
            .strictObject({
                cpuRequest: doc(cpu.default(LIMIT_DEFAULTS.cpuRequest), { description: "The default CPU request." }),
                memoryRequest: doc(memory.default(LIMIT_DEFAULTS.memoryRequest), {
                    description: "The default memory request.",
                }),
                memoryLimit: doc(memory.default(LIMIT_DEFAULTS.memoryLimit), {
                    description: "The default memory limit.",
                }),
                ephemeralStorageRequest: doc(storage.default(LIMIT_DEFAULTS.ephemeralStorageRequest), {
                    description: "The default ephemeral-storage request.",
                }),
                ephemeralStorageLimit: doc(storage.default(LIMIT_DEFAULTS.ephemeralStorageLimit), {
                    description: "The default ephemeral-storage limit.",
                }),
            })
            .default(LIMIT_DEFAULTS),
        {
            description:
                "What a container that sets no resources of its own gets (LimitRange defaults); the quota counts ephemeral storage, so a container without it would be refused.",
            rules: "each request at most its limit",
        },
    ),
    egress: doc(egressRules.default(EGRESS_DEFAULT), {
        description:
            "Where the tenant's pods may connect besides DNS and their own namespace: networks and TCP ports. Add the database's and cache's networks and ports.",
    }),
});

/** Every `capstan:` key of the contract, with how its stack value is read. */
export const CONFIG_KEYS = {
    environment: "string",
    imageTag: "string",
    network: "object",
    cluster: "object",
    nodeGroups: "object",
    ingress: "object",
    app: "object",
    appSecrets: "secret",
    kubeconfig: "secretText",
    staging: "object",
    basicAuthPasswords: "secret",
    canary: "object",
    tenant: "object",
    database: "object",
    cache: "object",
    dns: "object",
} as const;
export type ConfigKey = keyof typeof CONFIG_KEYS;

/** The non-secret part of the config, before cross-field checks. */
export const rootSchema = z.strictObject({
    region: doc(
        z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: "must be an AWS region such as eu-central-1" }),
        { description: "The AWS region of the stack.", example: "eu-central-1" },
    ),
    environment: doc(z.enum(["production", "staging"]), {
        description:
            "Selects the rules that differ between production and staging (pinned tags, sizes); never inferred from the stack name.",
        example: "staging",
    }),
    imageTag: doc(z.string(), {
        description: "The app image tag every workload runs: the deploy knob, which `npm run deploy` sets.",
        type: "image tag",
        rules: "letters, digits, `_ . -`, at most 128 characters, not starting with `.` or `-`; never `latest` in production",
        example: "<tag>",
    }),
    network: doc(networkSchema.optional(), {
        description: "The VPC. Only with `cluster.mode: create`, and required there.",
    }),
    cluster: doc(clusterSchema, { description: "The Kubernetes cluster the stack runs on, and how it gets there." }),
    nodeGroups: doc(z.array(nodeGroupSchema).default([]), {
        description:
            "Self-managed node groups (launch template and Auto Scaling group), scaled by the cluster-autoscaler. Only with `cluster.mode: create`, and at least one there.",
    }),
    ingress: doc(ingressSchema, {
        description:
            "The entries into the cluster: an NGINX Ingress Controller class and a Network Load Balancer each.",
    }),
    app: doc(appSchema, {
        description: "The Rails-style app: its image, env, web pods, workers, cron tasks and migration.",
    }),
    staging: doc(stagingSchema.optional(), {
        description: "Staging access: basic auth in front of every public entry.",
    }),
    canary: doc(canarySchema.optional(), {
        description:
            "A canary release: the web pods at another tag, reached by a cookie, a header and a share of the traffic.",
    }),
    tenant: doc(tenantSchema.optional(), {
        description:
            "Tenant stacks only: the tenant's namespace, quota, limits and egress, on the cluster of `cluster.sharedStack`.",
        rules: "requires `cluster.mode: shared`",
    }),
    database: doc(databaseSchema.optional(), {
        description: "The stack's own managed database; the app gets `DATABASE_URL`.",
        default: "none: no database",
    }),
    cache: doc(cacheSchema.optional(), {
        description: "The stack's own Redis-compatible ElastiCache; the app gets `REDIS_URL`.",
        default: "none: no cache",
    }),
    dns: doc(dnsSchema.optional(), {
        description: "DNS records and one TLS certificate for every host of the stack.",
        default: "none: no records",
    }),
});

/**
 * The secret keys. Capstan reads them itself (load.ts) and refuses a value stored in plain text;
 * this schema is their shape and their documentation.
 */
export const secretConfigSchema = z.strictObject({
    appSecrets: doc(z.record(envName, z.string()).default({}), {
        description:
            "Values of `app.secretEnv`, one encrypted entry per name: `pulumi config set --secret --path 'appSecrets.NAME' VALUE`. A map in plain text is refused, and so is a plain entry beside encrypted ones.",
        type: "secret map",
    }),
    kubeconfig: doc(z.string().default(""), {
        description:
            '`cluster.mode: external` only, instead of `cluster.context`: the cluster\'s kubeconfig, encrypted: `pulumi config set --secret kubeconfig "$(cat FILE)"`. Empty means unset; a plain value is refused.',
        type: "secret text",
    }),
    basicAuthPasswords: doc(z.record(z.string(), z.string()).default({}), {
        description:
            "The password of each `staging.basicAuth.users` entry, each encrypted: `pulumi config set --secret --path 'basicAuthPasswords.USER' PASSWORD`.",
        type: "secret map",
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
        ...clusterFields.pick({ context: true, ingressClasses: true, ingressNamespace: true, oidcProviderArn: true })
            .shape,
        mode: z.literal("external"),
    }),
]);

export type RootConfig = z.infer<typeof rootSchema>;
export type NetworkConfig = z.infer<typeof networkSchema>;
export type ClusterConfig = z.infer<typeof clusterSchema>;
export type LoadedClusterConfig = z.infer<typeof loadedClusterSchema>;
/** The cluster of a stack that creates it: its version, network and node groups. */
export type CreatedClusterConfig = Extract<LoadedClusterConfig, { mode: "create" }>;
export type NodeGroupConfig = z.infer<typeof nodeGroupSchema>;
export type IngressConfig = z.infer<typeof ingressSchema>;
export type AppConfig = z.infer<typeof appSchema>;
export type WebConfig = z.infer<typeof webSchema>;
export type WorkerConfig = z.infer<typeof workerSchema>;
export type WorkerLivenessConfig = z.infer<typeof workerLivenessSchema>;
export type CronConfig = z.infer<typeof cronSchema>;
export type StagingConfig = z.infer<typeof stagingSchema>;
export type CanaryConfig = z.infer<typeof canarySchema>;
export type TenantConfig = z.infer<typeof tenantSchema>;
export type DatabaseConfig = z.infer<typeof databaseSchema>;
export type CacheConfig = z.infer<typeof cacheSchema>;
export type DnsConfig = z.infer<typeof dnsSchema>;
