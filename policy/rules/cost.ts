/**
 * The stack's monthly cost in every preview, and its budget (`capstan:cost.monthlyBudget`): the
 * estimate is reported whenever the stack has priced resources, a stack over its budget is warned
 * about, and refused when `capstan:cost.enforce` is set. The estimate is `capstan cost`'s own.
 */
import { COST_DEFAULTS, costSchema, type CostConfig } from "../../components/config/costSchema";
import { estimate } from "../../scripts/cost/estimate";
import type { PlanResource } from "../../scripts/cost/plan";
import { loadPriceTable } from "../../scripts/cost/priceTable";

export interface CostPolicyConfig {
    readonly region: string;
    readonly cost: CostConfig;
}

export interface CostFinding {
    readonly policy: (typeof COST_POLICIES)[number];
    readonly enforcement: "advisory" | "mandatory";
    readonly message: string;
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/** The names of the cost policies, in the order the pack declares them. */
export const COST_POLICIES = ["cost-estimate", "cost-budget"] as const;

/** `capstan:cost` as the stack file gives it (or nothing), read with the config's own schema. */
export function costPolicyConfig(region: string | undefined, raw: unknown): CostPolicyConfig {
    const parsed = costSchema.safeParse(raw ?? {});
    return { region: region ?? "us-east-1", cost: parsed.success ? parsed.data : costSchema.parse(COST_DEFAULTS) };
}

/** What the cost policies report for the stack's resources (inputs, with their parents). */
export function costFindings(resources: readonly PlanResource[], config: CostPolicyConfig): CostFinding[] {
    const e = estimate(resources, { region: config.region, table: loadPriceTable(), usage: config.cost.usage });
    if (e.lines.length === 0 && e.unpricedTypes.length === 0) return [];
    const unpriced = e.lines.filter((l) => l.unpriced.length > 0).length + e.unpricedTypes.length;
    const budget = config.cost.monthlyBudget;
    const findings: CostFinding[] = [
        {
            policy: "cost-estimate",
            enforcement: "advisory",
            message: `estimated monthly cost ${usd(e.total.monthly)} (fixed ${usd(e.total.fixed)}, usage ${usd(e.total.usage)}; ceiling ${usd(e.total.ceiling)})${budget === undefined ? "" : ` against a budget of ${usd(budget)}`}${unpriced > 0 ? `; ${unpriced} resource(s) with unpriced parts, not counted` : ""}; capstan cost <stack> gives every line`,
        },
    ];
    if (budget !== undefined && e.total.monthly > budget)
        findings.push({
            policy: "cost-budget",
            enforcement: config.cost.enforce ? "mandatory" : "advisory",
            message: `the estimated monthly cost ${usd(e.total.monthly)} is over capstan:cost.monthlyBudget ${usd(budget)} by ${usd(e.total.monthly - budget)}${config.cost.enforce ? " and capstan:cost.enforce is set" : ""}; lower the stack's sizes, or raise the budget`,
        });
    return findings;
}
