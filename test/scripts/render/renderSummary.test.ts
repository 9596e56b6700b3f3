import { describe, expect, it } from "vitest";
import { diffPlans, replaces } from "../../../scripts/render/diff";
import { summaryFor } from "../../../scripts/render/render";
import { render } from "../../harness";

describe("what an update would do to a resource: update in place, or replace", () => {
    it.each<[string, string, boolean]>([
        ["kubernetes:batch/v1:Job", "inputs.metadata.name", true],
        ["kubernetes:batch/v1:Job", "inputs.spec.template.spec.containers[0].image", true],
        ["kubernetes:batch/v1:Job", "inputs.spec.activeDeadlineSeconds", false],
        ["kubernetes:apps/v1:Deployment", "inputs.spec.template.spec.containers[0].image", false],
        ["kubernetes:apps/v1:Deployment", "inputs.metadata.namespace", true],
        ["kubernetes:core/v1:ConfigMap", "inputs.data.RAILS_ENV", true],
        ["kubernetes:core/v1:Secret", "inputs.stringData", true],
        ["kubernetes:core/v1:Secret", "inputs.metadata.labels.app", false],
        ["aws:autoscaling/group:Group", "inputs.maxSize", false],
    ])("%s, %s changed: replaced %s", (type, path, replaced) => {
        expect(replaces(type, path)).toBe(replaced);
    });

    it("an image bump shows the migration Job as replaced and the workloads as updated", async () => {
        const before = (await render("prod", { overrides: { "capstan:imageTag": "2026.12.01-aaaaaaa" } })).plan;
        const after = await render("prod", { overrides: { "capstan:imageTag": "2026.12.02-bbbbbbb" } });
        const diff = diffPlans(before, after.plan);
        expect(diff.replace.map((c) => c.after.name).sort()).toEqual(["phraseapp-migrate"]);
        const summary = summaryFor(after, before);
        expect(summary).toMatch(/\d+ to update, 1 to replace, 0 to delete/);
        expect(summary).toContain("  +- kubernetes:batch/v1:Job phraseapp-migrate (inputs.metadata.name");
        expect(summary).not.toContain("  ~ kubernetes:batch/v1:Job");
    });
});
