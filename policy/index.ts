/**
 * The Capstan policy pack: the platform's invariants, mandatory on every preview and update.
 *
 *   pulumi preview --policy-pack policy
 *
 * The rules are plain functions in ./rules, shared with the test suite.
 */
// The package index re-exports internal names its published typings lack; import the module itself.
import { PolicyPack, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy/policy";
import { checkResource, resourceRules, stackRules, type StackRule } from "./rules";
import type { Obj } from "./rules/types";

const resourcePolicies: ResourceValidationPolicy[] = resourceRules.map((rule) => ({
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        for (const message of checkResource(rule, {
            type: args.type,
            props: args.props,
            urn: args.urn,
            name: args.name,
        }))
            reportViolation(message);
    },
}));

/**
 * A stack rule judges what the program declares, but CrossGuard hands stack validations the
 * resources' outputs: a live Deployment's outputs carry the `spec.replicas` the API server filled
 * in, which the program never set. So each stack policy also validates every resource, only to
 * record its inputs (the engine analyzes every resource it registers, changed or not, in this one
 * process), and its stack validation runs the rule on those inputs.
 */
function stackPolicy(rule: StackRule): ResourceValidationPolicy & StackValidationPolicy {
    const inputs = new Map<string, Obj>();
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: "mandatory",
        validateResource: (args) => {
            inputs.set(args.urn, args.props);
        },
        validateStack: (args, reportViolation) => {
            const resources = args.resources.map((r) => ({
                type: r.type,
                props: inputs.get(r.urn) ?? r.props,
                urn: r.urn,
                name: r.name,
            }));
            for (const v of rule.check(resources)) reportViolation(v.message, v.urn);
        },
    };
}

const stackPolicies = stackRules.map(stackPolicy);

new PolicyPack("capstan", {
    enforcementLevel: "mandatory",
    policies: [...resourcePolicies, ...stackPolicies],
});
