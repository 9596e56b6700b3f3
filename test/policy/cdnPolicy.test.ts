/**
 * The policy pack's CDN rules: a stack served through its distribution keeps its load balancer
 * locked to CloudFront, and a production distribution speaks TLSv1.2_2021 or newer.
 */
import { describe, expect, it } from "vitest";
import { runPolicies } from "../../policy/rules";
import { cdnOriginLocked, productionCdnTls } from "../../policy/rules/cdn";
import { render, type Rendered } from "../harness";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0d8c2a4e-1b3f-4a5c-9e7d-6f8a0b1c2d3e";
const withCdn = (stack: string, cdn: Record<string, unknown> = {}) =>
    render(stack, { overrides: { "capstan:edge": { cdn: { certificateArn: CERT, ...cdn } } } });
type Resource = { type: string; props: Record<string, any>; urn: string; name: string };
const inputs = (r: Rendered): Resource[] =>
    r.plan.resources.map((x) => ({ type: x.type, props: x.inputs as Record<string, any>, urn: x.urn, name: x.name }));
const findings = (resources: Resource[], policy: string) => runPolicies(resources).filter((f) => f.policy === policy);

describe("cdn-origin-locked", () => {
    it("passes a locked stack, and one still before or during its DNS move", async () => {
        for (const switchOver of ["locked", "prepare", "dns"])
            expect(findings(inputs(await withCdn("prod", { switchOver })), cdnOriginLocked.name), switchOver).toEqual(
                [],
            );
    });

    it("refuses a stack served through its distribution whose load balancer still admits the internet", async () => {
        const locked = inputs(await withCdn("prod"));
        const open = inputs(await withCdn("prod", { switchOver: "prepare" })).filter((r) =>
            /-lb-(80|443)-0$/.test(r.name),
        );
        // The locked stack's plan with the open listener rules put back (what a regression in the lock would declare).
        const found = findings([...locked, ...open], cdnOriginLocked.name);
        expect(found).toHaveLength(1);
        expect(found[0].message).toContain("2 rule(s) still admit the whole internet");
        const noPrefixList = locked.filter((r) => !r.name.endsWith("-lb-443-cloudfront"));
        expect(findings(noPrefixList, cdnOriginLocked.name)[0].message).toContain("no security group rule admits");
    });
});

describe("production-cdn-tls", () => {
    it("refuses a production distribution below TLSv1.2_2021 and lets staging choose", async () => {
        expect(findings(inputs(await withCdn("prod")), productionCdnTls.name)).toEqual([]);
        const old = findings(
            inputs(await withCdn("prod", { minimumProtocolVersion: "TLSv1.2_2019" })),
            productionCdnTls.name,
        );
        expect(old).toHaveLength(1);
        expect(old[0].message).toContain('"TLSv1.2_2019"');
        expect(
            findings(
                inputs(await withCdn("staging", { minimumProtocolVersion: "TLSv1.2_2019" })),
                productionCdnTls.name,
            ),
        ).toEqual([]);
    });
});
