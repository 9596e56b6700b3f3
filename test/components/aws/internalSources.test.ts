import { describe, expect, it } from "vitest";
import { ofType, problemsOf, render, stackValues } from "../../harness";

type Obj = Record<string, any>;

/** The CIDRs the internal load balancer's security group admits, over all its listener rules. */
async function internalClients(stack: string, internal?: Obj): Promise<string[]> {
    const ingress = stackValues(stack)["capstan:ingress"];
    const overrides = internal
        ? { "capstan:ingress": { ...ingress, internal: { ...ingress.internal, ...internal } } }
        : {};
    const { result } = await render(stack, { overrides });
    const rules = ofType(result.resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) =>
        r.name.includes("-internal-lb-"),
    );
    return [...new Set(rules.map((r) => (r.inputs as Obj).cidrIpv4 as string))].sort();
}

describe("the VPN-only entry admits the VPN's clients", () => {
    it("admits the VPC's block by default", async () => {
        expect(await internalClients("staging")).toEqual([stackValues("staging")["capstan:network"].cidrBlock]);
    });

    it("admits exactly ingress.internal.sourceCidrs when they are set", async () => {
        const sources = ["10.20.0.0/16", "172.31.200.0/22"];
        expect(await internalClients("staging", { sourceCidrs: sources })).toEqual(sources);
    });

    it.each<[string, string[], string]>([
        ["0.0.0.0/0", ["10.20.0.0/16", "0.0.0.0/0"], "capstan:ingress.internal.sourceCidrs[1]"],
        ["two halves of the internet", ["0.0.0.0/1", "128.0.0.0/1"], "capstan:ingress.internal.sourceCidrs"],
    ])("refuses %s", (_name, sources, path) => {
        const problems = problemsOf("staging", (r) => (r.ingress.internal.sourceCidrs = sources));
        expect(problems.map((p) => p.path)).toEqual([path]);
        expect(problems[0].message).toMatch(/whole internet/);
    });

    it("refuses sources on a stack whose internal load balancer is another stack's", () => {
        const problems = problemsOf(
            "tenant-acme",
            (r) => (r.ingress.internal = { ...r.ingress.internal, sourceCidrs: ["10.8.0.0/16"] }),
        );
        expect(problems.map((p) => p.path)).toEqual(["capstan:ingress.internal.sourceCidrs"]);
    });
});
