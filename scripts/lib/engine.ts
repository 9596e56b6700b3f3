import * as pulumi from "@pulumi/pulumi";
import { mockState } from "./mockstate";
import { secretValue } from "./secret";

/** A Pulumi program: index.ts's export, a function that declares resources and returns the stack outputs. */
export type Program = () => Promise<Record<string, unknown> | void>;

/** One registered resource, with its options as declared and its inputs as the engine received them. */
export interface RecordedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** Whether a provider manages it (false for components), as the engine was told. */
    custom: boolean;
    /** URN of the parent; the stack's own URN for top-level resources. */
    readonly parent: string;
    /** URN of the explicit or inherited provider, if not the default one. */
    provider?: string;
    /** URNs of the explicit `dependsOn` option. */
    dependsOn: string[];
    /** The `aliases` option, each as the old URN it names; aliases inherited from a parent are the engine's to derive. */
    aliases: string[];
    readonly protect: boolean;
    readonly ignoreChanges: readonly string[];
    /** How long the engine waits for a create, update or delete, as declared (e.g. `"20m"`). */
    readonly customTimeouts: { readonly create?: string; readonly update?: string; readonly delete?: string } | null;
    /** Whether a replacement deletes the old resource before creating the new one. */
    readonly deleteBeforeReplace: boolean;
    /** Input paths whose change replaces the resource instead of updating it. */
    readonly replaceOnChanges: readonly string[];
    /** The id the mock engine gave the resource. */
    id: string;
    /** Inputs as sent to the engine; secret values still carry Pulumi's secret signature. */
    inputs: Record<string, unknown>;
    /** What the mock engine answered (inputs plus computed outputs). */
    state: Record<string, unknown>;
}

export interface RunOptions {
    readonly project: string;
    readonly stack: string;
    /** Config as the CLI passes it: `namespace:key` -> text. */
    readonly config: Readonly<Record<string, string>>;
    readonly secretKeys: readonly string[];
    /** Outputs of the stacks a StackReference may name, by fully qualified stack name. */
    readonly stackOutputs?: Readonly<Record<string, { outputs: Record<string, unknown>; secretOutputNames: string[] }>>;
    /** Invoke tokens the program may call, with their answers. Any other invoke fails the run. */
    readonly invokes?: Readonly<Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>>;
}

export interface RunResult {
    readonly resources: RecordedResource[];
    /** Stack outputs; secret ones are wrapped with Pulumi's secret signature. */
    readonly outputs: Record<string, unknown>;
}

export { isSecretValue } from "./secret";

function resolveOutput<T>(o: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(o).apply((v) => resolve(v as T)));
}

async function flattenDependsOn(value: unknown): Promise<pulumi.Resource[]> {
    if (value === undefined || value === null) return [];
    if (pulumi.Resource.isInstance(value)) return [value];
    if (Array.isArray(value)) return (await Promise.all(value.map(flattenDependsOn))).flat();
    if (pulumi.Output.isInstance(value) || value instanceof Promise)
        return flattenDependsOn(await resolveOutput(value as pulumi.Input<unknown>));
    return [];
}

/**
 * The old URN an alias names, as the engine collapses an alias spec (pulumi/pulumi
 * pkg/resource/deploy/step_generator.go, collapseAliasToUrn): name, type and parent default to the
 * resource's own; a parent given as undefined (`pulumi.rootStackResource`) or as the stack means none.
 */
async function aliasUrn(
    alias: pulumi.Input<string | pulumi.Alias>,
    own: { name: string; type: string; parentChain?: string },
    chainOf: (parent: pulumi.Resource) => string | undefined,
    where: { project: string; stack: string },
): Promise<string> {
    const a = await resolveOutput(alias);
    if (typeof a === "string") return a;
    let parentChain = own.parentChain;
    if (Object.prototype.hasOwnProperty.call(a, "parent")) {
        const p = a.parent;
        if (p === undefined) parentChain = undefined;
        else if (pulumi.Resource.isInstance(p)) parentChain = chainOf(p);
        else {
            const chain = (await resolveOutput(p)).split("::")[2];
            parentChain = chain === "pulumi:pulumi:Stack" ? undefined : chain;
        }
    }
    const field = async (v: pulumi.Input<string> | undefined, fallback: string) =>
        v === undefined ? fallback : resolveOutput(v);
    const type = await field(a.type, own.type);
    return `urn:pulumi:${await field(a.stack, where.stack)}::${await field(a.project, where.project)}::${parentChain ? `${parentChain}$` : ""}${type}::${await field(a.name, own.name)}`;
}

/** The custom timeouts as declared, without the keys left unset; null when none are. */
function declaredTimeouts(t: pulumi.CustomTimeouts | undefined): RecordedResource["customTimeouts"] {
    if (!t) return null;
    const set = Object.entries({ create: t.create, update: t.update, delete: t.delete }).filter(
        ([, v]) => v !== undefined,
    );
    return set.length > 0 ? Object.fromEntries(set) : null;
}

/**
 * Pulumi records a stack trace on every promise it creates (`debuggablePromise`), for the report
 * of leaked promises, and reads it at once. With ts-node's source-map support installed, formatting
 * each trace maps every frame back to TypeScript: measured, that bookkeeping cost more than the
 * program's own work. Those traces are formatted plainly here; every other error's stack is still
 * source-mapped.
 */
function formatPromiseTracesPlainly(): void {
    // The frames that say where a leaked promise came from; deeper ones are the runtime's own.
    const plainTrace = (err: Error, frames: NodeJS.CallSite[]) =>
        `${String(err)}\n${frames
            .slice(1, 9)
            .map(
                (f) =>
                    `    at ${f.getFunctionName() ?? "<anonymous>"} (${f.getFileName()}:${f.getLineNumber()}:${f.getColumnNumber()})`,
            )
            .join("\n")}`;
    type Prepare = (err: Error, frames: NodeJS.CallSite[]) => unknown;
    const current = Error.prepareStackTrace as (Prepare & { plainPromiseTraces?: true }) | undefined;
    if (!current || current.plainPromiseTraces) return;
    const wrapped = Object.assign(
        (err: Error, frames: NodeJS.CallSite[]) =>
            frames[0]?.getFunctionName() === "debuggablePromise" ? plainTrace(err, frames) : current(err, frames),
        { plainPromiseTraces: true as const },
    );
    Error.prepareStackTrace = wrapped;
}

/**
 * Runs a program, unchanged, under Pulumi's mock engine and records every resource it registers.
 * Runs can follow one another in the same process: each starts from fresh mocks and config.
 */
export async function runProgram(program: Program, opts: RunOptions): Promise<RunResult> {
    formatPromiseTracesPlainly();
    const region = opts.config["aws:region"] ?? "eu-central-1";
    const stackUrn = `urn:pulumi:${opts.stack}::${opts.project}::pulumi:pulumi:Stack::${opts.project}-${opts.stack}`;
    const records: RecordedResource[] = [];
    const byResource = new Map<pulumi.Resource, { rec: RecordedResource; typeChain: string }>();
    const byTypeName = new Map<string, RecordedResource[]>();
    const pendingDependsOn: [RecordedResource, unknown][] = [];
    const pendingAliases: [RecordedResource, pulumi.Input<string | pulumi.Alias>[], string | undefined][] = [];
    const failures: string[] = [];

    const lookup = (type: string, name: string) => byTypeName.get(`${type}::${name}`) ?? [];

    await pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                if (args.type === "pulumi:pulumi:Stack") return { id: `${args.name}-id`, state: {} };
                const found = lookup(args.type, args.name);
                if (found.length !== 1) {
                    failures.push(
                        `${args.type} ${JSON.stringify(args.name)}: ${found.length === 0 ? "registered without passing the stack transformation" : "declared more than once; give each resource a unique name"}`,
                    );
                }
                let result;
                if (args.type === "pulumi:pulumi:StackReference") {
                    const ref = opts.stackOutputs?.[String(args.inputs.name)];
                    if (!ref)
                        failures.push(
                            `StackReference ${JSON.stringify(args.inputs.name)}: no outputs of that stack are known to the render`,
                        );
                    result = {
                        id: String(args.inputs.name),
                        state: {
                            name: args.inputs.name,
                            outputs: ref?.outputs ?? {},
                            secretOutputNames: ref?.secretOutputNames ?? [],
                        },
                    };
                } else {
                    result = mockState(args.type, args.name, args.inputs, { region });
                }
                for (const rec of found) {
                    rec.inputs = args.inputs;
                    rec.state = result.state;
                    rec.id = result.id;
                    rec.custom = args.custom === true;
                    if (args.provider) {
                        // A provider reference is "<urn>::<id>"; the URN's last two fields are type and name.
                        const parts = args.provider.slice(0, args.provider.lastIndexOf("::")).split("::");
                        const provType = (parts[2] ?? "").split("$").pop() ?? "";
                        rec.provider = lookup(provType, parts[3] ?? "")[0]?.urn;
                    }
                }
                return result;
            },
            call(args: pulumi.runtime.MockCallArgs) {
                const answer = opts.invokes?.[args.token];
                if (!answer) {
                    const message = `unexpected invoke ${args.token}: Capstan resolves everything from config so that a preview needs no cloud access`;
                    failures.push(message);
                    throw new Error(message);
                }
                return answer(args.inputs);
            },
        },
        opts.project,
        opts.stack,
        false,
    );
    pulumi.runtime.setAllConfig({ ...opts.config }, [...opts.secretKeys]);

    let programOutputs: Record<string, unknown> | void = undefined;
    let programError: { err: unknown } | undefined;
    await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation((args) => {
            // A resource passed as another's input comes back from the engine as a reference,
            // which the SDK rehydrates by URN; that is no new resource.
            if (args.opts.urn !== undefined) return undefined;
            const parentEntry = args.opts.parent ? byResource.get(args.opts.parent) : undefined;
            const typeChain = parentEntry ? `${parentEntry.typeChain}$${args.type}` : args.type;
            const rec: RecordedResource = {
                urn: `urn:pulumi:${opts.stack}::${opts.project}::${typeChain}::${args.name}`,
                type: args.type,
                name: args.name,
                custom: false,
                parent: parentEntry?.rec.urn ?? stackUrn,
                dependsOn: [],
                aliases: [],
                protect: args.opts.protect === true,
                ignoreChanges: [...(args.opts.ignoreChanges ?? [])],
                customTimeouts: declaredTimeouts(args.opts.customTimeouts),
                deleteBeforeReplace: (args.opts as pulumi.CustomResourceOptions).deleteBeforeReplace === true,
                replaceOnChanges: [...(args.opts.replaceOnChanges ?? [])],
                id: "",
                inputs: {},
                state: {},
            };
            records.push(rec);
            byResource.set(args.resource, { rec, typeChain });
            const key = `${args.type}::${args.name}`;
            byTypeName.set(key, [...(byTypeName.get(key) ?? []), rec]);
            if (args.opts.dependsOn !== undefined) pendingDependsOn.push([rec, args.opts.dependsOn]);
            if (args.opts.aliases?.length) pendingAliases.push([rec, args.opts.aliases, parentEntry?.typeChain]);
            return undefined;
        });
        try {
            programOutputs = await program();
        } catch (err) {
            // Kept and rethrown below: a throw inside the stack's init would also reject promises
            // of the Pulumi runtime that nobody awaits.
            programError = { err };
        }
        return programError ? {} : programOutputs;
    });
    // Registrations still in flight must land before the records are read.
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    const fail = () => new Error(`the program could not be rendered:\n  - ${failures.join("\n  - ")}`);
    if (failures.length > 0) throw fail();
    if (programError) throw programError.err;

    for (const [rec, dependsOn] of pendingDependsOn) {
        const resources = await flattenDependsOn(dependsOn);
        rec.dependsOn = resources.map((r) => byResource.get(r)?.rec.urn ?? "<unknown>");
    }

    const chainOf = (r: pulumi.Resource) => byResource.get(r)?.typeChain;
    for (const [rec, aliases, parentChain] of pendingAliases) {
        const own = { name: rec.name, type: rec.type, parentChain };
        // An SDK class adds its own aliases to those given, so a replay that passes them back names some twice.
        rec.aliases = [...new Set(await Promise.all(aliases.map((a) => aliasUrn(a, own, chainOf, opts))))];
    }

    // Resource references in inputs become what a provider receives for them: the resource's id.
    const dereference = (value: unknown): unknown => {
        if (pulumi.Resource.isInstance(value)) {
            const v = value as unknown as { __pulumiType?: string; __name?: string };
            return lookup(v.__pulumiType ?? "", v.__name ?? "")[0]?.id ?? "<unknown resource>";
        }
        if (Array.isArray(value)) return value.map(dereference);
        if (typeof value === "object" && value !== null) {
            return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, dereference(v)]));
        }
        return value;
    };
    for (const rec of records) {
        rec.inputs = dereference(rec.inputs) as Record<string, unknown>;
        rec.state = dereference(rec.state) as Record<string, unknown>;
    }

    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(programOutputs ?? {})) {
        const out = pulumi.output(value);
        const resolved = await resolveOutput(out);
        outputs[key] = (await pulumi.isSecret(out)) ? secretValue(resolved) : resolved;
    }
    if (failures.length > 0) throw fail();
    return { resources: records, outputs };
}
