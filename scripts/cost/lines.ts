/** One priced resource of an estimate, and how a price row becomes a monthly amount on it. */
import type { CostUsage } from "../../components/config/costSchema";
import type { PriceRow } from "./priceTable";
import type { GroupSizing } from "./nodes";
import type { PlanResource } from "./plan";

export interface CostLine {
    readonly component: string;
    readonly type: string;
    readonly name: string;
    /** The fixed (hourly or monthly) part, USD a month, at the estimate's sizes and at the ceiling's. */
    fixed: number;
    fixedCeiling: number;
    /** The usage part, USD a month, from `capstan:cost.usage`. */
    usage: number;
    /** How each amount was computed: `2 × m7i.large × 730 h × $0.12075`. */
    readonly details: string[];
    /** Parts of the resource that cost money but have no price row: never counted as zero in silence. */
    readonly unpriced: string[];
}

export interface PriceContext {
    readonly region: string;
    readonly hours: number;
    readonly rows: Readonly<Record<string, PriceRow>>;
    readonly usage: CostUsage;
    readonly resources: readonly PlanResource[];
    readonly sizing: ReadonlyMap<string, GroupSizing>;
    /** How many resources of a type the stack has, to share a usage volume among them. */
    readonly count: (type: string) => number;
}

export function newLine(component: string, r: PlanResource): CostLine {
    return { component, type: r.type, name: r.name, fixed: 0, fixedCeiling: 0, usage: 0, details: [], unpriced: [] };
}

const money = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;
const qty = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

/**
 * Adds `quantity` units of a price row to a line: `kind` fixed (with the ceiling's quantity, when
 * it differs) or usage. A row the region lacks is recorded as unpriced, with what it would price.
 */
export function charge(
    ctx: PriceContext,
    line: CostLine,
    key: string,
    what: string,
    kind: "fixed" | "usage",
    quantity: number,
    ceilingQuantity = quantity,
): void {
    const row = ctx.rows[key];
    if (!row) {
        line.unpriced.push(`${what}: no price ${key} for ${ctx.region}`);
        return;
    }
    const amount = quantity * row.usd;
    if (kind === "usage") line.usage += amount;
    else {
        line.fixed += amount;
        line.fixedCeiling += ceilingQuantity * row.usd;
    }
    const ceiling =
        ceilingQuantity !== quantity ? ` (ceiling ${qty(ceilingQuantity)}: ${money(ceilingQuantity * row.usd)})` : "";
    line.details.push(`${what}: ${qty(quantity)} × ${money(row.usd)}/${row.per} = ${money(amount)}${ceiling}`);
}
