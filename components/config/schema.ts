import { z } from "zod";
import {
    cidr,
    command,
    cpu,
    envName,
    envValue,
    headerName,
    int,
    label,
    labelKey,
    labelValue,
    memory,
    nodePort,
    storage,
    port,
    resources,
    taint,
} from "./fields";
import { IMAGE_REPOSITORY, cronProblem, timeZoneProblem } from "./rules";

/**
 * The stack-config contract as a zod schema. Every field's default is resolved here, so the rest
 * of the program reads one complete, typed object. Cross-field rules live in `checks.ts`.
 *
 * Objects are strict: an unknown key is an error, because it is most likely a typo that would
 * otherwise be silently ignored.
 */

/** An EKS add-on version as EKS names them, e.g. v1.19.2-eksbuild.1. */
const addonVersion = z.string().regex(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/, {
    message: "is not an EKS add-on version such as v1.19.2-eksbuild.1 (aws eks describe-addon-versions lists them)",
});

export const networkSchema = z.strictObject({
    /** The VPC's IPv4 block; subnets are carved from it. */
    cidrBlock: cidr,
    /** Two or more zones of `aws:region`, one public and one private subnet each. */
    availabilityZones: z
        .array(z.string())
        .min(2, { message: "needs at least two availability zones for a highly available cluster" }),
    /**
     * `perZone`: one NAT gateway per zone, so losing a zone does not cut the others off.
     * `single`: one for the whole VPC, cheaper, for non-production stacks.
     * @default perZone
     */
    natGateways: z.enum(["perZone", "single"]).default("perZone"),
});

/** The `cluster` key as written: one flat map, so that a key of another mode gets its own message in checks.ts. */
const clusterFields = z.strictObject({
    /**
     * `create`: this stack owns network, cluster and node groups. `shared`: it runs on another
     * stack's cluster. `external`: it runs on a cluster managed elsewhere (Terraform, eksctl, a
     * local cluster), reached through a kubeconfig context or the secret `capstan:kubeconfig`.
     */
    mode: z.enum(["create", "shared", "external"]).default("create"),
    /** `external`: the kubeconfig context to use (of $KUBECONFIG, or ~/.kube/config). */
    context: z.string().min(1).optional(),
    /** `external`: the IngressClass names of the cluster's NGINX Ingress Controllers. @default public, internal */
    ingressClasses: z.strictObject({ public: label(), internal: label().optional() }).optional(),
    /** `external`: the namespace of the cluster's ingress controllers. @default nginx-ingress */
    ingressNamespace: label().optional(),
    /** `external`: the cluster's IAM OIDC provider; the app's AWS data (bucket, queues, IRSA role) is created only when it is given. */
    oidcProviderArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/, {
            message: "must be an IAM OIDC provider ARN, arn:aws:iam::<account>:oidc-provider/<issuer>",
        })
        .optional(),
    /** `org/project/stack` of the stack that owns the cluster, for `mode: shared`. */
    sharedStack: z
        .string()
        .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, {
            message: "must be a fully qualified stack name, org/project/stack",
        })
        .optional(),
    /** Kubernetes minor version, e.g. "1.34". */
    version: z
        .string()
        .regex(/^1\.\d{2}$/, { message: 'must be a Kubernetes minor version such as "1.34" (quote it in YAML)' })
        .optional(),
    /** The EKS AMI release of the nodes, e.g. "v20260930". @default the release pinned for `version` in components/platform/versions.ts */
    amiRelease: z
        .string()
        .regex(/^v\d{8}$/, { message: 'must be an EKS AMI release such as "v20260930"' })
        .optional(),
    /** Networks allowed to reach the public API endpoint. Empty: the endpoint is private only. @default [] */
    publicAccessCidrs: z.array(cidr).default([]),
    /** EKS add-on versions; an omitted one gets EKS's default for the cluster version. */
    addons: z
        .strictObject({
            vpcCni: addonVersion.optional(),
            coreDns: addonVersion.optional(),
            kubeProxy: addonVersion.optional(),
        })
        .default({}),
    /** IAM principals (role ARNs) given cluster-admin through EKS access entries. @default [] */
    adminRoleArns: z
        .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { message: "must be an IAM role ARN" }))
        .default([]),
});

export const clusterSchema = clusterFields.default({
    mode: "create",
    publicAccessCidrs: [],
    addons: {},
    adminRoleArns: [],
});

export const nodeGroupSchema = z.strictObject({
    name: label(),
    /** EC2 instance types, most preferred first. */
    instanceTypes: z
        .array(
            z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$/, {
                message: "must be an EC2 instance type such as m7i.large",
            }),
        )
        .min(1),
    minSize: int(0, 1000),
    maxSize: int(1, 1000),
    /** Kubernetes labels every node of the group carries. @default {} */
    labels: z.record(labelKey, labelValue).default({}),
    /** Taints every node of the group carries, so only tolerating pods land there. @default [] */
    taints: z.array(taint).default([]),
    /** Root volume size in GiB (gp3, encrypted). @default 50 */
    volumeSizeGiB: int(20, 16384).default(50),
});

const ingressClass = (defaults: { http: number; https: number; healthCheck: number }) =>
    z.strictObject({
        /** Host names served by this entry. */
        hosts: z
            .array(
                z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/, {
                    message: "must be a lower-case DNS host name",
                }),
            )
            .min(1),
        /** ACM certificate for the TLS listener; without it the entry serves plain http only. */
        certificateArn: z
            .string()
            .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, {
                message: "must be an ACM certificate ARN",
            })
            .optional(),
        /**
         * The controller's NodePorts, which are also the load balancer's target ports; `healthCheck`
         * is kube-proxy's health check of the controller's Service, which the targets are checked on.
         */
        nodePorts: z
            .strictObject({ http: nodePort, https: nodePort, healthCheck: nodePort.default(defaults.healthCheck) })
            .default(defaults),
    });

export const ingressSchema = z.strictObject({
    /** The internet-facing entry. */
    public: ingressClass({ http: 30080, https: 30443, healthCheck: 30090 }),
    /** The VPN-only entry, on an internal load balancer. Optional. */
    internal: ingressClass({ http: 30081, https: 30444, healthCheck: 30091 })
        .extend({
            /** Whether staging basic auth also guards the internal entry. @default false: the VPN is the guard */
            basicAuth: z.boolean().default(false),
            /**
             * The networks that may connect to the internal load balancer: the VPN's client range
             * where the VPN does not translate its clients into the VPC, and the VPC's block if
             * clients inside it use the entry too. Never the whole internet. Cluster mode create
             * only. @default the VPC's block
             */
            sourceCidrs: z.array(cidr).min(1).optional(),
        })
        .optional(),
    /**
     * The largest request body NGINX passes to the app, on every VirtualServer: a number of bytes
     * with an optional unit `k` or `m` (NGINX's size syntax as the controller accepts it); `0`
     * turns the check off. Larger requests get 413. @default 100m, room for a Rails app's uploads
     */
    clientMaxBodySize: z
        .preprocess(
            (v) => (typeof v === "number" ? String(v) : v),
            z.string().regex(/^\d+[kKmM]?$/, {
                message:
                    "is not a size NGINX accepts here: digits with an optional unit k or m, e.g. 100m (the controller refuses g)",
            }),
        )
        .default("100m"),
    /**
     * Headers the NGINX Ingress Controller writes into each line of its JSON access log, besides
     * the fixed fields: `request` headers as the client sent them, `response` headers as the app
     * answered (e.g. the app's user or account id header). Cluster mode create only: the access log
     * belongs to the controllers. @default none
     */
    logHeaders: z
        .strictObject({
            request: z.array(headerName).default([]),
            response: z.array(headerName).default([]),
        })
        .default({ request: [], response: [] }),
});

export const webSchema = z.strictObject({
    /** The port the app listens on. @default 3000 */
    port: port.default(3000),
    /** The web server command. @default the image's own entrypoint and command */
    command: command.optional(),
    /** The readiness path; it should answer 200 once the app can serve. @default /up */
    healthPath: z
        .string()
        .regex(/^\/\S*$/, { message: 'must be an absolute path such as "/up"' })
        .default("/up"),
    /** The liveness path; keep it cheap and free of dependencies such as the database. @default healthPath */
    livenessPath: z
        .string()
        .regex(/^\/\S*$/, { message: 'must be an absolute path such as "/up"' })
        .optional(),
    minReplicas: int(1, 1000).default(2),
    maxReplicas: int(1, 1000).default(10),
    /** Average CPU utilization, in percent of the request, that the autoscaler keeps. @default 60 */
    targetCPUUtilization: int(1, 100).default(60),
    resources: resources({ cpu: "500m", memory: "1Gi" }),
    /** Seconds a stopping pod keeps serving while the load balancer and nginx take it out. @default 15 */
    preStopSleepSeconds: int(0, 300).default(15),
    /** Seconds the server gets to finish in-flight requests after the sleep. @default 30 */
    drainSeconds: int(1, 600).default(30),
});

/**
 * How the kubelet tells that a worker is alive, and restarts it when it is not: either a command
 * run in the container (exit 0: alive) or an HTTP GET on a port the worker serves (such as the
 * sidekiq_alive gem's 7433). A hung worker takes no jobs but never exits on its own.
 */
export const workerLivenessSchema = z.strictObject({
    /** Exec check: the argv run in the container; exit 0 means alive. */
    command: command.optional(),
    /** HTTP check: the container port to GET. */
    port: port.optional(),
    /** HTTP check: the path to GET; any 2xx or 3xx means alive. @default / */
    path: z
        .string()
        .regex(/^\/\S*$/, { message: 'must be an absolute path such as "/"' })
        .optional(),
    /** Seconds after the container starts before the first check: the worker's boot. @default 30 */
    initialDelaySeconds: int(0, 3600).default(30),
    /** Seconds between checks. @default 30 */
    periodSeconds: int(1, 3600).default(30),
    /** Seconds a check may take. @default 5 */
    timeoutSeconds: int(1, 600).default(5),
    /** Failed checks in a row before the container is restarted. @default 3 */
    failureThreshold: int(1, 100).default(3),
});

export const workerSchema = z.strictObject({
    name: label(),
    command,
    minReplicas: int(1, 1000).default(1),
    maxReplicas: int(1, 1000).default(1),
    targetCPUUtilization: int(1, 100).default(70),
    resources: resources({ cpu: "250m", memory: "512Mi" }),
    /** Seconds the worker needs to finish its jobs on SIGTERM (Sidekiq's -t). @default 25 */
    shutdownTimeoutSeconds: int(1, 3600).default(25),
    /** Labels of the nodes the worker runs on, e.g. a worker node group's labels. @default {} */
    nodeSelector: z.record(labelKey, labelValue).default({}),
    /** Taints the worker tolerates, e.g. a worker node group's taints. @default [] */
    tolerations: z.array(taint).default([]),
    /** The liveness check that restarts a hung worker. @default none: a worker is restarted only when it exits */
    liveness: workerLivenessSchema.optional(),
});

export const cronSchema = z.strictObject({
    name: label(),
    /** Five-field cron expression or a macro such as @daily; evaluated in `timeZone`. */
    schedule: z.string().superRefine((v, ctx) => {
        const problem = cronProblem(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
    command,
    /** IANA time zone of the schedule, e.g. Europe/Berlin. @default the controller's time zone (UTC on EKS) */
    timeZone: z
        .string()
        .superRefine((v, ctx) => {
            const problem = timeZoneProblem(v);
            if (problem) ctx.addIssue({ code: "custom", message: problem });
        })
        .optional(),
    /** A run that has not started this many seconds after its time is skipped. @default 300 */
    startingDeadlineSeconds: int(10, 86400).default(300),
    /** A run is stopped after this many seconds. @default 3600 */
    activeDeadlineSeconds: int(10, 604800).default(3600),
    /** Retries of a failed run. @default 0: a failed run waits for the next schedule */
    backoffLimit: int(0, 10).default(0),
    resources: resources({ cpu: "250m", memory: "512Mi" }),
});

/**
 * Where the app's pods serve Prometheus metrics: every web and worker pod is annotated so that
 * the cluster's collector scrapes this port and path, and the app's NetworkPolicies admit it.
 */
export const appMetricsSchema = z.strictObject({
    /** The container port that serves the metrics. */
    port,
    /** The HTTP path of the metrics. @default /metrics */
    path: z
        .string()
        .regex(/^\/[A-Za-z0-9._~\/-]*$/, { message: 'must be an absolute path such as "/metrics"' })
        .default("/metrics"),
});

/** HTTPS anywhere: the AWS APIs (S3, SQS, STS), which have public addresses, and third parties. */
export const EGRESS_DEFAULT = [{ cidr: "0.0.0.0/0", ports: [443] }];

/** TCP ports per network that pods may connect to. */
const egressRules = z.array(z.strictObject({ cidr, ports: z.array(port).min(1) }));

export const appSchema = z.strictObject({
    /** The app's name: the prefix of every workload and the default namespace. */
    name: label(),
    /** The image repository, without a tag: the tag is `capstan:imageTag`. */
    image: z
        .string()
        .regex(IMAGE_REPOSITORY, {
            message:
                "must be an image repository without tag or digest, e.g. 123456789012.dkr.ecr.eu-central-1.amazonaws.com/phraseapp",
        })
        .max(255, { message: "is longer than the 255 characters an image name may have" }),
    /** The namespace the app runs in. @default the app's name, or `<app>-<tenant>` in a tenant stack */
    namespace: label().optional(),
    /** Plain environment for every pod of the app. @default {} */
    env: z.record(envName, envValue).default({}),
    /** Names of secret environment variables; their values are in `capstan:appSecrets`. @default [] */
    secretEnv: z.array(envName).default([]),
    web: webSchema.default(webSchema.parse({})),
    workers: z.array(workerSchema).default([]),
    cron: z.array(cronSchema).default([]),
    /** The migration that gates every rollout. */
    migrate: z.strictObject({
        command,
        /** The migration fails after this many seconds. @default 900 */
        activeDeadlineSeconds: int(30, 86400).default(900),
        /** Retries of a failed migration. @default 0: migrations are not retried blindly */
        backoffLimit: int(0, 5).default(0),
    }),
    /**
     * The user id every container runs as; the restricted Pod Security Standard forbids root.
     * @default 1000, the `rails` user of the images Rails generates
     */
    runAsUser: int(1, 2147483647).default(1000),
    /**
     * Writable directories (emptyDirs) on the otherwise read-only root filesystem: where the app
     * writes temporary files, pids and caches. @default ["/tmp", "/rails/tmp"]
     */
    writablePaths: z
        .array(
            z.string().regex(/^\/[A-Za-z0-9._\/-]*[A-Za-z0-9._-]$/, {
                message: 'must be an absolute directory path such as "/rails/tmp"',
            }),
        )
        .min(1)
        .default(["/tmp", "/rails/tmp"]),
    /** SQS queues the app uses; each gets a dead-letter queue. @default [] */
    queues: z.array(label(40)).default([]),
    /**
     * Where the pods of the app's own namespace may connect, besides the cluster DNS and the
     * stack's own database and cache: TCP ports per network. Not in a tenant stack, whose
     * namespace takes `tenant.egress`. @default HTTPS anywhere (the AWS APIs, third parties)
     */
    egress: egressRules.optional(),
    /** The port and path the app's pods serve Prometheus metrics on. @default none: the app is not scraped */
    metrics: appMetricsSchema.optional(),
});

export const stagingSchema = z.strictObject({
    /** Basic auth in front of every public entry; passwords are in `capstan:basicAuthPasswords`. */
    basicAuth: z
        .strictObject({
            realm: z
                .string()
                .regex(/^[^"\\]+$/, { message: "must not contain quotes or backslashes" })
                .default("Staging"),
            users: z
                .array(
                    z.string().regex(/^[A-Za-z0-9._-]+$/, {
                        message: "must be a user name of letters, digits, '.', '_' or '-'",
                    }),
                )
                .min(1),
        })
        .optional(),
});

export const canarySchema = z.strictObject({
    /** The image tag the canary runs. */
    imageTag: z.string(),
    /** Requests carrying this cookie always reach the canary. */
    cookie: z
        .strictObject({
            // NGINX refuses any other cookie name in a VirtualServer match (validation/virtualserver.go,
            // cookieNameFmt), and then serves none of the app's hosts; the CRD schema lets it through.
            name: z.string().regex(/^[_A-Za-z0-9]+$/, {
                message: "is not a cookie name NGINX accepts: letters, digits and '_' only, e.g. _AUSER_TYPE",
            }),
            value: z.string().regex(/^[A-Za-z0-9_.-]+$/),
        })
        .optional(),
    /** Requests carrying this header always reach the canary. */
    header: z
        .strictObject({ name: z.string().regex(/^[A-Za-z0-9-]+$/), value: z.string().regex(/^[A-Za-z0-9_.-]+$/) })
        .optional(),
    /** Percent of the remaining traffic sent to the canary. @default 0: only the cookie/header reach it */
    weight: int(0, 100).default(0),
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
    name: label(),
    /** Resource quota of the tenant's namespace: the sum of its pods' requests (and memory and ephemeral-storage limits). */
    quota: z
        .strictObject({
            cpu: cpu.default(QUOTA_DEFAULTS.cpu),
            memory: memory.default(QUOTA_DEFAULTS.memory),
            pods: int(1, 10000).default(QUOTA_DEFAULTS.pods),
            /** Ephemeral storage: the sum of the pods' requests, and of their limits. @default 100Gi */
            ephemeralStorage: storage.default(QUOTA_DEFAULTS.ephemeralStorage),
        })
        .default(QUOTA_DEFAULTS),
    /** What a container that sets no resources of its own gets (LimitRange defaults). */
    limits: z
        .strictObject({
            cpuRequest: cpu.default(LIMIT_DEFAULTS.cpuRequest),
            memoryRequest: memory.default(LIMIT_DEFAULTS.memoryRequest),
            memoryLimit: memory.default(LIMIT_DEFAULTS.memoryLimit),
            ephemeralStorageRequest: storage.default(LIMIT_DEFAULTS.ephemeralStorageRequest),
            ephemeralStorageLimit: storage.default(LIMIT_DEFAULTS.ephemeralStorageLimit),
        })
        .default(LIMIT_DEFAULTS),
    /**
     * Where the tenant's pods may connect, besides DNS and their own namespace: TCP ports per
     * network. @default HTTPS anywhere (AWS APIs, third parties); add the database's and cache's networks and ports
     */
    egress: egressRules.default(EGRESS_DEFAULT),
});

// ---------- the stack's own database, cache and DNS: capstan:database, capstan:cache, capstan:dns ----------

/** An engine version such as "16.6" or "8.0.mysql_aurora.3.08.0". */
const engineVersion = z
    .string()
    .regex(/^\d+(\.[A-Za-z0-9_-]+)*$/, { message: 'must be an engine version such as "16.6" (quote it in YAML)' });

/** A managed database of the stack's own; the app gets DATABASE_URL. */
export const databaseSchema = z.strictObject({
    /** `postgres` or `mysql`. */
    engine: z.enum(["postgres", "mysql"]),
    /**
     * `serverless`: Aurora Serverless v2 (Aurora PostgreSQL or Aurora MySQL), sized between
     * minCapacity and maxCapacity. A `db.*` class: one RDS for PostgreSQL or MySQL instance of that class.
     * @default serverless
     */
    instanceClass: z
        .string()
        .regex(/^(serverless|db\.[a-z0-9-]+\.[a-z0-9]+)$/, {
            message: "must be serverless (Aurora Serverless v2) or an RDS instance class such as db.t4g.medium",
        })
        .default("serverless"),
    /** The engine version. @default the engine's default version when the database is created (RDS picks it) */
    engineVersion: engineVersion.optional(),
    /** Aurora Serverless v2: the least capacity, in ACUs (steps of 0.5; 0 pauses when idle, where the version allows). @default 0.5 */
    minCapacity: z.number().min(0).max(256).multipleOf(0.5).default(0.5),
    /** Aurora Serverless v2: the most capacity, in ACUs (steps of 0.5). @default 4 */
    maxCapacity: z.number().min(1).max(256).multipleOf(0.5).default(4),
    /** An RDS instance's storage in GiB (gp3, encrypted); it grows by itself up to four times this. @default 20 */
    storageGiB: int(20, 16384).default(20),
    /** A standby in a second zone: an Aurora reader that takes over, or an RDS Multi-AZ standby. @default false */
    multiAz: z.boolean().default(false),
    /** Days of automated backups (point-in-time recovery). @default 7 */
    backupRetentionDays: int(1, 35).default(7),
    /** The database the app uses. @default app */
    name: z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/, {
            message: "must be a database name: a letter, then letters, digits or '_', at most 63",
        })
        .default("app"),
    /** The user the app connects as (the master user). @default app */
    username: z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9_]{0,15}$/, {
            message: "must be a user name: a letter, then letters, digits or '_', at most 16",
        })
        .default("app"),
});

/** A Redis-compatible ElastiCache of the stack's own; the app gets REDIS_URL. */
export const cacheSchema = z.strictObject({
    /** `valkey` or `redis` (Redis OSS). */
    engine: z.enum(["valkey", "redis"]),
    /** The engine version. @default ElastiCache's default version for the engine */
    engineVersion: engineVersion.optional(),
    /** The node type. @default cache.t4g.small */
    nodeType: z
        .string()
        .regex(/^cache\.[a-z0-9-]+\.[a-z0-9]+$/, {
            message: "must be an ElastiCache node type such as cache.t4g.small",
        })
        .default("cache.t4g.small"),
    /** Replicas of the primary; with one or more, a failed primary fails over to a replica in another zone. @default 0 */
    replicas: int(0, 5).default(0),
    /** Days of daily snapshots; 0 takes none. @default 1 */
    snapshotRetentionDays: int(0, 35).default(1),
});

/** DNS records and a TLS certificate for every host of the stack. */
export const dnsSchema = z.strictObject({
    /** The Route 53 public hosted zone that holds every host of the stack. */
    zoneId: z
        .string()
        .regex(/^Z[A-Z0-9]{1,31}$/, { message: "must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ" }),
});

// ---------- logs, metrics and alerts: capstan:observability ----------

/** The retention periods CloudWatch Logs accepts, in days (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The thresholds of the alert rules. */
export const alertThresholdsSchema = z.strictObject({
    /** A host's share of 5xx answers (of the app's answers, over 5 minutes) above which it alerts. @default 0.05 */
    errorRatio: z.number().gt(0).max(1).default(0.05),
    /** A host's 95th percentile of the app's response time, in seconds, above which it alerts. @default 1.5 */
    p95Seconds: z.number().gt(0).max(60).default(1.5),
    /** Minutes an HPA, or a node group, may sit at its maximum before it alerts. @default 15 */
    atMaximumMinutes: int(1, 1440).default(15),
    /** Minutes a pod may stay Pending (the autoscaler could not add a node) before it alerts. @default 10 */
    pendingMinutes: int(1, 1440).default(10),
});

/** Where alerts go: an SNS topic of your own, or a webhook reached through a topic Capstan creates. */
export const alertRoutingSchema = z.strictObject({
    /** An SNS topic that receives every alert (its policy must let aps.amazonaws.com publish). */
    snsTopicArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, { message: "must be an SNS topic ARN" })
        .optional(),
    /** An HTTPS endpoint subscribed to a topic Capstan creates, e.g. a chat or paging service's webhook. */
    webhookUrl: z
        .string()
        .regex(/^https:\/\/[^\s]+$/, { message: "must be an https:// URL (SNS delivers to HTTPS endpoints)" })
        .optional(),
});

const THRESHOLD_DEFAULTS = { errorRatio: 0.05, p95Seconds: 1.5, atMaximumMinutes: 15, pendingMinutes: 10 };

export const observabilitySchema = z.strictObject({
    /**
     * Log shipping, the JSON access log, metrics and alerts. `false` removes all of it.
     * @default true
     */
    enabled: z.boolean().default(true),
    /** Days CloudWatch Logs keeps each log group's events. @default 30 */
    logRetentionDays: z
        .number()
        .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
            message: `is not a retention CloudWatch Logs accepts; use one of ${LOG_RETENTION_DAYS.join(", ")}`,
        })
        .default(30),
    /** Query parameters whose values the access log replaces with [REDACTED] (case-insensitive). @default [password, token, secret] */
    redactQueryParams: z
        .array(
            z.string().regex(/^[A-Za-z0-9_.\[\]-]{1,64}$/, {
                message: "must be a query parameter name: letters, digits, '_', '.', '-', '[' or ']'",
            }),
        )
        .default(["password", "token", "secret"]),
    alerts: z
        .strictObject({
            thresholds: alertThresholdsSchema.default(THRESHOLD_DEFAULTS),
            /** Where alerts go. @default nowhere: the rules still evaluate, see docs/observability.md */
            route: alertRoutingSchema.default({}),
        })
        .default({ thresholds: THRESHOLD_DEFAULTS, route: {} }),
});

export const OBSERVABILITY_DEFAULTS = observabilitySchema.parse({});

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
    observability: "object",
} as const;
export type ConfigKey = keyof typeof CONFIG_KEYS;

/** The non-secret part of the config, before cross-field checks. */
export const rootSchema = z.strictObject({
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: "must be an AWS region such as eu-central-1" }),
    environment: z.enum(["production", "staging"]),
    imageTag: z.string(),
    network: networkSchema.optional(),
    cluster: clusterSchema,
    nodeGroups: z.array(nodeGroupSchema).default([]),
    ingress: ingressSchema,
    app: appSchema,
    staging: stagingSchema.optional(),
    canary: canarySchema.optional(),
    tenant: tenantSchema.optional(),
    database: databaseSchema.optional(),
    cache: cacheSchema.optional(),
    dns: dnsSchema.optional(),
    observability: observabilitySchema.default(OBSERVABILITY_DEFAULTS),
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
export type ObservabilityConfig = z.infer<typeof observabilitySchema>;
export type AppMetricsConfig = z.infer<typeof appMetricsSchema>;
