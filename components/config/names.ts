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
