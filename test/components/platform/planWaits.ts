/**
 * What a resource of a plan waits for before the engine creates it, as the engine orders an
 * update: the explicit `dependsOn` of the resource and of every component above it (a child
 * registers only once its parent has), each target with everything it waited for in turn, and a
 * component target with every resource under it.
 */
import type { Plan, PlanResource } from "../../../scripts/render/plan";

export function waitsFor(plan: Plan): (urn: string) => ReadonlySet<string> {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const children = new Map<string, PlanResource[]>();
    for (const r of plan.resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    const below = (urn: string): string[] => (children.get(urn) ?? []).flatMap((c) => [c.urn, ...below(c.urn)]);
    const memo = new Map<string, Set<string>>();
    const of = (urn: string): Set<string> => {
        const known = memo.get(urn);
        if (known) return known;
        const out = new Set<string>();
        memo.set(urn, out);
        for (let r = byUrn.get(urn); r; r = byUrn.get(r.parent)) {
            for (const target of r.dependsOn) {
                for (const u of [target, ...below(target), ...of(target)]) out.add(u);
            }
        }
        return out;
    };
    return of;
}
