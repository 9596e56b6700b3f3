/**
 * The monthly estimate of a render: every AWS resource priced from the price table, grouped by the
 * part of the platform it belongs to, with the fixed and usage parts apart. Runs on plan.json's
 * resources and on what CrossGuard hands the policy pack alike.
 */
import { USAGE_DEFAULTS, type CostUsage } from "../../components/config/costSchema";
import { newLine, type CostLine, type PriceContext } from "./lines";
import { nodeGroupShape, sizeGroups, type GroupSizing } from "./nodes";
import { componentOf, type PlanResource } from "./plan";
import { daemonDemand, podDemands } from "./pods";
import { PRICERS } from "./pricers";
import { regionPrices, type PriceTable } from "./priceTable";

export interface Estimate {
    readonly region: string;
    readonly usage: CostUsage;
    readonly lines: readonly CostLine[];
    /** Resources of a type the table neither prices nor marks free. */
    readonly unpricedTypes: readonly { type: string; name: string }[];
    readonly sizing: readonly GroupSizing[];
    readonly total: {
        readonly fixed: number;
        readonly usage: number;
        readonly monthly: number;
        readonly ceiling: number;
    };
}

export interface EstimateOptions {
    readonly region: string;
    readonly table: PriceTable;
    readonly usage?: CostUsage;
}

/** Whether a type is one the estimate must account for: AWS's, or another provider's cloud resource. */
export function isCloudType(type: string): boolean {
    return !/^(kubernetes|pulumi|capstan):/.test(type);
}

export function estimate(resources: readonly PlanResource[], options: EstimateOptions): Estimate {
    const rows = regionPrices(options.table, options.region);
    const usage = options.usage ?? USAGE_DEFAULTS;
    const groups = resources
        .filter((r) => r.type === "aws:autoscaling/group:Group")
        .map((r) => nodeGroupShape(r, resources));
    const sizing = sizeGroups(groups, podDemands(resources), daemonDemand(resources));
    const ctx: PriceContext = {
        region: options.region,
        hours: options.table.hoursPerMonth,
        rows,
        usage,
        resources,
        sizing: new Map(sizing.map((s) => [s.group.name, s])),
        count: (type) => resources.filter((r) => r.type === type).length,
    };
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const lines: CostLine[] = [];
    const unpricedTypes: { type: string; name: string }[] = [];
    for (const r of resources) {
        if (!isCloudType(r.type) || options.table.free[r.type]) continue;
        const pricer = PRICERS[r.type];
        if (!pricer) {
            unpricedTypes.push({ type: r.type, name: r.name });
            continue;
        }
        const line = newLine(componentOf(r, byUrn), r);
        pricer(ctx, r, line);
        lines.push(line);
    }
    const sum = (f: (l: CostLine) => number) => lines.reduce((a, l) => a + f(l), 0);
    const fixed = sum((l) => l.fixed);
    const variable = sum((l) => l.usage);
    return {
        region: options.region,
        usage,
        lines,
        unpricedTypes,
        sizing,
        total: { fixed, usage: variable, monthly: fixed + variable, ceiling: sum((l) => l.fixedCeiling) + variable },
    };
}
