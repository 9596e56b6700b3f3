/**
 * The price table (prices.yaml beside this file): on-demand prices by region, each row with its
 * source and the date it was read, and the types AWS does not charge for.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export interface PriceRow {
    readonly usd: number;
    /** The unit the price is for: `instance-hour`, `GB-month`, `million requests`. */
    readonly per: string;
    /** The page the figure comes from. */
    readonly source: string;
    /** The date the figure was read there, or why it was not read again. */
    readonly read: string;
}

export interface PriceTable {
    readonly hoursPerMonth: number;
    /** Types AWS does not charge for, each with the reason. */
    readonly free: Readonly<Record<string, string>>;
    readonly regions: Readonly<Record<string, Readonly<Record<string, PriceRow>>>>;
}

export const PRICE_FILE = path.join(__dirname, "prices.yaml");

/** A region the table has no prices for. */
export class RegionError extends Error {}

/** Reads and checks the table: every row has a positive price, a unit, a source and a read date or reason. */
export function loadPriceTable(file = PRICE_FILE): PriceTable {
    const table = parse(fs.readFileSync(file, "utf8")) as PriceTable;
    const problems: string[] = [];
    for (const [region, rows] of Object.entries(table.regions ?? {}))
        for (const [key, row] of Object.entries(rows)) {
            if (!(typeof row.usd === "number" && row.usd >= 0)) problems.push(`${region} ${key}: usd must be a number`);
            for (const field of ["per", "source", "read"] as const)
                if (typeof row[field] !== "string" || row[field].length === 0)
                    problems.push(`${region} ${key}: ${field} is missing`);
        }
    if (problems.length > 0) throw new Error(`${file}: ${problems.join("; ")}`);
    return table;
}

/** The rows of one region; a region without prices is refused, naming the regions that have them. */
export function regionPrices(table: PriceTable, region: string): Readonly<Record<string, PriceRow>> {
    const rows = table.regions[region];
    if (!rows)
        throw new RegionError(
            `region ${region} has no prices in scripts/cost/prices.yaml; priced regions: ${Object.keys(table.regions).join(", ")} (docs/cost.md says how to add one)`,
        );
    return rows;
}
