import type { z } from "zod";
import { configPath } from "./errors";

/**
 * A key that failed its schema, read as far as it can be, so that the cross-field checks still run
 * over the rest of it: a bad value is left out (its default stands in for it); when it is required,
 * its parent is left out instead, up to a map with a default or a list entry.
 */
export interface Salvaged {
    readonly data: unknown;
    /**
     * The problem at a path of the salvaged data, as a path of the stack file (list indexes as
     * written), or undefined for a problem about a value the salvage replaced or left out, which
     * would only repeat the schema's own problem with a stand-in value, or about the map or list
     * that holds one.
     */
    readonly mapPath: (path: string) => string | undefined;
    /** Whether list entries were left out: checks over a whole list would see too few. */
    readonly leftOut: boolean;
}

type Seg = string | number;
const HOLE = Symbol("left out");

function isMissing(issue: z.core.$ZodIssue): boolean {
    return issue.code === "invalid_type" && (issue as { input?: unknown }).input === undefined;
}

function parentOf(root: unknown, path: readonly Seg[]): Record<string | number, unknown> | undefined {
    let node = root;
    for (const seg of path.slice(0, -1)) {
        if (typeof node !== "object" || node === null) return undefined;
        node = (node as Record<string | number, unknown>)[seg];
    }
    return typeof node === "object" && node !== null ? (node as Record<string | number, unknown>) : undefined;
}

/** The value without its left-out list entries, and for each list, its entries' original indexes. */
function compact(value: unknown, path: readonly Seg[], indexes: Map<string, number[]>): unknown {
    if (Array.isArray(value)) {
        const kept: number[] = [];
        const out: unknown[] = [];
        value.forEach((v, i) => {
            if (v === HOLE) return;
            out.push(compact(v, [...path, out.length], indexes));
            kept.push(i);
        });
        indexes.set(configPath(path), kept);
        return out;
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compact(v, [...path, k], indexes)]));
    }
    return value;
}

/** A path of the compacted value as a path of the original one. */
function toOriginal(path: readonly Seg[], indexes: Map<string, number[]>): Seg[] {
    const out: Seg[] = [];
    path.forEach((seg, i) => {
        const kept = typeof seg === "number" ? indexes.get(configPath(path.slice(0, i))) : undefined;
        out.push(kept ? (kept[seg as number] ?? seg) : seg);
    });
    return out;
}

/**
 * Reads `raw` (the value of root key `key`) with `schema` as far as it goes, given the issues of a
 * failed parse. Undefined when a required value cannot be read (the key's checks are then skipped).
 */
export function salvage(
    key: string,
    schema: z.ZodType,
    raw: unknown,
    issues: readonly z.core.$ZodIssue[],
): Salvaged | undefined {
    const work: unknown = structuredClone(raw);
    const replaced: string[] = [];
    let indexes = new Map<string, number[]>();
    let current = issues;
    for (let round = 0; round < 20; round++) {
        for (const issue of current) {
            const at = toOriginal([key, ...issue.path] as Seg[], indexes).slice(1);
            const targets = issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...at, k]) : [at];
            for (const target of targets) {
                const done = replaced.includes(configPath([key, ...target]));
                // A required value that is missing, or still wrong, takes its parent with it: a
                // map with a default, or a list entry, is the nearest thing that can be left out.
                const spot = isMissing(issue) || done ? target.slice(0, -1) : target;
                const parent = parentOf(work, spot);
                if (!parent || spot.length === 0) return undefined;
                const last = spot[spot.length - 1];
                if (Array.isArray(parent)) parent[last as number] = HOLE;
                else delete parent[last];
                replaced.push(configPath([key, ...spot]));
            }
        }
        indexes = new Map();
        const value = compact(work, [key], indexes);
        const parsed = schema.safeParse(value, { reportInput: true });
        const finalIndexes = indexes;
        if (parsed.success) {
            const mapPath = (p: string) => {
                let compacted = "";
                let original = "";
                for (const piece of p.split(/(\[\d+\])/)) {
                    const index = /^\[(\d+)\]$/.exec(piece);
                    const kept = index ? finalIndexes.get(compacted) : undefined;
                    compacted += piece;
                    original += index && kept ? `[${kept[Number(index[1])]}]` : piece;
                }
                const about = (r: string) =>
                    original === r ||
                    [".", "["].some((c) => original.startsWith(`${r}${c}`) || r.startsWith(`${original}${c}`));
                return replaced.some(about) ? undefined : original;
            };
            return { data: parsed.data, mapPath, leftOut: replaced.some((r) => r.endsWith("]")) };
        }
        current = parsed.error.issues;
    }
    return undefined;
}
