/**
 * A blue/green release's commands end to end against a fake stack and cluster: the deploy brings
 * the idle colour up at the active colour's size, waits for every pod, runs the checks and the
 * analysis, then switches; each refusal stops before anything changes.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import type { AnalysisConfig } from "../../../components/config/analysisSchema";
import { deployIdle, finishRelease, switchRoutes, type BlueGreenDeps } from "../../../scripts/deploy/blueGreen";
import { readBlueGreen } from "../../../scripts/deploy/blueGreenPlan";
import type { Verdict } from "../../../scripts/deploy/blueGreenVerify";
import type { Session } from "../../../scripts/deploy/session";
import { EXIT } from "../../../scripts/cli/exits";
import type { DeployStack, PreviewStep } from "../../../scripts/deploy/types";

const T1 = "2026.11.20-4f2c9e1";
const T2 = "2026.11.21-9a8b7c6";
const NOW = new Date("2026-12-07T16:00:00Z");
const urn = (chain: string, name: string) => `urn:pulumi:staging::capstan::capstan:app:RailsApp$${chain}::${name}`;
const VS = "kubernetes:k8s.nginx.org/v1:VirtualServer";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

/** What each step's preview shows: the idle colour's objects, the routes, a worker. */
const STEPS = {
    prepare: [
        { op: "create", type: DEPLOYMENT, urn: urn(`capstan:app:WebService$${DEPLOYMENT}`, "phraseapp-web-green") },
        {
            op: "update",
            type: VS,
            urn: urn(`capstan:app:WebService$${VS}`, "phraseapp-web-public-app.example.com"),
            diffKeys: ["spec.upstreams"],
        },
    ],
    routes: [
        {
            op: "update",
            type: VS,
            urn: urn(`capstan:app:WebService$${VS}`, "phraseapp-web-public-app.example.com"),
            diffKeys: ["spec.routes[0].action.proxy.upstream"],
        },
    ],
    worker: [
        {
            op: "update",
            type: DEPLOYMENT,
            urn: urn(`capstan:app:WorkerPool$${DEPLOYMENT}`, "phraseapp-worker-default"),
            diffKeys: ["spec.template.spec.containers[0].image"],
        },
    ],
    prepareBlue: [
        {
            op: "update",
            type: DEPLOYMENT,
            urn: urn(`capstan:app:WebService$${DEPLOYMENT}`, "phraseapp-web"),
            diffKeys: ["spec.template.spec.containers[0].image"],
        },
    ],
    finish: [{ op: "delete", type: DEPLOYMENT, urn: urn(`capstan:app:WebService$${DEPLOYMENT}`, "phraseapp-web") }],
} satisfies Record<string, PreviewStep[]>;

interface FakeOptions {
    release?: Record<string, unknown>;
    previews?: PreviewStep[][];
    /** The idle colour's readiness, one answer per poll (the last one repeats). */
    ready?: (string | undefined)[];
    checks?: number;
    analysis?: AnalysisConfig;
    verdict?: Verdict;
}

function fake(o: FakeOptions = {}) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-bluegreen-"));
    const stackFile = path.join(dir, "Pulumi.staging.yaml");
    fs.writeFileSync(
        stackFile,
        YAML.stringify({
            config: {
                "capstan:imageTag": T1,
                "capstan:app": { name: "phraseapp" },
                "capstan:release": {
                    strategy: "blueGreen",
                    previewHosts: ["preview.example.com"],
                    checks: [{ path: "/up", status: 200 }],
                    ...o.release,
                },
            },
        }),
    );
    const calls: string[] = [];
    const previews = [...(o.previews ?? [STEPS.prepare, STEPS.routes])];
    const stack = {
        name: "staging",
        stackFile,
        preview: async () => (calls.push("preview"), previews.shift() ?? []),
        up: async () => (calls.push("up"), { ok: true, failures: [] }),
        serving: async () => "unknown",
    } as unknown as DeployStack;
    const session = { signal: new AbortController().signal, cancelled: () => false } as unknown as Session;
    let clock = NOW.getTime();
    const ready = [...(o.ready ?? [undefined])];
    const deps: BlueGreenDeps = {
        now: () => new Date(clock),
        sleep: async (ms) => void (clock += ms),
        replicas: async (_s, d) => (calls.push(`replicas ${d}`), 3),
        notReady: async (_s, d, want) => {
            calls.push(`ready? ${d} ${want}`);
            return ready.length > 1 ? ready.shift() : ready[0];
        },
        runChecks: async (_s, d, host, checks) => (
            calls.push(`checks ${d} ${host} ${checks.map((c) => `${c.path}=${c.status}`).join(",")}`),
            o.checks ?? 0
        ),
        analysis: () => o.analysis,
        analyse: async () => (calls.push("analyse"), o.verdict ?? { outcome: "passed" }),
    };
    const out: string[] = [];
    const err: string[] = [];
    const io = {
        stdout: (t: string) => void out.push(t),
        stderr: (t: string) => void err.push(t),
        interactive: false,
        ask: async () => "",
    };
    const bg = () => readBlueGreen(fs.readFileSync(stackFile, "utf8"))!;
    return { stack, session, deps, io, calls, bg, stdout: () => out.join(""), stderr: () => err.join(""), stackFile };
}

const OPTS = { yes: true, force: false, allowInfraChanges: false };

describe("a blue/green deploy", () => {
    it("brings green up with blue's pods, waits for all of them, runs the checks through the preview host, then switches the routes", async () => {
        const f = fake({ ready: ["1 of 3 pods updated, ready and available", undefined] });
        const code = await deployIdle(f.stack, f.session, f.bg(), T2, OPTS, f.io, f.deps);
        expect(code, f.stderr()).toBe(EXIT.ok);
        expect(f.calls).toEqual([
            "replicas phraseapp-web",
            "preview",
            "up",
            "ready? phraseapp-web-green 3",
            "ready? phraseapp-web-green 3",
            "checks phraseapp-web-green preview.example.com /up=200",
            "ready? phraseapp-web-green 3",
            "preview",
            "up",
        ]);
        const after = f.bg();
        expect(after.active).toEqual({ colour: "green", imageTag: T2, replicas: 3 });
        expect(after.idle?.colour).toBe("blue");
        expect(after.release.switchedAt).toBe("2026-12-07T16:00:02Z");
        expect(f.stdout()).toContain("waiting for phraseapp-web-green: 1 of 3 pods");
    });

    it("leaves the routes on blue when the checks fail, and says how to go on", async () => {
        const f = fake({ checks: 1 });
        expect(await deployIdle(f.stack, f.session, f.bg(), T2, OPTS, f.io, f.deps)).toBe(EXIT.failed);
        expect(f.calls.filter((c) => c === "up")).toHaveLength(1);
        expect(f.bg().active.colour).toBe("blue");
        expect(f.bg().idle).toEqual({ colour: "green", imageTag: T2, replicas: 3 });
        expect(f.stderr()).toContain("the routes stay on blue");
        expect(f.stderr()).toContain("its HTTP checks failed");
        expect(f.stderr()).toContain("capstan release staging switch");
    });

    it("does not switch when green never gets all its pods", async () => {
        const f = fake({ ready: ["2 of 3 pods updated, ready and available"] });
        expect(await deployIdle(f.stack, f.session, f.bg(), T2, OPTS, f.io, f.deps)).toBe(EXIT.failed);
        expect(f.calls).not.toContain("checks phraseapp-web-green preview.example.com /up=200");
        expect(f.bg().active.colour).toBe("blue");
        expect(f.stderr()).toContain("not fully ready after 300 s");
    });

    it.each([
        ["failed", { outcome: "analysisFailed" as const, why: "its analysis failed: 5xx" }, EXIT.analysisFailed],
        ["inconclusive", { outcome: "paused" as const, why: "its analysis was inconclusive" }, EXIT.inconclusive],
    ])("with an analysis that %s, exits with its code and does not switch", async (_what, verdict, exit) => {
        const f = fake({ analysis: { intervalSeconds: 30 } as AnalysisConfig, verdict });
        expect(await deployIdle(f.stack, f.session, f.bg(), T2, OPTS, f.io, f.deps)).toBe(exit);
        expect(f.calls).toContain("analyse");
        expect(f.bg().active.colour).toBe("blue");
    });

    it("stops before the switch with --no-switch", async () => {
        const f = fake();
        const code = await deployIdle(f.stack, f.session, f.bg(), T2, { ...OPTS, noSwitch: true }, f.io, f.deps);
        expect(code).toBe(EXIT.ok);
        expect(f.calls.filter((c) => c === "up")).toHaveLength(1);
        expect(f.bg().active.colour).toBe("blue");
        expect(f.stdout()).toContain("capstan release staging switch");
    });

    it("refuses a preview that rolls a worker too, before any update", async () => {
        const f = fake({ previews: [[...STEPS.prepare, ...STEPS.worker]] });
        expect(await deployIdle(f.stack, f.session, f.bg(), T2, OPTS, f.io, f.deps)).toBe(EXIT.refused);
        expect(f.calls).not.toContain("up");
        expect(f.stderr()).toContain("phraseapp-worker-default");
    });

    const switchedToGreen = {
        active: "green",
        colours: { blue: { imageTag: T1 }, green: { imageTag: T2, replicas: 3 } },
        switchedAt: "2026-12-07T15:59:00Z",
        scaleDownDelay: "10m",
    };

    it("refuses a deploy while the switch back is possible, unless --force", async () => {
        const f = fake({ release: switchedToGreen });
        expect(await deployIdle(f.stack, f.session, f.bg(), "2026.11.22-1a2b3c4", OPTS, f.io, f.deps)).toBe(
            EXIT.refused,
        );
        expect(f.calls).toEqual([]);
        expect(f.stderr()).toContain("until 2026-12-07T16:09:00Z");
        const forced = fake({ release: switchedToGreen, previews: [STEPS.prepareBlue, STEPS.routes] });
        const code = await deployIdle(
            forced.stack,
            forced.session,
            forced.bg(),
            "2026.11.22-1a2b3c4",
            { ...OPTS, force: true },
            forced.io,
            forced.deps,
        );
        expect(code, forced.stderr()).toBe(EXIT.ok);
        expect(forced.bg().active).toMatchObject({ colour: "blue", imageTag: "2026.11.22-1a2b3c4" });
    });
});

describe("the switch and the finish", () => {
    it("refuses to switch to a colour that is not fully ready, changing nothing", async () => {
        const f = fake({
            release: { colours: { green: { imageTag: T2, replicas: 3 } } },
            ready: ["2 of 3 pods updated, ready and available"],
        });
        expect(await switchRoutes(f.stack, f.session, f.bg(), "release", { yes: true }, f.io, f.deps)).toBe(
            EXIT.refused,
        );
        expect(f.calls).toEqual(["ready? phraseapp-web-green 3"]);
        expect(f.stderr()).toContain("is not fully ready (2 of 3 pods");
    });

    it("refuses a switch whose preview changes more than the routes", async () => {
        const f = fake({ release: { colours: { green: { imageTag: T2, replicas: 3 } } }, previews: [STEPS.worker] });
        expect(await switchRoutes(f.stack, f.session, f.bg(), "release", { yes: true }, f.io, f.deps)).toBe(
            EXIT.refused,
        );
        expect(f.calls).not.toContain("up");
    });

    it("finishes only after the window: the old colour goes and imageTag becomes the active colour's", async () => {
        const early = fake({ release: { ...switchedToGreenRelease() } });
        expect(await finishRelease(early.stack, early.session, early.bg(), OPTS, early.io, early.deps)).toBe(
            EXIT.refused,
        );
        expect(early.calls).toEqual([]);
        const late = fake({
            release: { ...switchedToGreenRelease(), switchedAt: "2026-12-07T15:00:00Z" },
            previews: [[...STEPS.finish, ...STEPS.worker]],
        });
        expect(await finishRelease(late.stack, late.session, late.bg(), OPTS, late.io, late.deps), late.stderr()).toBe(
            EXIT.ok,
        );
        const config = YAML.parse(fs.readFileSync(late.stackFile, "utf8")).config;
        expect(config["capstan:imageTag"]).toBe(T2);
        expect(config["capstan:release"].colours).toBeUndefined();
        expect(config["capstan:release"].active).toBe("green");
    });
});

function switchedToGreenRelease() {
    return {
        active: "green",
        colours: { blue: { imageTag: T1 }, green: { imageTag: T2, replicas: 3 } },
        switchedAt: "2026-12-07T15:59:00Z",
        scaleDownDelay: "10m",
    };
}
