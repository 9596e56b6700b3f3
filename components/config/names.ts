/**
 * The Kubernetes names of the app's workloads. They live here, beside the config, because the
 * config check must know how long the names become once suffixed; `components/app` uses the same
 * functions, so the two cannot disagree.
 *
 * Renaming any of these replaces the live object: a new Deployment, a new Service.
 */
export const workloadNames = {
    web: (app: string) => `${app}-web`,
    canary: (app: string) => `${app}-web-canary`,
    worker: (app: string, worker: string) => `${app}-worker-${worker}`,
    cron: (app: string, cron: string) => `${app}-cron-${cron}`,
    /**
     * The ServiceAccount every pod of the app runs as. Its IAM role's trust names it, and the role
     * is declared before the app (the account carries the role's ARN), so both take it from here.
     */
    serviceAccount: (app: string) => app,
    /** The migration Job: the prefix plus 8 hex digits of the image tag's hash. */
    migration: (app: string, suffix: string) => `${app}-migrate-${suffix}`,
};

/** Kubernetes name limits that the suffixed names must respect. */
export const NAME_LIMITS = {
    /** Names used as label values and Service names (DNS-1123 label). */
    label: 63,
    /**
     * CronJob names: the controller appends an 11-character suffix to name each Job, and the
     * Job name must still be a valid label value.
     */
    cronJob: 52,
    /** Length of the hash suffix of the migration Job's name. */
    migrationHash: 8,
} as const;

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
