/**
 * How the Pulumi engine pairs the resources of a new program with those of a deployed stack, for
 * the URN fixtures of test/fixtures/urns. A model of pulumi/pulumi
 * pkg/resource/deploy/step_generator.go: `generateSteps` looks a resource up in the old state by
 * its URN first, then by each of its aliases (`generateAliases`): its own aliases, and, when its
 * parent was itself found through an alias, the alias it inherits from that parent
 * (`inheritedChildAlias`: the parent's old type chain, and the parent's old name in place of the
 * parent's name where the child's name starts with it), one for its own name and one per own alias.
 * The Node SDK (`@pulumi/pulumi` runtime/resource.js, `mapAliasesForRequest`) sends alias specs and
 * leaves this derivation to the engine. Own aliases come from plan.json, collapsed as the engine
 * collapses a spec that names no other parent (scripts/render/engine.ts).
 */
import type { Plan, PlanResource } from "../../../scripts/render/plan";

/** The type chain of a URN (`parentType$...$type`) and its name. */
function parts(urn: string): { chain: string; type: string; name: string } {
    const [, , chain = "", ...rest] = urn.split("::");
    return { chain, type: chain.split("$").pop() ?? "", name: rest.join("::") };
}

function inheritedChildAlias(childType: string, childName: string, parentName: string, parentOld: string): string {
    const old = parts(parentOld);
    const name = childName.startsWith(parentName) ? old.name + childName.slice(parentName.length) : childName;
    const stackAndProject = parentOld.split("::").slice(0, 2).join("::");
    return `${stackAndProject}::${old.chain}$${childType}::${name}`;
}

/** Every URN the engine would look the resource up by, in its order, given its parent's old URN if aliased. */
export function lookupUrns(r: PlanResource, parentName: string, parentOld: string | undefined): string[] {
    const candidates = [r.urn, ...r.aliases];
    if (parentOld !== undefined) {
        candidates.push(inheritedChildAlias(r.type, r.name, parentName, parentOld));
        for (const a of r.aliases) {
            const own = parts(a);
            candidates.push(inheritedChildAlias(own.type, own.name, parentName, parentOld));
        }
    }
    return [...new Set(candidates)];
}

export interface Pairing {
    /** Old URN -> the URNs of the new resources that claim it (more than one is an engine error). */
    readonly claims: ReadonlyMap<string, readonly string[]>;
    /** New resources that find no old resource: the engine creates them. */
    readonly created: readonly string[];
}

/** Pairs a new plan's resources (in registration order: parents first) with the old state's URNs. */
export function pairWithOldState(plan: Plan, oldUrns: ReadonlySet<string>): Pairing {
    const claims = new Map<string, string[]>();
    const aliasedParents = new Map<string, string>();
    const nameOf = new Map(plan.resources.map((r) => [r.urn, r.name]));
    const created: string[] = [];
    for (const r of plan.resources) {
        const parentOld = aliasedParents.get(r.parent);
        const found = lookupUrns(r, nameOf.get(r.parent) ?? "", parentOld).find((u) => oldUrns.has(u));
        if (found === undefined) {
            created.push(r.urn);
            continue;
        }
        claims.set(found, [...(claims.get(found) ?? []), r.urn]);
        if (found !== r.urn) aliasedParents.set(r.urn, found);
    }
    return { claims, created };
}
