import YAML from "yaml";
import type { RecordedResource, RunResult } from "./engine";
import { isSecretValue } from "./secret";
import { canonical } from "./mockstate";
import { SECRET_PLACEHOLDER } from "../cli/stackfile";

/** One resource of `plan.json`. */
export interface PlanResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent: string;
    readonly provider: string | null;
    readonly dependsOn: readonly string[];
    /** The old URNs the resource declares it had (its `aliases` option); inherited ones are left to the engine. */
    readonly aliases: readonly string[];
    readonly protect: boolean;
    /** Whether deleting it from the stack leaves the real object (`pulumi destroy` and a removal only forget it). */
    readonly retainOnDelete: boolean;
    readonly ignoreChanges: readonly string[];
    readonly customTimeouts: RecordedResource["customTimeouts"];
    readonly deleteBeforeReplace: boolean;
    readonly replaceOnChanges: readonly string[];
    readonly inputs: Record<string, unknown>;
}

/** The shape of `out/<stack>/plan.json`. */
export interface Plan {
    readonly project: string;
    readonly stack: string;
    readonly resources: readonly PlanResource[];
    readonly outputs: Record<string, unknown>;
}

/** Replaces every secret value, however deep, with the placeholder; sorts object keys. */
export function redact(value: unknown): unknown {
    if (isSecretValue(value)) return SECRET_PLACEHOLDER;
    if (Array.isArray(value)) return value.map(redact);
    if (typeof value === "object" && value !== null) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) out[k] = redact(v);
        return canonical(out);
    }
    return value;
}

export function toPlan(project: string, stack: string, result: RunResult): Plan {
    return {
        project,
        stack,
        resources: result.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            parent: r.parent,
            provider: r.provider ?? null,
            dependsOn: [...r.dependsOn],
            aliases: [...r.aliases],
            protect: r.protect,
            retainOnDelete: r.retainOnDelete,
            ignoreChanges: [...r.ignoreChanges],
            customTimeouts: r.customTimeouts,
            deleteBeforeReplace: r.deleteBeforeReplace,
            replaceOnChanges: [...r.replaceOnChanges],
            inputs: redact(r.inputs) as Record<string, unknown>,
        })),
        outputs: redact(result.outputs) as Record<string, unknown>,
    };
}

/**
 * Like {@link redact}, but keeps the shape of a secret map: each of its values becomes the
 * placeholder, so that a Secret's `stringData` still lists its keys and stays valid Kubernetes.
 */
export function redactKeepingKeys(value: unknown): unknown {
    const leaves = (v: unknown): unknown => {
        if (isSecretValue(v)) return leaves(v.value);
        if (Array.isArray(v)) return v.map(leaves);
        if (typeof v === "object" && v !== null)
            return canonical(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, leaves(x)])));
        return SECRET_PLACEHOLDER;
    };
    if (isSecretValue(value))
        return typeof value.value === "object" && value.value !== null ? leaves(value.value) : SECRET_PLACEHOLDER;
    if (Array.isArray(value)) return value.map(redactKeepingKeys);
    if (typeof value === "object" && value !== null) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) out[k] = redactKeepingKeys(v);
        return canonical(out);
    }
    return value;
}

/** Kubernetes objects: every custom resource of the kubernetes package that is an API object. */
export function isKubernetesObject(r: Pick<RecordedResource, "type" | "custom" | "state">): boolean {
    return (
        r.custom &&
        r.type.startsWith("kubernetes:") &&
        !r.type.startsWith("kubernetes:helm.sh/") &&
        typeof r.state.kind === "string"
    );
}

const TOP_ORDER = ["apiVersion", "kind", "metadata"];

function manifestOrder(obj: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const k of TOP_ORDER) if (k in obj) out[k] = obj[k];
    for (const k of Object.keys(obj).sort()) if (!TOP_ORDER.includes(k)) out[k] = obj[k];
    return out;
}

/** Every Kubernetes object as it would be sent to the API server, each secret value redacted, sorted. */
export function toManifestObjects(result: RunResult): Record<string, unknown>[] {
    const objects = result.resources
        .filter(isKubernetesObject)
        .map((r) => manifestOrder(redactKeepingKeys(r.state) as Record<string, unknown>));
    const key = (o: Record<string, unknown>) => {
        const m = (o.metadata ?? {}) as { namespace?: string; name?: string };
        return [String(o.kind), m.namespace ?? "", m.name ?? ""];
    };
    return objects.sort((a, b) => {
        const ka = key(a);
        const kb = key(b);
        for (let i = 0; i < 3; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
        return 0;
    });
}

export function toManifestsYaml(objects: readonly Record<string, unknown>[]): string {
    return objects
        .map((o) => YAML.stringify(o, { lineWidth: 0, aliasDuplicateObjects: false }))
        .map((d) => `---\n${d}`)
        .join("");
}

export function planJson(plan: Plan): string {
    return `${JSON.stringify(plan, null, 2)}\n`;
}
