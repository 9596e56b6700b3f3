export { namespaceLabels, POD_SECURITY_LEVEL, quotaHard, Tenant } from "./tenant";
export type { TenantArgs } from "./tenant";
export { tenantNetworkPolicies } from "./networkPolicies";
export type { EgressRule, PolicySpec } from "./networkPolicies";
