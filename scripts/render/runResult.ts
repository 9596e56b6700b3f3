import * as pulumi from "@pulumi/pulumi";
import { resolveOutput } from "./outputs";
import type { RecordedResource, Recorder } from "./recorder";
import { secretValue } from "./secret";

export interface RunResult {
    readonly resources: RecordedResource[];
    /** Stack outputs; secret ones are wrapped with Pulumi's secret signature. */
    readonly outputs: Record<string, unknown>;
}

/**
 * `value` with every resource reference replaced by what a provider receives for it: the
 * resource's id (`<unknown resource>` for one the run never registered).
 */
export function dereference(value: unknown, recorder: Pick<Recorder, "lookup">): unknown {
    if (pulumi.Resource.isInstance(value)) {
        return recorder.lookup(pulumi.resourceType(value), pulumi.resourceName(value))[0]?.id ?? "<unknown resource>";
    }
    if (Array.isArray(value)) return value.map((v) => dereference(v, recorder));
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, dereference(v, recorder)]));
    }
    return value;
}

/** The program's stack outputs, resolved; a secret one wrapped with Pulumi's secret signature. */
export async function resolvedOutputs(
    programOutputs: Record<string, unknown> | void,
): Promise<Record<string, unknown>> {
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(programOutputs ?? {})) {
        const out = pulumi.output(value);
        const resolved = await resolveOutput(out);
        outputs[key] = (await pulumi.isSecret(out)) ? secretValue(resolved) : resolved;
    }
    return outputs;
}

/** The result of a finished run: the records with their dependencies and references resolved, and the outputs. */
export async function assembleResult(
    recorder: Recorder,
    programOutputs: Record<string, unknown> | void,
): Promise<RunResult> {
    await recorder.resolveDependsOn();
    await recorder.resolveAliases();
    for (const rec of recorder.records) {
        rec.inputs = dereference(rec.inputs, recorder) as Record<string, unknown>;
        rec.state = dereference(rec.state, recorder) as Record<string, unknown>;
    }
    return { resources: recorder.records, outputs: await resolvedOutputs(programOutputs) };
}
