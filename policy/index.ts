/**
 * The Capstan policy pack: the platform's invariants, mandatory on every preview and update.
 *
 *   pulumi preview --policy-pack policy
 *
 * The rules are plain functions in ./rules, shared with the test suite.
 */
// The package index re-exports internal names its published typings lack; import the module itself.
import { PolicyPack, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy/policy";
import { checkResource, resourceRules, stackRules } from "./rules";

const resourcePolicies: ResourceValidationPolicy[] = resourceRules.map((rule) => ({
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        for (const message of checkResource(rule, { type: args.type, props: args.props, urn: args.urn, name: args.name })) reportViolation(message);
    },
}));

const stackPolicies: StackValidationPolicy[] = stackRules.map((rule) => ({
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const resources = args.resources.map((r) => ({ type: r.type, props: r.props, urn: r.urn, name: r.name }));
        for (const v of rule.check(resources)) reportViolation(v.message, v.urn);
    },
}));

new PolicyPack("capstan", {
    enforcementLevel: "mandatory",
    policies: [...resourcePolicies, ...stackPolicies],
});
