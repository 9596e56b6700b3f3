/**
 * The policy pack's `production-ships-logs`: a production stack that creates its cluster is
 * refused without log shipping; a staging stack, or one on another stack's cluster, is not.
 */
import { describe, expect, it } from "vitest";
import { runPolicies } from "../../policy/rules";
import { productionShipsLogs } from "../../policy/rules/observability";
import { render, type Rendered } from "../harness";

const OFF = { "capstan:observability": { enabled: false } };

function findings(r: Rendered) {
    const resources = r.plan.resources.map((x) => ({ type: x.type, props: x.inputs, urn: x.urn, name: x.name }));
    return runPolicies(resources).filter((f) => f.policy === productionShipsLogs.name);
}

describe("production-ships-logs", () => {
    it("passes the committed production stack, which ships its logs", async () => {
        expect(findings(await render("prod"))).toEqual([]);
    });

    it("refuses a production stack that creates its cluster with observability off, naming the cluster and the fix", async () => {
        const off = await render("prod", { overrides: OFF });
        const found = findings(off);
        expect(found).toHaveLength(1);
        const cluster = off.plan.resources.find((r) => r.type === "aws:eks/cluster:Cluster")!;
        expect(found[0].urn).toBe(cluster.urn);
        expect(found[0].message).toContain("missing: the Fluent Bit release, CloudWatch log groups");
        expect(found[0].message).toContain("capstan:observability.enabled");
    });

    it("refuses one that has log groups but no shipper", () => {
        const cluster = {
            type: "aws:eks/cluster:Cluster",
            urn: "urn:c",
            props: { tags: { "capstan:environment": "production" } },
        };
        const group = { type: "aws:cloudwatch/logGroup:LogGroup", urn: "urn:g", props: {} };
        expect(productionShipsLogs.check([cluster, group]).map((v) => v.message)).toEqual([
            expect.stringContaining("missing: the Fluent Bit release)"),
        ]);
    });

    it.each([
        ["staging", "a staging stack"],
        ["tenant-acme", "a production stack on another stack's cluster"],
    ])("lets %s (%s) run without log shipping", async (stack) => {
        expect(findings(await render(stack, { overrides: OFF }))).toEqual([]);
    });
});
