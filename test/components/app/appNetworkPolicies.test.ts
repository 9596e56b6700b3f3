import { beforeAll, describe, expect, it } from "vitest";
import { problemsOf, render, stackValues } from "../../harness";

type Obj = Record<string, any>;

/** The NetworkPolicies of a rendered stack's app namespace, by name. */
async function policiesOf(stack: string, overrides: Record<string, unknown> = {}): Promise<Record<string, Obj>> {
    const { manifests } = await render(stack, { overrides });
    const app = stackValues(stack)["capstan:app"];
    const policies = (manifests as Obj[]).filter((o) => o.kind === "NetworkPolicy");
    expect(policies.every((p) => p.metadata.namespace === (app.namespace ?? app.name))).toBe(true);
    return Object.fromEntries(policies.map((p) => [p.metadata.name, p.spec]));
}

const egressOf = (spec: Obj) =>
    (spec.egress as Obj[]).map((e) => [e.to[0].ipBlock.cidr, e.ports.map((p: Obj) => p.port)]);

describe.each(["staging", "local"])("the app's own namespace in %s", (stack) => {
    let policies: Record<string, Obj>;
    beforeAll(async () => {
        policies = await policiesOf(stack);
    });

    it("denies all ingress and egress by default", () => {
        expect(policies["default-deny"]).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    });

    it("admits only the ingress controllers, only to the web pods, only on the web port", () => {
        const web = policies["allow-web-from-ingress-controllers"];
        expect(web.podSelector).toEqual({
            matchLabels: { "app.kubernetes.io/name": "phraseapp", "app.kubernetes.io/component": "web" },
        });
        expect(web.ingress).toEqual([
            {
                from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "nginx-ingress" } } }],
                ports: [{ protocol: "TCP", port: stackValues(stack)["capstan:app"].web.port }],
            },
        ]);
        // No other policy admits anything in.
        const admitting = Object.entries(policies).filter(([, s]) => (s.ingress ?? []).length > 0);
        expect(admitting.map(([name]) => name)).toEqual(["allow-web-from-ingress-controllers"]);
    });

    it("lets the pods out to the cluster DNS and, by default, to HTTPS anywhere", () => {
        expect(policies["allow-dns"].egress[0].ports).toEqual([
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
        ]);
        expect(egressOf(policies["allow-egress"])).toEqual([["0.0.0.0/0", [443]]]);
    });
});

describe("the app namespace's egress", () => {
    it("adds the stack's own database and cache subnets, on their ports, to app.egress", async () => {
        const app = { ...stackValues("prod")["capstan:app"], egress: [{ cidr: "0.0.0.0/0", ports: [443, 8443] }] };
        const policies = await policiesOf("prod", { "capstan:app": app });
        const egress = egressOf(policies["allow-egress"]);
        expect(egress[0]).toEqual(["0.0.0.0/0", [443, 8443]]);
        const ports = new Set(egress.slice(1).map(([, p]) => (p as number[]).join()));
        expect(ports).toEqual(new Set(["5432", "6379"]));
        expect(egress.length).toBe(1 + 2 * stackValues("prod")["capstan:network"].availabilityZones.length);
    });

    it.each<[string, string, (r: Obj) => void, RegExp]>([
        [
            "in a tenant stack, whose namespace takes tenant.egress",
            "tenant-acme",
            (r) => (r.app.egress = [{ cidr: "0.0.0.0/0", ports: [443] }]),
            /capstan:tenant\.egress/,
        ],
        [
            "without HTTPS, which the app's AWS data needs",
            "staging",
            (r) => (r.app.egress = [{ cidr: "10.0.0.0/8", ports: [5432] }]),
            /AWS APIs over HTTPS/,
        ],
    ])("is refused %s", (_name, stack, mutate, message) => {
        const problems = problemsOf(stack, mutate);
        expect(problems.map((p) => p.path)).toEqual(["capstan:app.egress"]);
        expect(problems[0].message).toMatch(message);
    });
});
