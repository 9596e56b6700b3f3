import type * as aws from "@pulumi/aws";

export type RuleMode = "count" | "block";

export interface WebAclInput {
    /** The web ACL's name, unique in the account's CloudFront scope. */
    readonly name: string;
    /** AWS managed rule groups and the mode of each. */
    readonly ruleGroups: Readonly<Record<string, RuleMode>>;
    readonly rateLimit: { readonly requestsPer5Minutes: number; readonly mode: RuleMode };
    readonly tags: Record<string, string>;
}

const visibility = (metricName: string) => ({
    cloudwatchMetricsEnabled: true,
    sampledRequestsEnabled: true,
    metricName,
});

/**
 * The web ACL of the distribution (scope CLOUDFRONT, so it lives in us-east-1): every request is
 * allowed unless a rule blocks it. Each managed group either blocks what it matches or only counts
 * it (its rules' own actions overridden to count); the rate rule acts per client IP over 5 minutes.
 */
export function webAclArgs(w: WebAclInput): aws.wafv2.WebAclArgs {
    const groups = Object.entries(w.ruleGroups).sort(([a], [b]) => a.localeCompare(b));
    return {
        name: w.name,
        scope: "CLOUDFRONT",
        defaultAction: { allow: {} },
        rules: [
            {
                name: "rate-per-client-ip",
                priority: 0,
                action: w.rateLimit.mode === "block" ? { block: {} } : { count: {} },
                statement: {
                    rateBasedStatement: {
                        limit: w.rateLimit.requestsPer5Minutes,
                        aggregateKeyType: "IP",
                        evaluationWindowSec: 300,
                    },
                },
                visibilityConfig: visibility(`${w.name}-rate`),
            },
            ...groups.map(([group, mode], i) => ({
                name: group,
                priority: i + 1,
                overrideAction: mode === "count" ? { count: {} } : { none: {} },
                statement: { managedRuleGroupStatement: { vendorName: "AWS", name: group } },
                visibilityConfig: visibility(`${w.name}-${group}`),
            })),
        ],
        visibilityConfig: visibility(w.name),
        tags: w.tags,
    };
}
