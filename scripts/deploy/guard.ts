/**
 * The deploy guard: a deploy changes the image tag of the app's workloads and runs a new
 * migration Job, and nothing else. Anything more in the preview (a changed HPA, a new security
 * group, a replaced node group) stops the deploy unless --allow-infra-changes is given.
 */
import { isDeepStrictEqual } from "util";
import { urnName, type PreviewStep } from "./types";

/** Workloads whose pod templates carry the app image. */
export const WORKLOAD_TYPES = ["kubernetes:apps/v1:Deployment", "kubernetes:batch/v1:CronJob"];
/** The migration Job: its name changes with the image tag, so a deploy creates a new one. So does the assets Job's. */
export const MIGRATION_TYPE = "kubernetes:batch/v1:Job";

/** Whether a Job's URN is an assets Job's (components/app/assetsJob.ts), not a migration's. */
export function isAssetsJob(urn: string): boolean {
    return /\$capstan:app:AssetsJob\$kubernetes:batch\/v1:Job::[^:]+$/.test(urn);
}
/** Steps that change nothing. */
const NO_CHANGE = ["same", "read", "refresh"];
/** What the engine does to a Job whose name changed: a new one in, the old one out. */
const MIGRATION_OPS = ["create", "delete", "replace", "create-replacement", "delete-replaced"];

const IMAGE_PATH = /^spec\.(jobTemplate\.spec\.)?template\.spec\.(containers|initContainers)\[\d+\]\.image$/;

export interface ImageChange {
    readonly path: string;
    readonly from?: unknown;
    readonly to?: unknown;
}

export interface RollingWorkload {
    readonly step: PreviewStep;
    readonly name: string;
    readonly changes: readonly ImageChange[];
}

export interface OtherChange {
    readonly step: PreviewStep;
    readonly name: string;
    /** The paths that changed, when known. */
    readonly paths: readonly string[];
}

export interface GuardReport {
    readonly rolls: readonly RollingWorkload[];
    readonly migrations: readonly PreviewStep[];
    readonly others: readonly OtherChange[];
    readonly unchanged: number;
}

/** Every leaf where two input trees differ, with both values (keys may contain dots, so paths are not re-parsed). */
export function changedLeaves(a: unknown, b: unknown, prefix = ""): ImageChange[] {
    if (isDeepStrictEqual(a, b)) return [];
    const isObj = (v: unknown): v is Record<string, unknown> =>
        typeof v === "object" && v !== null && !Array.isArray(v);
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length)
        return a.flatMap((v, i) => changedLeaves(v, b[i], `${prefix}[${i}]`));
    if (isObj(a) && isObj(b)) {
        const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
        return keys.flatMap((k) => changedLeaves(a[k], b[k], prefix ? `${prefix}.${k}` : k));
    }
    return [{ path: prefix || ".", from: a, to: b }];
}

/**
 * Whether a changed value is only the new image tag: an image field, or any string in which the
 * old tag became the new one (a version label, say).
 */
function isTagChange(path: string, from: unknown, to: unknown, fromTag: string | undefined, toTag: string): boolean {
    if (typeof from === "string" && typeof to === "string" && fromTag && from.split(fromTag).join(toTag) === to)
        return true;
    if (!IMAGE_PATH.test(path)) return false;
    if (typeof from !== "string" || typeof to !== "string") return from === undefined && to === undefined; // path known, values not reported
    return to.endsWith(`:${toTag}`) && from.slice(0, from.lastIndexOf(":")) === to.slice(0, to.lastIndexOf(":"));
}

/**
 * The segments of a Pulumi property path: `spec.containers[0].image` or
 * `metadata.labels["app.kubernetes.io/version"]`.
 */
export function pathSegments(path: string): (string | number)[] {
    const segments: (string | number)[] = [];
    const re = /\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?([^.[\]]+)/g;
    for (let m = re.exec(path); m; m = re.exec(path)) {
        if (m[1] !== undefined) segments.push(Number(m[1]));
        else if (m[2] !== undefined) segments.push(JSON.parse(`"${m[2]}"`) as string);
        else segments.push(m[3]);
    }
    return segments;
}

/** The value at a property path, or undefined. */
export function valueAt(tree: unknown, path: string): unknown {
    let v = tree;
    for (const segment of pathSegments(path)) {
        if (typeof v !== "object" || v === null) return undefined;
        v = (v as Record<string | number, unknown>)[segment];
    }
    return v;
}

/**
 * What a step changes. The provider's diff is the judge: the paths it reports, each with its old
 * and new input value. Only when the engine reports no diff at all are the inputs compared.
 */
function changesOf(step: PreviewStep): ImageChange[] {
    if (step.diffKeys)
        return step.diffKeys.map((path) => ({
            path,
            from: valueAt(step.oldInputs, path),
            to: valueAt(step.newInputs, path),
        }));
    if (step.oldInputs && step.newInputs) return changedLeaves(step.oldInputs, step.newInputs);
    return [];
}

/** Sorts every step of a deploy preview into workloads that roll, migrations, and anything else. */
export function checkDeployPreview(
    steps: readonly PreviewStep[],
    fromTag: string | undefined,
    toTag: string,
): GuardReport {
    const rolls: RollingWorkload[] = [];
    const migrations: PreviewStep[] = [];
    const others: OtherChange[] = [];
    let unchanged = 0;
    for (const step of steps) {
        const name = urnName(step.urn);
        if (NO_CHANGE.includes(step.op) || step.type === "pulumi:pulumi:Stack") {
            unchanged++;
            continue;
        }
        if (step.type === MIGRATION_TYPE && MIGRATION_OPS.includes(step.op)) {
            migrations.push(step);
            continue;
        }
        const changes = changesOf(step);
        // An update in which no property changes (the provider re-applies what is there) changes nothing.
        if (step.op === "update" && changes.length === 0) {
            unchanged++;
            continue;
        }
        if (step.op === "update" && WORKLOAD_TYPES.includes(step.type)) {
            if (changes.every((c) => isTagChange(c.path, c.from, c.to, fromTag, toTag))) {
                rolls.push({ step, name, changes: changes.filter((c) => IMAGE_PATH.test(c.path)) });
                continue;
            }
            others.push({
                step,
                name,
                paths: changes.filter((c) => !isTagChange(c.path, c.from, c.to, fromTag, toTag)).map((c) => c.path),
            });
            continue;
        }
        others.push({ step, name, paths: changes.map((c) => c.path) });
    }
    return { rolls, migrations, others, unchanged };
}

/** The guard's refusal: one line per resource that would change beyond the image tag. */
export function describeOtherChanges(others: readonly OtherChange[]): string {
    return others
        .map(
            (o) =>
                `  ${o.step.op.padEnd(8)} ${o.step.type} ${o.name}${o.paths.length ? `: ${o.paths.slice(0, 5).join(", ")}${o.paths.length > 5 ? `, and ${o.paths.length - 5} more` : ""}` : ""}`,
        )
        .join("\n");
}

/** What the preview would do, counted by operation: "2 to update, 1 to create, 1 to delete, 40 unchanged". */
export function changeSummary(steps: readonly PreviewStep[]): string {
    const counts = new Map<string, number>();
    let unchanged = 0;
    for (const s of steps) {
        if (NO_CHANGE.includes(s.op) || (s.op === "update" && changesOf(s).length === 0)) unchanged++;
        else counts.set(s.op, (counts.get(s.op) ?? 0) + 1);
    }
    const parts = [...counts.entries()].map(([op, n]) => `${n} to ${op}`);
    parts.push(`${unchanged} unchanged`);
    return parts.join(", ");
}

/** The VirtualServers, whose routes a blue/green switch moves. */
export const VIRTUAL_SERVER_TYPE = "kubernetes:k8s.nginx.org/v1:VirtualServer";
/** A VirtualServer's routes: the only inputs a switch may change. */
const ROUTES_PATH = /^spec\.routes\b/;

/**
 * The guard of a blue/green switch (and of the switch back): an update of VirtualServers' routes
 * and nothing else. Returns every other change, with its paths; none means the switch may go on.
 */
export function checkRouteSwitch(steps: readonly PreviewStep[]): OtherChange[] {
    const refused: OtherChange[] = [];
    for (const step of steps) {
        if (NO_CHANGE.includes(step.op) || step.type === "pulumi:pulumi:Stack") continue;
        const changes = changesOf(step);
        if (step.op === "update" && changes.length === 0) continue;
        const paths = changes.map((c) => c.path);
        if (step.op === "update" && step.type === VIRTUAL_SERVER_TYPE && paths.every((p) => ROUTES_PATH.test(p)))
            continue;
        refused.push({
            step,
            name: urnName(step.urn),
            paths: paths.filter((p) => step.type !== VIRTUAL_SERVER_TYPE || !ROUTES_PATH.test(p)),
        });
    }
    return refused;
}
