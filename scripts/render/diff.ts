import { isDeepStrictEqual } from "util";
import type { Plan, PlanResource } from "./plan";

export interface Change {
    readonly before: PlanResource;
    readonly after: PlanResource;
    readonly paths: string[];
}

export interface PlanDiff {
    readonly create: readonly PlanResource[];
    readonly update: readonly Change[];
    /** Changes the provider makes by creating a new object and deleting the old one. */
    readonly replace: readonly Change[];
    readonly delete: readonly PlanResource[];
    readonly same: number;
}

/**
 * Input paths whose change the Kubernetes provider makes as a replacement: an object's name or
 * namespace; a Job's pod template and selector, which the API server keeps immutable; and the
 * data of a ConfigMap or Secret, which the provider never changes in place (a new object rolls its
 * readers). The migration Job, whose name follows the image tag, is replaced on every deploy.
 */
const REPLACING_PATHS: readonly [RegExp, RegExp][] = [
    [/^kubernetes:/, /^inputs\.metadata\.(name|namespace)$/],
    [/^kubernetes:batch\/v1:Job$/, /^inputs\.spec\.(template|selector)(\.|\[|$)/],
    [/^kubernetes:core\/v1:(ConfigMap|Secret)$/, /^inputs\.(data|binaryData|stringData|type|immutable)(\.|\[|$)/],
];

/** Whether changing `path` of a resource of `type` replaces it. */
export function replaces(type: string, path: string): boolean {
    return REPLACING_PATHS.some(([t, p]) => t.test(type) && p.test(path));
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

/** What would change going from one render to the next, resource by resource (by URN): create, update, replace or delete. */
export function diffPlans(before: Plan, after: Plan): PlanDiff {
    const old = new Map(before.resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const create: PlanResource[] = [];
    const update: Change[] = [];
    const replace: Change[] = [];
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
        else (paths.some((p) => replaces(r.type, p)) ? replace : update).push({ before: prev, after: r, paths });
    }
    return { create, update, replace, delete: before.resources.filter((r) => !seen.has(r.urn)), same };
}
