import { isDeepStrictEqual } from "util";
import type { Plan, PlanResource } from "./plan";

export interface PlanDiff {
    readonly create: readonly PlanResource[];
    readonly update: readonly { before: PlanResource; after: PlanResource; paths: string[] }[];
    readonly delete: readonly PlanResource[];
    readonly same: number;
}

/** Leaf paths (`spec.template.spec.containers[0].image`) where two values differ. */
export function changedPaths(a: unknown, b: unknown, prefix = ""): string[] {
    if (isDeepStrictEqual(a, b)) return [];
    const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
        return a.flatMap((v, i) => changedPaths(v, b[i], `${prefix}[${i}]`));
    }
    if (isObj(a) && isObj(b) && !Array.isArray(a) && !Array.isArray(b)) {
        const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
        return keys.flatMap((k) => changedPaths(a[k], b[k], prefix ? `${prefix}.${k}` : k));
    }
    return [prefix || "."];
}

/** What would change going from one render to the next, resource by resource (by URN). */
export function diffPlans(before: Plan, after: Plan): PlanDiff {
    const old = new Map(before.resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const create: PlanResource[] = [];
    const update: PlanDiff["update"][number][] = [];
    let same = 0;
    for (const r of after.resources) {
        const prev = old.get(r.urn);
        seen.add(r.urn);
        if (!prev) {
            create.push(r);
            continue;
        }
        const paths = changedPaths(prev, r);
        if (paths.length === 0) same++;
        else update.push({ before: prev, after: r, paths });
    }
    return { create, update, delete: before.resources.filter((r) => !seen.has(r.urn)), same };
}
