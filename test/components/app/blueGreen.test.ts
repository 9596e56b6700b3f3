/**
 * Blue/green releases on the render: each state of a release is plain config, and renders the
 * colours, their migrations, and the routes it should; a switch differs from the state before it
 * only in the VirtualServers' routes.
 */
import { describe, expect, it } from "vitest";
import { COLOUR_UPSTREAMS } from "../../../components/app/routes";
import { migrationJobName } from "../../../components/app/migration";
import { render, stackValues, type Rendered } from "../../harness";
import { virtualServerProblems } from "./virtualServerShape";

type Obj = Record<string, any>;
const T1 = "2026.11.20-4f2c9e1";
const T2 = "2026.11.21-9a8b7c6";
const PREVIEW = "preview.local.example.com";
const base = { strategy: "blueGreen", previewHosts: [PREVIEW] };

/** The states of one release of T2 over T1, as the commands write them. */
const STATES = {
    settled: { "capstan:release": base },
    prepared: { "capstan:release": { ...base, colours: { green: { imageTag: T2, replicas: 3 } } } },
    switched: {
        "capstan:release": {
            ...base,
            active: "green",
            colours: { blue: { imageTag: T1 }, green: { imageTag: T2, replicas: 3 } },
            switchedAt: "2026-12-07T16:00:00Z",
        },
    },
    finished: { "capstan:imageTag": T2, "capstan:release": { ...base, active: "green" } },
};

const kinds = (r: Rendered, kind: string) => (r.manifests as Obj[]).filter((o) => o.kind === kind);
const named = (r: Rendered, kind: string, name: string) => kinds(r, kind).find((o) => o.metadata.name === name);
const image = (d: Obj) => d.spec.template.spec.containers[0].image as string;
/** Each VirtualServer's host and the upstream its route of `/` proxies to. */
const routing = (r: Rendered) =>
    Object.fromEntries(kinds(r, "VirtualServer").map((v) => [v.spec.host, v.spec.routes[0].action.proxy.upstream]));

describe("a blue/green release", () => {
    it("settled: one colour, blue, routed as the rolling web is; no preview host", async () => {
        const r = await render("local", { overrides: STATES.settled });
        expect(kinds(r, "Deployment").map((d) => d.metadata.name)).not.toContain("phraseapp-web-green");
        expect(routing(r)).toEqual({
            "staging.local.example.com": COLOUR_UPSTREAMS.blue,
            "staging.internal.local.example.com": COLOUR_UPSTREAMS.blue,
        });
    });

    it("prepared: the idle colour runs the new tag at the replicas it took over, after its own migration; the preview host alone reaches it", async () => {
        const r = await render("local", { overrides: STATES.prepared });
        const green = named(r, "Deployment", "phraseapp-web-green")!;
        expect(image(green)).toMatch(new RegExp(`:${T2}$`));
        expect(named(r, "HorizontalPodAutoscaler", "phraseapp-web-green")!.spec.minReplicas).toBe(3);
        expect(named(r, "Service", "phraseapp-web-green")!.spec.selector).toEqual(green.spec.selector.matchLabels);
        expect(named(r, "Job", migrationJobName("phraseapp", T2, "green"))).toBeDefined();
        const greenRes = r.plan.resources.find(
            (x: Obj) => x.name === "phraseapp-web-green" && x.type.endsWith("Deployment"),
        );
        expect(JSON.stringify(greenRes?.dependsOn)).toContain("phraseapp-migrate-green");
        expect(image(named(r, "Deployment", "phraseapp-web")!)).toMatch(new RegExp(`:${T1}$`));
        expect(image(named(r, "Deployment", "phraseapp-worker-default")!)).toMatch(new RegExp(`:${T1}$`));
        expect(routing(r)).toEqual({
            "staging.local.example.com": COLOUR_UPSTREAMS.blue,
            "staging.internal.local.example.com": COLOUR_UPSTREAMS.blue,
            [PREVIEW]: COLOUR_UPSTREAMS.green,
        });
        for (const vs of kinds(r, "VirtualServer")) expect(virtualServerProblems(vs)).toEqual([]);
    });

    it("switched: the app's hosts reach green, the preview host blue, and nothing but the routes differs from prepared", async () => {
        // One render at a time: the mock engine runs one program per process at once.
        const before = await render("local", { overrides: STATES.prepared });
        const after = await render("local", { overrides: STATES.switched });
        expect(routing(after)).toEqual({
            "staging.local.example.com": COLOUR_UPSTREAMS.green,
            "staging.internal.local.example.com": COLOUR_UPSTREAMS.green,
            [PREVIEW]: COLOUR_UPSTREAMS.blue,
        });
        const byName = (r: Rendered) => new Map((r.manifests as Obj[]).map((o) => [`${o.kind}/${o.metadata.name}`, o]));
        const a = byName(before);
        const b = byName(after);
        expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
        const changed = [...a].filter(([k, o]) => JSON.stringify(o) !== JSON.stringify(b.get(k))).map(([k]) => k);
        expect(
            changed.every((k) => k.startsWith("VirtualServer/")),
            changed.join(", "),
        ).toBe(true);
        for (const k of changed) {
            const { routes: r1, ...rest1 } = a.get(k)!.spec;
            const { routes: r2, ...rest2 } = b.get(k)!.spec;
            expect(rest2).toEqual(rest1);
            expect(r2).not.toEqual(r1);
        }
    });

    it("finished: green alone at the new tag with the configured autoscaling; the workers and cron follow after the stable migration", async () => {
        const r = await render("local", { overrides: STATES.finished });
        const names = kinds(r, "Deployment").map((d) => d.metadata.name);
        expect(names).toContain("phraseapp-web-green");
        expect(names).not.toContain("phraseapp-web");
        expect(named(r, "HorizontalPodAutoscaler", "phraseapp-web-green")!.spec.minReplicas).toBe(2);
        expect(image(named(r, "Deployment", "phraseapp-worker-default")!)).toMatch(new RegExp(`:${T2}$`));
        expect(named(r, "Job", migrationJobName("phraseapp", T2))).toBeDefined();
        expect(kinds(r, "VirtualServer").map((v) => v.spec.host)).not.toContain(PREVIEW);
        expect(routing(r)["staging.local.example.com"]).toBe(COLOUR_UPSTREAMS.green);
    });

    it.each([
        ["settled on blue", STATES.settled],
        ["finished on green", STATES.finished],
    ])(
        "keeps the rolling web's VirtualServers under their URNs (%s), so the strategies change into each other in place",
        async (_s, overrides) => {
            const rolling = await render("local");
            const bg = await render("local", { overrides });
            const vsType = "kubernetes:k8s.nginx.org/v1:VirtualServer";
            const urns = (r: Rendered) =>
                r.plan.resources
                    .filter((x: Obj) => x.type === vsType)
                    .map((x: Obj) => x.urn)
                    .sort();
            expect(urns(bg)).toEqual(urns(rolling));
            const blue = (r: Rendered) =>
                r.plan.resources
                    .filter((x: Obj) => x.name === "phraseapp-web" && x.type.startsWith("kubernetes:apps"))
                    .map((x: Obj) => x.urn);
            if (overrides === STATES.settled) expect(blue(bg)).toEqual(blue(rolling));
        },
    );
});

describe("a blue/green release's verification and assets", () => {
    const checks = [{ path: "/up", status: 200 }];
    const policy = (r: Rendered) => named(r, "NetworkPolicy", "allow-release-checks-to-ingress-controllers");

    it("with checks: the checks' pods may reach the public ingress controller on the offloaded listener, which the outputs name", async () => {
        const r = await render("local", {
            overrides: { "capstan:release": { ...STATES.prepared["capstan:release"], checks } },
        });
        const p = policy(r)!;
        expect(p.spec.podSelector).toEqual({ matchLabels: { "capstan.dev/release-check": "true" } });
        expect(p.spec.policyTypes).toEqual(["Egress"]);
        expect(p.spec.egress[0].ports).toEqual([{ protocol: "TCP", port: 8443 }]);
        expect(JSON.stringify(p.spec.egress[0].to)).toContain("nginx-ingress");
        expect((r.plan.outputs.release as Obj).checkEntry).toBe(
            "http://nginx-public-edge.nginx-ingress.svc.cluster.local:8443",
        );
    });

    it("without checks, or rolling: no such policy", async () => {
        expect(policy(await render("local", { overrides: STATES.prepared }))).toBeUndefined();
        expect(policy(await render("local"))).toBeUndefined();
    });

    it("a colour at another tag uploads its own assets first, keeping every serving tag's files", async () => {
        const app = stackValues("local")["capstan:app"];
        const r = await render("local", {
            overrides: {
                ...STATES.prepared,
                "capstan:app": { ...app, assets: { bucket: "capstan-local-assets", keyPrefix: "local" } },
            },
        });
        const jobs = kinds(r, "Job").filter((j) => j.metadata.name.startsWith("phraseapp-assets-"));
        const protect = (j: Obj) =>
            (j.spec.template.spec.containers[0].env as Obj[]).find((e) => e.name === "ASSETS_PROTECT")?.value;
        const appImages = (j: Obj) => (j.spec.template.spec.initContainers as Obj[]).map((c) => c.image as string);
        expect(jobs).toHaveLength(2);
        const greenJob = jobs.find((j) => appImages(j).some((i) => i.endsWith(`:${T2}`)))!;
        expect(protect(greenJob)).toBe(`${T1} ${T2}`);
        const greenRes = r.plan.resources.find(
            (x: Obj) => x.name === "phraseapp-web-green" && x.type.endsWith("Deployment"),
        );
        expect(JSON.stringify(greenRes?.dependsOn)).toContain("phraseapp-assets-upload-green");
    });
});
