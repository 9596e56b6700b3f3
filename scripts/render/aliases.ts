import * as pulumi from "@pulumi/pulumi";
import { resolveOutput } from "./outputs";

/** Where a resource sits, for the defaults of an alias spec. */
export interface AliasOwner {
    readonly name: string;
    readonly type: string;
    /** The type part of the parent's URN (`A$B`); none for a resource at the stack's root. */
    readonly parentChain?: string;
}

/**
 * The old URN an alias names, as the engine collapses an alias spec (pulumi/pulumi
 * pkg/resource/deploy/step_generator.go, collapseAliasToUrn): name, type and parent default to the
 * resource's own; a parent given as undefined (`pulumi.rootStackResource`) or as the stack means none.
 */
export async function aliasUrn(
    alias: pulumi.Input<string | pulumi.Alias>,
    own: AliasOwner,
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
    const stack = await field(a.stack, where.stack);
    const project = await field(a.project, where.project);
    const name = await field(a.name, own.name);
    return `urn:pulumi:${stack}::${project}::${parentChain ? `${parentChain}$` : ""}${type}::${name}`;
}
