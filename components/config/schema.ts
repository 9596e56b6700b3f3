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
import { clusterSchema, loadedClusterSchema, networkSchema, nodeGroupSchema } from "./clusterSchema";
import { doc } from "./docs";
import { API_OBJECT_LIMIT, ENV_DATA_LIMIT, OBJECT_METADATA_BUDGET } from "./objectSize";
import { cpu, envName, int, label, memory, storage } from "./fields";
import { edgeSchema } from "./edgeSchema";
import { canarySchema, ingressSchema, stagingSchema } from "./ingressSchema";
import { COST_DEFAULTS, costSchema } from "./costSchema";
import { OBSERVABILITY_DEFAULTS, observabilitySchema } from "./observabilitySchema";
import { cacheSchema, databaseSchema, dnsSchema } from "./servicesSchema";
import { RELEASE_DEFAULTS, releaseSchema } from "./releaseSchema";
import { IMAGE_TAG_RULE } from "./rules";

export * from "./appSchema";
export * from "./clusterSchema";
export * from "./ingressSchema";
export * from "./servicesSchema";
export * from "./observabilitySchema";
export * from "./edgeSchema";
export * from "./costSchema";
export * from "./analysisSchema";
export * from "./releaseSchema";

/**
 * The stack-config contract as a zod schema. Every field's default is resolved here, so the rest
 * of the program reads one complete, typed object. Cross-field rules live in `checks.ts`. Each key
 * is documented beside its definition with `doc()`: the config reference, the descriptions in
 * Pulumi.yaml and the hints of a missing key are generated from it (`npm run docs`).
 *
 * Objects are strict: an unknown key is an error, because it is most likely a typo that would
 * otherwise be silently ignored.
 */

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
    previousImageTag: "string",
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
    release: "object",
    tenant: "object",
    database: "object",
    cache: "object",
    dns: "object",
    observability: "object",
    edge: "object",
    cost: "object",
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
        rules: `${IMAGE_TAG_RULE}; never \`latest\` in production`,
        example: "<tag>",
    }),
    previousImageTag: doc(
        z
            .string()
            .optional()
            .transform((v) => (v === "" ? undefined : v)),
        {
            description:
                "The tag `capstan:imageTag` replaces, written beside it by `capstan deploy` (a tag or `--rollback`) and `capstan canary promote`. An update back to a tag the stack ran before the running one (the `imageTagHistory` output) is refused unless this names the running tag: an older stack file never puts back an older tag (see docs/day-two.md).",
            type: "image tag",
            default: "none (empty): going back to an older tag is refused",
        },
    ),
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
    release: doc(releaseSchema.default(RELEASE_DEFAULTS), {
        description:
            "How a deploy reaches the web pods: a rolling update, or blue/green with a preview and a switch back in seconds (docs/releases.md); `{}` means rolling.",
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
    observability: doc(observabilitySchema.default(OBSERVABILITY_DEFAULTS), {
        description:
            "Logs, metrics and alerts of the stack (docs/observability.md); `{}` means the defaults, all of it on.",
    }),
    edge: doc(edgeSchema.default({}), {
        description: "What stands in front of the public entry: the CDN (docs/edge.md).",
    }),
    cost: doc(costSchema.default(COST_DEFAULTS), {
        description:
            "The monthly cost estimate's usage volumes and budget (`capstan cost`, docs/cost.md); `{}` means the default volumes and no budget.",
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
        rules: `the values named in \`app.secretEnv\`, with their names, at most ${ENV_DATA_LIMIT} bytes (UTF-8): they become a Secret, which the API server refuses over 1 MiB (${API_OBJECT_LIMIT} bytes for the whole object), and ${OBJECT_METADATA_BUDGET} are kept for its metadata and the variables Capstan adds; checked where the values can be read (\`pulumi preview\`, \`up\`, a deploy), not by the offline render`,
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
/** `capstan:canary` as written: a running canary (with `imageTag`) and how `capstan canary run` releases. */
export type CanarySettings = z.infer<typeof canarySchema>;
/** A canary that runs: `capstan:canary` with its `imageTag`. */
export type CanaryConfig = CanarySettings & { readonly imageTag: string };

/** Whether an assets Job uploads each tag's assets before its pods start: with the CDN, or to `app.assets.bucket`. */
export function uploadsAssets(cfg: { readonly edge: RootConfig["edge"]; readonly app: RootConfig["app"] }): boolean {
    // Either key may be missing in the partial config of an invalid stack.
    return cfg.edge?.cdn !== undefined || cfg.app?.assets?.bucket !== undefined;
}

/** The canary that runs, or undefined when `capstan:canary` holds only the release settings. */
export function runningCanary(c: CanarySettings | undefined): CanaryConfig | undefined {
    return c?.imageTag !== undefined ? (c as CanaryConfig) : undefined;
}
export type TenantConfig = z.infer<typeof tenantSchema>;
export type DatabaseConfig = z.infer<typeof databaseSchema>;
export type CacheConfig = z.infer<typeof cacheSchema>;
export type DnsConfig = z.infer<typeof dnsSchema>;
