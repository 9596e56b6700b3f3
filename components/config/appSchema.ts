import { z } from "zod";
import { doc } from "./docs";
import { ASSETS_DEFAULTS, assetsSchema } from "./edgeSchema";
import {
    cidr,
    command,
    envName,
    envValue,
    int,
    label,
    labelKey,
    labelValue,
    optionalResources,
    port,
    resources,
    taint,
} from "./fields";
import { API_OBJECT_LIMIT, ENV_DATA_LIMIT, OBJECT_METADATA_BUDGET } from "./objectSize";
import { IMAGE_REPOSITORY, cronProblem, timeZoneProblem } from "./rules";

/** The app's part of the stack-config contract: `capstan:app`. Every key is documented beside its definition. */

const path = (example: string) =>
    z.string().regex(/^\/\S*$/, { message: `must be an absolute path such as "${example}"` });

const replicas = (min: number, max: number, which: string) => ({
    minReplicas: doc(int(1, 1000).default(min), {
        description: `The fewest ${which} pods; the autoscaler never goes below.`,
        rules: "at most `maxReplicas`",
    }),
    maxReplicas: doc(int(1, 1000).default(max), { description: `The most ${which} pods the autoscaler may run.` }),
    rolloutTimeoutSeconds: doc(int(30, 7200).optional(), {
        description: `How long an update waits for a rollout of the ${which} pods before it fails. Kubernetes marks a rollout that makes no progress for this long as failed too (the Deployment's progressDeadlineSeconds), so \`capstan status\` shows the same verdict; the old pods keep serving either way.`,
        default: "enough for every surge wave at the pods' readiness budget, and at least 600",
        unit: "seconds",
    }),
});

const targetCPU = (d: number) =>
    doc(int(1, 100).default(d), {
        description: "Average CPU utilization the autoscaler keeps.",
        unit: "percent of the CPU request",
    });

export const webSchema = z.strictObject({
    port: doc(port.default(3000), { description: "The port the app listens on." }),
    command: doc(command.optional(), {
        description: "The web server's argv.",
        default: "the image's own entrypoint and command",
    }),
    healthPath: doc(path("/up").default("/up"), {
        description: "The readiness path; it should answer 200 once the app can serve.",
    }),
    livenessPath: doc(path("/up").optional(), {
        description: "The liveness path; keep it cheap and free of dependencies such as the database.",
        default: "`healthPath`",
    }),
    ...replicas(2, 10, "web"),
    targetCPUUtilization: targetCPU(60),
    resources: doc(resources({ cpu: "500m", memory: "1Gi" }), {
        description: "What each web pod requests and may use.",
    }),
    preStopSleepSeconds: doc(int(0, 300).default(15), {
        description: "How long a stopping pod keeps serving while the load balancer and NGINX take it out.",
        unit: "seconds",
    }),
    drainSeconds: doc(int(1, 600).default(30), {
        description: "How long the server gets to finish in-flight requests after the sleep.",
        unit: "seconds",
    }),
});

/**
 * How the kubelet tells that a worker is alive, and restarts it when it is not: either a command
 * run in the container or an HTTP GET on a port the worker serves.
 */
export const workerLivenessSchema = z.strictObject({
    command: doc(command.optional(), {
        description: "Exec check: the argv run in the container; exit 0 means alive.",
        rules: "exactly one of `command` and `port`",
    }),
    port: doc(port.optional(), {
        description: "HTTP check: the container port to GET (e.g. 7433 of the sidekiq_alive gem).",
    }),
    path: doc(path("/").optional(), {
        description: "HTTP check: the path to GET; any 2xx or 3xx means alive.",
        default: "`/`",
        rules: "only with `port`",
    }),
    initialDelaySeconds: doc(int(0, 3600).default(30), {
        description: "Time after the container starts before the first check: the worker's boot.",
        unit: "seconds",
    }),
    periodSeconds: doc(int(1, 3600).default(30), { description: "Time between checks.", unit: "seconds" }),
    timeoutSeconds: doc(int(1, 600).default(5), { description: "Time a check may take.", unit: "seconds" }),
    failureThreshold: doc(int(1, 100).default(3), {
        description: "Failed checks in a row before the container is restarted.",
    }),
});

export const workerSchema = z.strictObject({
    name: doc(label(), { description: "The worker pool's name, part of its Deployment's name.", rules: "unique" }),
    command: doc(command, { description: "The worker's argv, e.g. `[bundle, exec, sidekiq, -q, default]`." }),
    ...replicas(1, 1, "worker"),
    targetCPUUtilization: targetCPU(70),
    resources: doc(resources({ cpu: "250m", memory: "512Mi" }), {
        description: "What each worker pod requests and may use.",
    }),
    shutdownTimeoutSeconds: doc(int(1, 3600).default(25), {
        description:
            "How long the worker needs to finish its jobs on SIGTERM (Sidekiq's `-t`); the worker gets it as `SHUTDOWN_TIMEOUT_SECONDS`.",
        unit: "seconds",
    }),
    nodeSelector: doc(z.record(labelKey, labelValue).default({}), {
        description: "Labels of the nodes the worker runs on, e.g. a worker node group's labels.",
        rules: "must match a node group's labels (in a shared stack, a group of the owning stack)",
    }),
    tolerations: doc(z.array(taint).default([]), {
        description: "Taints the worker tolerates, e.g. a worker node group's taints.",
        rules: "must tolerate the NoSchedule and NoExecute taints of the groups it selects, else its pods stay Pending",
    }),
    liveness: doc(workerLivenessSchema.optional(), {
        description:
            "The check that restarts a hung worker, which takes no jobs but never exits on its own: `command`, or `port` with an optional `path`.",
        default: "none: a worker is restarted only when it exits",
    }),
});

export const cronSchema = z.strictObject({
    name: doc(label(), { description: "The task's name, part of its CronJob's name.", rules: "unique" }),
    schedule: doc(
        z.string().superRefine((v, ctx) => {
            const problem = cronProblem(v);
            if (problem) ctx.addIssue({ code: "custom", message: problem });
        }),
        {
            description: "When the task runs, evaluated in `timeZone`.",
            type: "cron expression",
            rules: "five fields or a macro such as `@daily`; no `CRON_TZ=`",
        },
    ),
    command: doc(command, { description: "The task's argv." }),
    timeZone: doc(
        z
            .string()
            .superRefine((v, ctx) => {
                const problem = timeZoneProblem(v);
                if (problem) ctx.addIssue({ code: "custom", message: problem });
            })
            .optional(),
        {
            description: "The IANA time zone of the schedule, spelled exactly: `Europe/Berlin`, `UTC`, `Etc/UTC`.",
            default: "the controller's time zone (UTC on EKS)",
            rules: "a name the API server resolves; not `europe/berlin`, not `Local`",
        },
    ),
    startingDeadlineSeconds: doc(int(10, 86400).default(300), {
        description: "A run that has not started this long after its time is skipped.",
        unit: "seconds",
    }),
    activeDeadlineSeconds: doc(int(10, 604800).default(3600), {
        description: "A run is stopped after this long.",
        unit: "seconds",
    }),
    backoffLimit: doc(int(0, 10).default(0), {
        description: "Retries of a failed run; with 0 a failed run waits for the next schedule.",
    }),
    resources: doc(resources({ cpu: "250m", memory: "512Mi" }), {
        description: "What each run's pod requests and may use.",
    }),
});

/** HTTPS anywhere: the AWS APIs (S3, SQS, STS), which have public addresses, and third parties. */
export const EGRESS_DEFAULT = [{ cidr: "0.0.0.0/0", ports: [443] }];

/** TCP ports per network that pods may connect to. */
export const egressRules = z.array(
    z.strictObject({
        cidr: doc(cidr, { description: "The network pods may connect to." }),
        ports: doc(z.array(port).min(1), { description: "The TCP ports open on it." }),
    }),
);

export const migrateSchema = z.strictObject({
    command: doc(command, { description: "The migration's argv, e.g. `[bundle, exec, rails, db:migrate]`." }),
    activeDeadlineSeconds: doc(int(30, 86400).default(900), {
        description: "The migration fails after this long, and the update with it.",
        unit: "seconds",
    }),
    backoffLimit: doc(int(0, 5).default(0), {
        description: "Retries of a failed migration; with 0 migrations are not retried blindly.",
    }),
    resources: doc(optionalResources({ cpu: "250m", memory: "512Mi" }), {
        description:
            "What the migration's pod requests and may use, when it needs other than a web pod (a schema change that loads a large table, or a small one that should fit beside a full namespace quota).",
        default: "`app.web.resources`: the migration runs as a web pod would",
    }),
});

export const appSchema = z.strictObject({
    name: doc(label(), {
        description: "The app's name: the prefix of every workload, and the default namespace.",
        rules: "starts with a letter",
    }),
    image: doc(
        z
            .string()
            .regex(IMAGE_REPOSITORY, {
                message:
                    "must be an image repository without tag or digest, e.g. 123456789012.dkr.ecr.eu-central-1.amazonaws.com/phraseapp",
            })
            .max(255, { message: "is longer than the 255 characters an image name may have" }),
        {
            description: "The image repository, without a tag: the tag is `capstan:imageTag`.",
            type: "image repository",
        },
    ),
    namespace: doc(label().optional(), {
        description: "The namespace the app runs in.",
        default: "`app.name`; in a tenant stack `<app>-<tenant>`",
        rules: "never one of the platform's or Kubernetes' own (`nginx-ingress`, `default`, `kube-*`)",
    }),
    env: doc(z.record(envName, envValue).default({}), {
        description: "Plain environment of every pod of the app.",
        rules: `not the names Capstan sets itself: \`S3_BUCKET\`, \`SQS_<QUEUE>_URL\` of each queue, \`SHUTDOWN_TIMEOUT_SECONDS\` when the app has workers, \`DATABASE_URL\` with \`capstan:database\`, \`REDIS_URL\` with \`capstan:cache\`; names and values together at most ${ENV_DATA_LIMIT} bytes (UTF-8): they become a ConfigMap, which the API server refuses over 1 MiB (${API_OBJECT_LIMIT} bytes for the whole object), and ${OBJECT_METADATA_BUDGET} are kept for its metadata and the variables Capstan adds`,
    }),
    secretEnv: doc(z.array(envName).default([]), {
        description: "Names of secret environment variables; each needs a value in `capstan:appSecrets`.",
        rules: "not a name of `app.env`, nor one Capstan sets itself (see `app.env`)",
    }),
    web: doc(webSchema.default(webSchema.parse({})), {
        description: "The web pods: a Deployment behind a Service and the VirtualServers, scaled by CPU.",
    }),
    workers: doc(z.array(workerSchema).default([]), {
        description: "Background worker pools (Sidekiq and the like), one Deployment each.",
        rules: "in a `production` environment `minReplicas` at least 2: a single pod stops its queue during every node drain",
    }),
    cron: doc(z.array(cronSchema).default([]), {
        description: "Scheduled tasks, one CronJob each, never two runs at once.",
    }),
    migrate: doc(migrateSchema, {
        description:
            "The migration that gates every rollout: a Job per image tag, which every Deployment and CronJob waits for.",
    }),
    console: doc(
        z
            .strictObject({
                command: doc(command.default(["bin/rails", "console"]), {
                    description: "The console's argv.",
                }),
            })
            .default({ command: ["bin/rails", "console"] }),
        {
            description:
                "What `capstan console` runs in a fresh pod of the web template, with a TTY (see docs/day-two.md).",
        },
    ),
    runAsUser: doc(int(1, 2147483647).default(1000), {
        description:
            "The non-root user id every container runs as (the `rails` user of the images Rails generates); the restricted Pod Security Standard forbids root.",
    }),
    writablePaths: doc(
        z
            .array(
                z.string().regex(/^\/[A-Za-z0-9._\/-]*[A-Za-z0-9._-]$/, {
                    message: 'must be an absolute directory path such as "/rails/tmp"',
                }),
            )
            .min(1)
            .default(["/tmp", "/rails/tmp"]),
        {
            description:
                "Writable directories (emptyDirs) on the otherwise read-only root filesystem: where the app writes temporary files, pids and caches.",
        },
    ),
    queues: doc(z.array(label(40)).default([]), {
        description: "SQS queues of the app, each with a dead-letter queue.",
        rules: "needs the app's AWS data (cluster mode `create` or `shared`, or `external` with `cluster.oidcProviderArn`)",
    }),
    egress: doc(egressRules.optional(), {
        description:
            "Where the pods of the app's own namespace may connect besides the cluster DNS and the stack's own database and cache: networks and TCP ports. The default, HTTPS anywhere, lets the app reach the AWS APIs (S3, SQS, STS), which have public addresses. Not in a tenant stack: use `tenant.egress`.",
        defaultValue: EGRESS_DEFAULT,
        rules: "a `443` rule where the app has AWS data",
    }),
    assets: doc(assetsSchema.default(ASSETS_DEFAULTS), {
        description:
            "The app's precompiled assets: the folders in the image, the URL prefixes the CDN serves them under from its bucket, and how long a release's files stay there. With `edge.cdn` (or `bucket`), an assets Job uploads each release's files before any of its pods starts (docs/edge.md).",
    }),
    metrics: doc(
        z
            .strictObject({
                port: doc(port, { description: "The container port that serves the metrics." }),
                path: doc(
                    z
                        .string()
                        .regex(/^\/[A-Za-z0-9._~\/-]*$/, { message: 'must be an absolute path such as "/metrics"' })
                        .default("/metrics"),
                    { description: "The HTTP path of the metrics." },
                ),
            })
            .optional(),
        {
            description:
                "Where the app's web and worker pods serve Prometheus metrics: they are annotated for the cluster's collector, and the namespace's NetworkPolicies admit it on that port. See docs/observability.md.",
            default: "none: the app is not scraped",
            rules: "the port outside the NodePort range 30000–32767, which only the load balancers reach",
        },
    ),
});

export type AppMetricsConfig = NonNullable<z.infer<typeof appSchema>["metrics"]>;
