import * as pulumi from "@pulumi/pulumi";
import { aliasUrn, type AliasOwner } from "./aliases";
import { resolveOutput } from "./outputs";

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
    /** Whether deleting the resource only forgets it, leaving the real object where it is. */
    readonly retainOnDelete: boolean;
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

/** The options of a registration that the plan shows as declared, and that the engine never echoes back. */
export type DeclaredOptions = Pick<
    RecordedResource,
    "protect" | "retainOnDelete" | "ignoreChanges" | "customTimeouts" | "deleteBeforeReplace" | "replaceOnChanges"
>;

/** The custom timeouts as declared, without the keys left unset; null when none are. */
export function declaredTimeouts(t: pulumi.CustomTimeouts | undefined): RecordedResource["customTimeouts"] {
    if (!t) return null;
    const set = Object.entries({ create: t.create, update: t.update, delete: t.delete }).filter(
        ([, v]) => v !== undefined,
    );
    return set.length > 0 ? Object.fromEntries(set) : null;
}

/** The recorded options of one registration; one line per option the plan shows. */
export function declaredOptions(opts: pulumi.ResourceOptions): DeclaredOptions {
    return {
        protect: opts.protect === true,
        retainOnDelete: opts.retainOnDelete === true,
        ignoreChanges: [...(opts.ignoreChanges ?? [])],
        customTimeouts: declaredTimeouts(opts.customTimeouts),
        deleteBeforeReplace: (opts as pulumi.CustomResourceOptions).deleteBeforeReplace === true,
        replaceOnChanges: [...(opts.replaceOnChanges ?? [])],
    };
}

/** The resources a `dependsOn` option names, however it nests them in arrays, Outputs and promises. */
export async function flattenDependsOn(value: unknown): Promise<pulumi.Resource[]> {
    if (value === undefined || value === null) return [];
    if (pulumi.Resource.isInstance(value)) return [value];
    if (Array.isArray(value)) return (await Promise.all(value.map(flattenDependsOn))).flat();
    if (pulumi.Output.isInstance(value) || value instanceof Promise)
        return flattenDependsOn(await resolveOutput(value as pulumi.Input<unknown>));
    return [];
}

/**
 * Records every resource a program registers, in registration order, through a stack
 * transformation: it sees each resource object with its options as declared, before the engine
 * does. The mock engine's answers are filled in later (`lookup` finds a record by type and name).
 */
export class Recorder {
    readonly records: RecordedResource[] = [];
    /** The stack's own URN: the parent of every top-level resource. */
    readonly stackUrn: string;
    private readonly byResource = new Map<pulumi.Resource, { rec: RecordedResource; typeChain: string }>();
    private readonly byTypeName = new Map<string, RecordedResource[]>();
    private readonly pendingDependsOn: [RecordedResource, unknown][] = [];
    private readonly pendingAliases: [RecordedResource, pulumi.Input<string | pulumi.Alias>[], AliasOwner][] = [];

    constructor(
        private readonly project: string,
        private readonly stack: string,
    ) {
        this.stackUrn = `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
    }

    /** The stack transformation: records the registration and changes nothing. */
    readonly transformation: pulumi.ResourceTransformation = (args) => {
        // A resource passed as another's input comes back from the engine as a reference,
        // which the SDK rehydrates by URN; that is no new resource.
        if (args.opts.urn !== undefined) return undefined;
        const parentEntry = args.opts.parent ? this.byResource.get(args.opts.parent) : undefined;
        // The URN's type part names the parent's types too (`Parent$Child`), as the engine writes it.
        const typeChain = parentEntry ? `${parentEntry.typeChain}$${args.type}` : args.type;
        const rec: RecordedResource = {
            urn: `urn:pulumi:${this.stack}::${this.project}::${typeChain}::${args.name}`,
            type: args.type,
            name: args.name,
            custom: false,
            parent: parentEntry?.rec.urn ?? this.stackUrn,
            dependsOn: [],
            aliases: [],
            ...declaredOptions(args.opts),
            id: "",
            inputs: {},
            state: {},
        };
        this.records.push(rec);
        this.byResource.set(args.resource, { rec, typeChain });
        const key = `${args.type}::${args.name}`;
        this.byTypeName.set(key, [...(this.byTypeName.get(key) ?? []), rec]);
        if (args.opts.dependsOn !== undefined) this.pendingDependsOn.push([rec, args.opts.dependsOn]);
        if (args.opts.aliases?.length) {
            const owner = { name: args.name, type: args.type, parentChain: parentEntry?.typeChain };
            this.pendingAliases.push([rec, args.opts.aliases, owner]);
        }
        return undefined;
    };

    /** The records of a type and name: one for a well-formed program, none for an unrecorded one. */
    lookup(type: string, name: string): RecordedResource[] {
        return this.byTypeName.get(`${type}::${name}`) ?? [];
    }

    /** The record of a resource object, if it was registered. */
    recordOf(resource: pulumi.Resource): RecordedResource | undefined {
        return this.byResource.get(resource)?.rec;
    }

    /** Fills in each record's `dependsOn` with URNs, once every Output it may hold has resolved. */
    async resolveDependsOn(): Promise<void> {
        for (const [rec, dependsOn] of this.pendingDependsOn) {
            const resources = await flattenDependsOn(dependsOn);
            rec.dependsOn = resources.map((r) => this.recordOf(r)?.urn ?? "<unknown>");
        }
    }

    /** Fills in each record's `aliases` with the old URNs they name, once every Output they may hold has resolved. */
    async resolveAliases(): Promise<void> {
        const chainOf = (r: pulumi.Resource) => this.byResource.get(r)?.typeChain;
        const where = { project: this.project, stack: this.stack };
        for (const [rec, aliases, owner] of this.pendingAliases) {
            // An SDK class adds its own aliases to those given, so a replay that passes them back names some twice.
            rec.aliases = [...new Set(await Promise.all(aliases.map((a) => aliasUrn(a, owner, chainOf, where))))];
        }
    }
}
