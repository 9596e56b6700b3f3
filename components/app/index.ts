export { AppEnv, type AppEnvArgs } from "./env";
export { Canary, type CanaryArgs } from "./canary";
export { CronTask, type CronTaskArgs } from "./cron";
export { Migration, migrationJobName, type MigrationArgs } from "./migration";
export { AppNamespace, type AppNamespaceArgs } from "./namespace";
export { RailsApp, type RailsAppArgs } from "./railsApp";
export { FORWARDED_HEADERS, UPSTREAMS, virtualServerSpec, type CanaryRoute, type WebRoutesArgs } from "./routes";
export { WebService, type WebServiceArgs } from "./web";
export { WorkerPool, type WorkerPoolArgs } from "./worker";
