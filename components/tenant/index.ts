export { namespaceLabels, quotaHard, Tenant } from "./tenant";
export type { TenantArgs } from "./tenant";
export { tenantNetworkPolicies } from "./networkPolicies";
export type { EgressRule, PolicySpec } from "../core/networkPolicies";
