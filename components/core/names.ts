/**
 * The Kubernetes names of the app's workloads. They live here, beneath the config, because the
 * config check must know how long the names become once suffixed; `components/app` uses the same
 * functions, so the two cannot disagree.
 *
 * Renaming any of these replaces the live object: a new Deployment, a new Service.
 */
export const workloadNames = {
    web: (app: string) => `${app}-web`,
    canary: (app: string) => `${app}-web-canary`,
    /** The green colour of a blue/green release; blue is `web`. Shorter than the canary's name, so its check covers it. */
    green: (app: string) => `${app}-web-green`,
    worker: (app: string, worker: string) => `${app}-worker-${worker}`,
    cron: (app: string, cron: string) => `${app}-cron-${cron}`,
    /**
     * The ServiceAccount every pod of the app runs as. Its IAM role's trust names it, and the role
     * is declared before the app (the account carries the role's ARN), so both take it from here.
     */
    serviceAccount: (app: string) => app,
    /** The migration pods' instance label: stable across tags, unlike the Job's name. */
    migrationInstance: (app: string) => `${app}-migrate`,
    /** The migration Job: the instance label plus 8 hex digits of the image tag's hash. */
    migration: (app: string, suffix: string) => `${workloadNames.migrationInstance(app)}-${suffix}`,
    /** The assets Job's pods' instance label, and its ServiceAccount (whose IAM role writes the assets bucket). */
    assetsInstance: (app: string) => `${app}-assets`,
    /** The assets Job: the instance label plus the same hash as the migration's (one character shorter than it). */
    assets: (app: string, suffix: string) => `${workloadNames.assetsInstance(app)}-${suffix}`,
};

/**
 * The app's namespace and the key that sets it: `app.namespace` when given; in a tenant stack the
 * app's name and the tenant's, so that tenants of one cluster never share a namespace; otherwise
 * the app's name. The config checks and the loaded config both take it from here.
 */
export function appNamespace(cfg: {
    readonly app: { readonly name: string; readonly namespace?: string };
    readonly tenant?: { readonly name: string };
}): { namespace: string; path: "app.namespace" | "tenant.name" | "app.name" } {
    if (cfg.app.namespace) return { namespace: cfg.app.namespace, path: "app.namespace" };
    if (cfg.tenant) return { namespace: `${cfg.app.name}-${cfg.tenant.name}`, path: "tenant.name" };
    return { namespace: cfg.app.name, path: "app.name" };
}

/**
 * Pulumi's auto-name: the logical name, "-" and 7 random hex digits (pulumi-terraform-bridge,
 * `randLength := 7`). Every auto-named resource's physical name is its logical name plus these.
 */
export const AUTONAME_SUFFIX = 8;

/** Name limits of what is really created, Kubernetes and AWS, in one place. */
export const NAME_LIMITS = {
    /** Names used as label values and Service names (DNS-1123 label). */
    label: 63,
    /** Object names such as a VirtualServer's (DNS-1123 subdomain). */
    subdomain: 253,
    /**
     * CronJob names: the controller appends an 11-character suffix to name each Job, and the
     * Job name must still be a valid label value.
     */
    cronJob: 52,
    /** Length of the hash suffix of the migration Job's name. */
    migrationHash: 8,
    /** A label of a DNS host name, and the whole name (RFC 1035). */
    dnsLabel: 63,
    dnsName: 253,
    /** IAM role names (IAM quotas). */
    iamRole: 64,
    /** IAM instance profile names. */
    instanceProfile: 128,
    /** S3 bucket names. */
    s3Bucket: 63,
    /** SQS queue names. */
    sqsQueue: 80,
    /** EC2 launch template names. */
    launchTemplate: 128,
    /** EKS cluster names. */
    eksCluster: 100,
    /** AWS tag keys (the node-template tags carry label and taint keys). */
    tagKey: 128,
    /** Load balancer and target group names are 32: the program names them by a prefix of at most 6. */
    loadBalancerNamePrefix: 6,
} as const;

/**
 * The logical names of the auto-named AWS resources, as components/platform/platform.ts,
 * components/aws and components/aws/appData.ts build them; each physical name is the logical
 * name plus {@link AUTONAME_SUFFIX} characters. A test checks every rendered AWS resource of these
 * types against this list.
 */
export const awsNames = {
    /** The EKS cluster's name (explicit, not auto-named): `<project>-<stack>`. */
    cluster: (project: string, stack: string) => `${project}-${stack}`,
    clusterRole: (cluster: string) => `${cluster}-cluster`,
    cniRole: (cluster: string) => `${cluster}-vpc-cni`,
    autoscalerRole: (cluster: string) => `${cluster}-autoscaler`,
    /** The IRSA role of aws-node-termination-handler, kept short: the stack name is the long part. */
    terminationHandlerRole: (cluster: string) => `${cluster}-nth`,
    /** The IRSA role of the log shipper (Fluent Bit). */
    logShipperRole: (cluster: string) => `${cluster}-logs`,
    /** The SQS queue of the node groups' termination lifecycle events. */
    drainQueue: (cluster: string) => `${cluster}-drain`,
    /** A node group's launch template and Auto Scaling group. */
    nodeGroup: (cluster: string, group: string) => `${cluster}-${group}`,
    /** A node group's IAM role and instance profile. */
    nodeRole: (cluster: string, group: string) => `${cluster}-${group}-node`,
    /** The app's IRSA role (AppData is named after the namespace). */
    appRole: (namespace: string) => `${namespace}-irsa`,
    bucket: (namespace: string) => `${namespace}-bucket`,
    queue: (namespace: string, queue: string) => `${namespace}-${queue}`,
    deadLetterQueue: (namespace: string, queue: string) => `${namespace}-${queue}-dlq`,
};

/** The tag that tells cluster-autoscaler a group's label or taint while the group has no node. */
export const nodeTemplateTagKey = (kind: "label" | "taint", key: string) =>
    `k8s.io/cluster-autoscaler/node-template/${kind}/${key}`;

/**
 * The environment variables through which the app's AWS resources reach its pods. They live here
 * so that the config check can refuse an `app.env` or `app.secretEnv` name that would clash.
 */
export const appDataEnvNames = {
    /** The app's S3 bucket name. */
    bucket: "S3_BUCKET",
    /** The URL of one SQS queue: `SQS_<QUEUE>_URL`, upper case, `-` as `_`. */
    queueUrl: (queue: string) => `SQS_${queue.toUpperCase().replace(/-/g, "_")}_URL`,
};

/** The secret environment variables Capstan composes when the stack has its own database or cache. */
export const serviceEnvNames = {
    /** `postgres://` or `mysql2://` URL of `capstan:database`, with its generated password. */
    database: "DATABASE_URL",
    /** `rediss://` URL of `capstan:cache`, with its generated token. */
    cache: "REDIS_URL",
} as const;

/**
 * The variable that tells a worker its shutdown timeout, in whole seconds, set on every worker
 * container from `workers[].shutdownTimeoutSeconds`: so `app.env` and `app.secretEnv` may not set it.
 */
export const SHUTDOWN_TIMEOUT_ENV = "SHUTDOWN_TIMEOUT_SECONDS";

/**
 * The annotations that make the cluster's metrics collector scrape a pod: its port and path. The
 * collector's scrape configuration reads exactly these, and the app's pods carry them when
 * `app.metrics` is set.
 */
export function scrapeAnnotations(port: number, path = "/metrics"): Record<string, string> {
    return { "prometheus.io/scrape": "true", "prometheus.io/port": String(port), "prometheus.io/path": path };
}
