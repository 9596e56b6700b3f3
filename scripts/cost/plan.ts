/** The render's resources as the estimate reads them: plan.json, or the resources CrossGuard hands a policy. */
import * as fs from "fs";

export interface PlanResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent?: string;
    readonly inputs: Readonly<Record<string, unknown>>;
}

/** The value at a path of object keys and list indexes; undefined as soon as a step is missing. */
export function field(v: unknown, ...path: readonly (string | number)[]): unknown {
    let here = v;
    for (const step of path) {
        if (typeof here !== "object" || here === null) return undefined;
        here = (here as Record<string | number, unknown>)[step];
    }
    return here;
}

export const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);

export interface Plan {
    readonly stack: string;
    readonly resources: readonly PlanResource[];
}

/** A plan.json that is missing or unreadable. */
export class PlanError extends Error {}

export function readPlan(file: string): Plan {
    if (!fs.existsSync(file))
        throw new PlanError(`${file} does not exist; render the stack first (capstan render <stack>)`);
    const plan = JSON.parse(fs.readFileSync(file, "utf8")) as Plan;
    if (!Array.isArray(plan.resources)) throw new PlanError(`${file} is not a render's plan.json (no resources)`);
    return plan;
}

/** The part of the platform a resource belongs to, from the first component above it that names one. */
const COMPONENTS: Readonly<Record<string, string>> = {
    "capstan:aws:Network": "network",
    "capstan:aws:Cluster": "cluster",
    "capstan:aws:ClusterSecurityGroups": "cluster",
    "capstan:aws:NodeDrainEvents": "node groups",
    "capstan:aws:NodeGroup": "node groups",
    "capstan:aws:EdgeLoadBalancer": "edge",
    "capstan:aws:Database": "database",
    "capstan:aws:Cache": "cache",
    "capstan:aws:AppData": "bucket and queues",
    "capstan:aws:LogGroups": "observability",
    "capstan:platform:LogShipping": "observability",
    "capstan:platform:Metrics": "observability",
    "capstan:platform:AlertRouting": "observability",
    "capstan:aws:HostRecords": "dns",
    "capstan:aws:HostCertificate": "dns",
    "capstan:aws:Cdn": "cdn",
    "capstan:aws:AssetsBucket": "cdn",
};

export function componentOf(r: PlanResource, byUrn: ReadonlyMap<string, PlanResource>): string {
    for (let at = r.parent ? byUrn.get(r.parent) : undefined; at; at = at.parent ? byUrn.get(at.parent) : undefined)
        if (COMPONENTS[at.type]) return COMPONENTS[at.type];
    return "other";
}

/** The top-level components a tenant stack has of its own: its app's data, database, cache, DNS, logs and CDN. */
export const TENANT_COMPONENTS: readonly string[] = [
    "capstan:aws:Cdn",
    "capstan:aws:AssetsBucket",
    "capstan:aws:AppData",
    "capstan:aws:Database",
    "capstan:aws:Cache",
    "capstan:aws:HostRecords",
    "capstan:aws:HostCertificate",
    "capstan:aws:LogGroups",
];

/** The resources under a top-level component of the given types (a component with no parent in the plan). */
export function underTopLevel(resources: readonly PlanResource[], types: readonly string[]): PlanResource[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const roots = new Set(
        resources.filter((r) => types.includes(r.type) && !(r.parent && byUrn.has(r.parent))).map((r) => r.urn),
    );
    const inside = (r: PlanResource): boolean => {
        for (let at: PlanResource | undefined = r; at; at = at.parent ? byUrn.get(at.parent) : undefined)
            if (roots.has(at.urn)) return true;
        return false;
    };
    return resources.filter(inside);
}

/** Whether a component of the given type is above the resource. */
export function isUnder(r: PlanResource, byUrn: ReadonlyMap<string, PlanResource>, type: string): boolean {
    for (let at = r.parent ? byUrn.get(r.parent) : undefined; at; at = at.parent ? byUrn.get(at.parent) : undefined)
        if (at.type === type) return true;
    return false;
}
