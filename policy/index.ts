/**
 * The Capstan policy pack: the platform's invariants, mandatory on every preview and update.
 *
 *   pulumi preview --policy-pack policy
 *
 * The rules are plain functions in ./rules, shared with the test suite.
 */
// The package index re-exports internal names its published typings lack; import the module itself.
import { PolicyPack, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy/policy";
import * as pulumi from "@pulumi/pulumi";
import { checkResource, resourceRules, stackRules, type StackRule } from "./rules";
import { COST_POLICIES, costFindings, costPolicyConfig } from "./rules/cost";
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

/**
 * The monthly estimate and the budget (rules/cost.ts), from the stack's own `capstan:cost` and
 * `aws:region`, which the engine hands the pack with the stack's config. `cost-estimate` is
 * advisory: it reports. `cost-budget` is mandatory when `capstan:cost.enforce` is set.
 */
function costPolicies(): (ResourceValidationPolicy & StackValidationPolicy)[] {
    const config = costPolicyConfig(
        new pulumi.Config("aws").get("region"),
        new pulumi.Config("capstan").getObject("cost"),
    );
    const inputs = new Map<string, Obj>();
    return COST_POLICIES.map((name) => ({
        name,
        description:
            name === "cost-estimate"
                ? "Reports the stack's estimated monthly cost (capstan cost) in every preview."
                : "Warns when the estimated monthly cost is over capstan:cost.monthlyBudget; refuses with capstan:cost.enforce.",
        enforcementLevel: name === "cost-budget" && config.cost.enforce ? "mandatory" : "advisory",
        validateResource: (args) => {
            inputs.set(args.urn, args.props);
        },
        validateStack: (args, reportViolation) => {
            const resources = args.resources.map((r) => ({
                urn: r.urn,
                type: r.type,
                name: r.name,
                parent: r.parent?.urn,
                inputs: inputs.get(r.urn) ?? r.props,
            }));
            for (const f of costFindings(resources, config)) if (f.policy === name) reportViolation(f.message);
        },
    }));
}

new PolicyPack("capstan", {
    enforcementLevel: "mandatory",
    policies: [...resourcePolicies, ...stackPolicies, ...costPolicies()],
});
