import { describe, expect, it } from "vitest";
import { committedStacks, render } from "../../harness";

/** The paths under `path` that hold an empty list. */
function emptyLists(value: unknown, path: string): string[] {
    if (Array.isArray(value))
        return value.length === 0 ? [path] : value.flatMap((v, i) => emptyLists(v, `${path}[${i}]`));
    if (typeof value === "object" && value !== null)
        return Object.entries(value).flatMap(([k, v]) => emptyLists(v, `${path}.${k}`));
    return [];
}

describe.each(committedStacks())("the manifests of the committed stack %s", (stack) => {
    // Kubernetes reads an empty list as an absent one (`env: []`, `ports: []`, `initContainers: []`):
    // written out, it is only noise in the manifests and in every diff.
    it("carry no empty list", async () => {
        const { manifests } = await render(stack);
        const withPods = manifests.filter((m) => ["Deployment", "CronJob", "Job"].includes(String(m.kind)));
        expect(withPods.length).toBeGreaterThan(0);
        const found = manifests.flatMap((m) => {
            const meta = m.metadata as { namespace?: string; name?: string } | undefined;
            return emptyLists(m, `${String(m.kind)} ${meta?.namespace ?? ""}/${meta?.name ?? ""}`);
        });
        expect(found).toEqual([]);
    });
});
