/**
 * Every rule of the Capstan policy pack, and a runner that applies them to a list of resources
 * the way CrossGuard does (each resource rule to each resource of its types, each stack rule once).
 */
import { awsResourceRules } from "./aws";
import { cdnOriginLocked, cdnResourceRules } from "./cdn";
import { dataResourceRules } from "./data";
import { hpaOwnsReplicas } from "./hpa";
import { kubernetesResourceRules } from "./kubernetes";
import { productionShipsLogs } from "./observability";
import type { PolicyInput, ResourceRule, StackRule } from "./types";

export type { PolicyInput, ResourceRule, StackRule, StackViolation } from "./types";

export const resourceRules: readonly ResourceRule[] = [
    ...kubernetesResourceRules,
    ...awsResourceRules,
    ...dataResourceRules,
    ...cdnResourceRules,
];
export const stackRules: readonly StackRule[] = [hpaOwnsReplicas, productionShipsLogs, cdnOriginLocked];

export interface Finding {
    readonly policy: string;
    readonly urn?: string;
    readonly type?: string;
    readonly message: string;
}

/** Runs one resource rule on one resource; a type the rule does not look at always complies. */
export function checkResource(rule: ResourceRule, r: PolicyInput): string[] {
    return rule.types.includes(r.type) ? rule.check(r.type, r.props) : [];
}

/** Every finding of every rule over the given resources. */
export function runPolicies(resources: readonly PolicyInput[]): Finding[] {
    const findings: Finding[] = [];
    for (const rule of resourceRules) {
        for (const r of resources) {
            for (const message of checkResource(rule, r))
                findings.push({ policy: rule.name, urn: r.urn, type: r.type, message });
        }
    }
    for (const rule of stackRules) {
        for (const v of rule.check(resources)) findings.push({ policy: rule.name, urn: v.urn, message: v.message });
    }
    return findings;
}
