export { ConfigError, notTextMessage } from "./errors";
export type { ConfigProblem } from "./errors";
export { describeIssue, loadConfig, validateConfig } from "./load";
export { fieldProblems } from "./fieldProblems";
export type { CapstanConfig } from "./load";
export {
    appDataEnvNames,
    appNamespace,
    AUTONAME_SUFFIX,
    awsNames,
    INGRESS_CLASSES,
    INGRESS_NAMESPACE,
    NAME_LIMITS,
    nodeTemplateTagKey,
    scrapeAnnotations,
    SHUTDOWN_TIMEOUT_ENV,
    workloadNames,
} from "./names";
export type { StackName } from "./nameChecks";
export * from "./cidr";
export * from "./quantity";
export * from "./rules";
export * from "./schema";
export { configDocs, doc, type KeyDoc } from "./docs";
export { configReference, type ReferenceKey } from "./reference";
export { crossChecks, secretNamesNeeded } from "./checks";
export { architectureWarning, groupArchitecture, instanceArchitecture } from "./architecture";
export type { Architecture } from "./architecture";
export { PLATFORM_NAMESPACES } from "./crossRefChecks";
export { placementProblems, workloadPlacements } from "./placement";
export type { NodeGroupPlacement, WorkloadPlacement } from "./placement";
export { certificateFirstName, serviceEnvNames, stackHosts } from "./services";
export type { SecretKeys } from "./checks";
