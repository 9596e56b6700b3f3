import { describe, expect, it } from "vitest";
import { problemsOf, render, stackValues } from "../../harness";

type Obj = Record<string, any>;

const upstreamSizes = (manifests: readonly Obj[]) =>
    manifests
        .filter((o) => o.kind === "VirtualServer")
        .flatMap((vs) => (vs.spec.upstreams as Obj[]).map((u) => u["client-max-body-size"]));

describe("uploads larger than NGINX's 1 MB default reach the app", () => {
    it("every upstream of every VirtualServer, the canary's included, allows 100m by default", async () => {
        const { manifests } = await render("prod");
        const sizes = upstreamSizes(manifests);
        expect(sizes.length).toBeGreaterThan(2);
        expect(new Set(sizes)).toEqual(new Set(["100m"]));
    });

    it("capstan:ingress.clientMaxBodySize sets it", async () => {
        const ingress = { ...stackValues("staging")["capstan:ingress"], clientMaxBodySize: "512k" };
        const { manifests } = await render("staging", { overrides: { "capstan:ingress": ingress } });
        expect(new Set(upstreamSizes(manifests))).toEqual(new Set(["512k"]));
    });

    it.each(["1g", "10 m", "10mb", "-1", "1.5m"])(
        "%s, which the controller would refuse, is a config problem",
        (size) => {
            const problems = problemsOf("staging", (r) => (r.ingress.clientMaxBodySize = size));
            expect(problems.map((p) => p.path)).toEqual(["capstan:ingress.clientMaxBodySize"]);
            expect(problems[0].message).toMatch(/e\.g\. 100m/);
        },
    );

    it.each<[unknown]>([["0"], ["16"], ["32K"], [1048576]])("%s is a size the controller accepts", (size) => {
        expect(problemsOf("staging", (r) => (r.ingress.clientMaxBodySize = size))).toEqual([]);
    });
});
