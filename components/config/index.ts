export { ConfigError, notTextMessage } from "./errors";
export type { ConfigProblem } from "./errors";
export { describeIssue, loadConfig, validateConfig } from "./load";
export type { CapstanConfig } from "./load";
export { appDataEnvNames, NAME_LIMITS, workloadNames } from "./names";
export * from "./rules";
export * from "./schema";
export { crossChecks } from "./checks";
export type { SecretKeys } from "./checks";
