/** The policy pack's cost policies: the estimate in every preview, a warning over budget, a refusal when enforced. */
import { beforeAll, describe, expect, it } from "vitest";
import { costFindings, costPolicyConfig } from "../../policy/rules/cost";
import { estimate } from "../../scripts/cost/estimate";
import type { PlanResource } from "../../scripts/cost/plan";
import { loadPriceTable } from "../../scripts/cost/priceTable";
import { render } from "../harness";

let prod: PlanResource[];
let local: PlanResource[];
let monthly: number;

beforeAll(async () => {
    prod = (await render("prod")).plan.resources as unknown as PlanResource[];
    local = (await render("local")).plan.resources as unknown as PlanResource[];
    monthly = estimate(prod, { region: "eu-central-1", table: loadPriceTable() }).total.monthly;
}, 120_000);

const config = (cost: unknown) => costPolicyConfig("eu-central-1", cost);

describe("the cost policies", () => {
    it("report the estimate of a stack with priced resources, and nothing else under its budget", () => {
        const found = costFindings(prod, config({ monthlyBudget: monthly + 1 }));
        expect(found).toEqual([
            {
                policy: "cost-estimate",
                enforcement: "advisory",
                message: expect.stringContaining(`estimated monthly cost $${monthly.toFixed(2)}`),
            },
        ]);
        expect(found[0].message).toMatch(
            /against a budget of \$[\d.]+; 2 resource\(s\) with unpriced parts, not counted/,
        );
    });

    it("warn when the estimate is over the budget, saying by how much", () => {
        const found = costFindings(prod, config({ monthlyBudget: 1000 }));
        expect(found[1]).toEqual({
            policy: "cost-budget",
            enforcement: "advisory",
            message: expect.stringContaining(
                `is over capstan:cost.monthlyBudget $1000.00 by $${(monthly - 1000).toFixed(2)}; lower the stack's sizes, or raise the budget`,
            ),
        });
    });

    it("refuse it when capstan:cost.enforce is set", () => {
        const found = costFindings(prod, config({ monthlyBudget: 1000, enforce: true }));
        expect(found[1]).toMatchObject({ policy: "cost-budget", enforcement: "mandatory" });
        expect(found[1].message).toContain("and capstan:cost.enforce is set");
    });

    it("price with the stack's usage volumes", () => {
        const more = costFindings(prod, config({ usage: { natGB: 1050 } }))[0].message;
        const nat = loadPriceTable().regions["eu-central-1"]["nat.gb"].usd;
        expect(more).toContain(`estimated monthly cost $${(monthly + 1000 * nat).toFixed(2)}`);
    });

    it("say nothing of a stack with no cloud resource", () => {
        expect(costFindings(local, config({ monthlyBudget: 1 }))).toEqual([]);
    });
});
