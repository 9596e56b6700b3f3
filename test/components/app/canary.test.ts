/**
 * Canary releases: the three phases are plain config changes of a committed stack, and each
 * renders the routes it should.
 */
import { describe, expect, it } from "vitest";
import { UPSTREAMS } from "../../../components/app";
import { migrationJobName } from "../../../components/app/migration";
import { podProblems, podTemplateOf, webPodProblems } from "./podRules";
import { render, type Rendered } from "../../harness";
import { virtualServerProblems } from "./virtualServerShape";

type Obj = Record<string, any>;
const STABLE = "2026.11.20-4f2c9e1";
const CANARY = "2026.11.21-9a8b7c6";
const cookie = { name: "_AUSER_TYPE", value: "canary" };
const header = { name: "X-Canary", value: "1" };

const PHASES: [string, Record<string, unknown>][] = [
    ["1: cookie only", { "capstan:canary": { imageTag: CANARY, cookie, weight: 0 } }],
    ["2: cookie, header and 10%", { "capstan:canary": { imageTag: CANARY, cookie, header, weight: 10 } }],
    ["3: promoted", { "capstan:imageTag": CANARY, "capstan:canary": undefined }],
];

const kinds = (r: Rendered, kind: string) => (r.manifests as Obj[]).filter((o) => o.kind === kind);
const isCanary = (o: Obj) => JSON.stringify(o.metadata).includes("canary");
/** The upstream each kind of request reaches, from the route of `/`. */
function routing(vs: Obj) {
    const route = vs.spec.routes[0];
    const target = (a: Obj) => a.proxy.upstream;
    return {
        cookie:
            route.matches?.find((m: Obj) => m.conditions[0].cookie)?.action &&
            target(route.matches.find((m: Obj) => m.conditions[0].cookie).action),
        header:
            route.matches?.find((m: Obj) => m.conditions[0].header)?.action &&
            target(route.matches.find((m: Obj) => m.conditions[0].header).action),
        rest: route.splits ? route.splits.map((s: Obj) => [target(s.action), s.weight]) : [[target(route.action), 100]],
    };
}

describe.each(PHASES)("canary phase %s", (phase, overrides) => {
    it("renders the routes of the phase on every VirtualServer", async () => {
        const r = await render("staging", { overrides });
        const servers = kinds(r, "VirtualServer");
        expect(servers.length).toBe(2);
        const expected = {
            "1: cookie only": { cookie: UPSTREAMS.canary, header: undefined, rest: [[UPSTREAMS.stable, 100]] },
            "2: cookie, header and 10%": {
                cookie: UPSTREAMS.canary,
                header: UPSTREAMS.canary,
                rest: [
                    [UPSTREAMS.stable, 90],
                    [UPSTREAMS.canary, 10],
                ],
            },
            "3: promoted": { cookie: undefined, header: undefined, rest: [[UPSTREAMS.stable, 100]] },
        }[phase];
        for (const vs of servers) {
            expect(virtualServerProblems(vs)).toEqual([]);
            expect(routing(vs)).toEqual(expected);
        }
    });
});

describe.each(PHASES.slice(0, 2))("canary phase %s", (_phase, overrides) => {
    it("matches the testers' cookie first, and sends it to the canary's own Service", async () => {
        const r = await render("staging", { overrides });
        for (const vs of kinds(r, "VirtualServer")) {
            expect(vs.spec.routes[0].matches[0].conditions[0]).toEqual({ cookie: cookie.name, value: cookie.value });
            const canaryUpstream = vs.spec.upstreams.find((u: Obj) => u.name === UPSTREAMS.canary);
            expect(canaryUpstream.service).toBe("phraseapp-web-canary");
            expect(kinds(r, "Service").map((s) => s.metadata.name)).toContain(canaryUpstream.service);
        }
    });
});

describe("a canary", () => {
    it("runs the web pods at its own tag, with its own Service, HPA from one pod, PDB and migration gate", async () => {
        const r = await render("staging", { overrides: PHASES[1][1] });
        const deployment = kinds(r, "Deployment").find((d) => d.metadata.name === "phraseapp-web-canary")!;
        expect(deployment.spec.template.spec.containers[0].image).toMatch(new RegExp(`:${CANARY}$`));
        expect(kinds(r, "Service").some((s) => s.metadata.name === "phraseapp-web-canary")).toBe(true);
        expect(
            kinds(r, "HorizontalPodAutoscaler").find((h) => h.spec.scaleTargetRef.name === "phraseapp-web-canary")!.spec
                .minReplicas,
        ).toBe(1);
        expect(
            kinds(r, "PodDisruptionBudget").find((p) => p.metadata.name === "phraseapp-web-canary")!.spec.selector
                .matchLabels,
        ).toEqual(deployment.spec.selector.matchLabels);
        const job = kinds(r, "Job").find((j) => j.metadata.name === migrationJobName("phraseapp", CANARY, "canary"))!;
        expect(job.spec.template.spec.containers[0].image).toMatch(new RegExp(`:${CANARY}$`));
        const plan = r.plan.resources;
        const jobUrn = plan.find(
            (p) =>
                p.type === "kubernetes:batch/v1:Job" &&
                p.inputs.metadata &&
                (p.inputs.metadata as Obj).name === job.metadata.name,
        )!.urn;
        expect(
            plan.find(
                (p) =>
                    p.type === "kubernetes:apps/v1:Deployment" &&
                    (p.inputs.metadata as Obj).name === "phraseapp-web-canary",
            )!.dependsOn,
        ).toEqual([jobUrn]);
    });

    it("routes to the canary only once its Deployment has rolled out: every VirtualServer dependsOn it (plan.json)", async () => {
        for (const phase of [PHASES[0][1], PHASES[1][1]]) {
            const plan = (await render("staging", { overrides: phase })).plan.resources;
            const canaryDeployment = plan.find(
                (p) =>
                    p.type === "kubernetes:apps/v1:Deployment" &&
                    (p.inputs.metadata as Obj).name === "phraseapp-web-canary",
            )!;
            const servers = plan.filter((p) => p.type === "kubernetes:k8s.nginx.org/v1:VirtualServer");
            expect(servers.length).toBe(2);
            for (const vs of servers) expect(vs.dependsOn, vs.name).toContain(canaryDeployment.urn);
        }
    });

    it("passes every invariant of the web pods", async () => {
        const r = await render("staging", { overrides: PHASES[1][1] });
        const web = kinds(r, "Deployment").filter(
            (d) => d.spec.template.metadata.labels["app.kubernetes.io/component"] === "web",
        );
        expect(web.map((d) => d.metadata.name).sort()).toEqual(["phraseapp-web", "phraseapp-web-canary"]);
        const [stable, canary] = [web.find((d) => !isCanary(d))!, web.find(isCanary)!];
        expect(podProblems(podTemplateOf(canary))).toEqual([]);
        expect(webPodProblems(canary.spec.template)).toEqual([]);
        expect(canary.spec.replicas).toBeUndefined();
        // The same pod but for the image and the labels that tell the two Deployments apart.
        const strip = (d: Obj) =>
            JSON.stringify({
                ...d.spec.template.spec,
                containers: d.spec.template.spec.containers.map((c: Obj) => ({ ...c, image: "" })),
                topologySpreadConstraints: [],
            });
        expect(strip(canary)).toBe(strip(stable));
    });

    it("does not exist without capstan:canary: no canary object at all", async () => {
        for (const overrides of [{}, PHASES[2][1]]) {
            const r = await render("staging", { overrides });
            expect((r.manifests as Obj[]).filter(isCanary)).toEqual([]);
            expect(r.plan.resources.filter((p) => /canary/i.test(p.urn))).toEqual([]);
            expect(JSON.stringify(r.manifests)).not.toContain(UPSTREAMS.canary);
        }
    });

    it("promotes without a clash of migration Job names: the stable Job for the canary's tag is a new name", () => {
        expect(migrationJobName("phraseapp", CANARY)).not.toBe(migrationJobName("phraseapp", CANARY, "canary"));
    });

    it("phase 3 is exactly imageTag set to the canary's tag: the stable web pods run it", async () => {
        const tags = async (overrides: Record<string, unknown>) =>
            kinds(await render("staging", { overrides }), "Deployment").map((d) =>
                d.spec.template.spec.containers[0].image.split(":").pop(),
            );
        const before = await tags({});
        expect(before.length).toBeGreaterThan(0);
        expect(new Set(before)).toEqual(new Set([STABLE]));
        expect(new Set(await tags(PHASES[2][1]))).toEqual(new Set([CANARY]));
    });
});
