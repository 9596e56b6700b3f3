import type { ConfigProblem } from "./errors";
import type { RootConfig } from "./schema";

/** A budget that is enforced needs an amount: `enforce` alone would hold the stack to nothing. */
export function costChecks(cfg: RootConfig): ConfigProblem[] {
    if (cfg.cost.enforce && cfg.cost.monthlyBudget === undefined)
        return [
            {
                path: "capstan:cost.enforce",
                message:
                    "true without cost.monthlyBudget holds the estimate to no amount; set cost.monthlyBudget (USD a month, e.g. 2500), or remove enforce",
            },
        ];
    return [];
}
