/**
 * The canary steps: their order, the config each writes, and the guard that lets a step change the
 * canary's objects and routes (and, to promote, roll the stable pods to the canary's tag) but
 * nothing else. The command runs against a fake backend here and against the real engine in the
 * e2e suite.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CanaryStep } from "../../../scripts/ops/args";
import { main as canaryMain } from "../../../scripts/commands/canary";
import {
    checkCanaryPreview,
    DEFAULT_CANARY_COOKIE,
    nextState,
    stepProblem,
    type CanaryState,
} from "../../../scripts/ops/canaryPlan";
import { quietBackend } from "../../deployFakes";
import type { DeployBackend, PreviewStep } from "../../../scripts/deploy/types";

const STABLE = "2026.12.01-aaa";
const CANARY = "2026.12.04-bbb";
const running: CanaryState = {
    imageTag: STABLE,
    canary: { imageTag: CANARY, cookie: DEFAULT_CANARY_COOKIE, weight: 0 },
};
const none: CanaryState = { imageTag: STABLE };

describe("the canary steps' order", () => {
    it.each<[string, CanaryStep, CanaryState, RegExp | undefined]>([
        ["start with no canary", { step: "start", tag: CANARY }, none, undefined],
        ["start while one runs", { step: "start", tag: "x" }, running, /already declared.*promote or abort it/],
        ["start at the stable tag", { step: "start", tag: STABLE }, none, /already run 2026.12.01-aaa/],
        ["weight with no canary", { step: "weight", weight: 10 }, none, /declares no canary/],
        ["weight of a running canary", { step: "weight", weight: 10 }, running, undefined],
        ["promote with no canary", { step: "promote" }, none, /declares no canary to promote/],
        ["abort with no canary", { step: "abort" }, none, /declares no canary to abort/],
        ["promote a running canary", { step: "promote" }, running, undefined],
    ])("%s", (_what, step, state, problem) => {
        const found = stepProblem(step, state);
        if (problem) expect(found).toMatch(problem);
        else expect(found).toBeUndefined();
    });

    it("writes each step's config: start (cookie only), weight, promote (the canary's tag, no canary), abort (no canary)", () => {
        expect(nextState({ step: "start", tag: CANARY }, none)).toEqual(running);
        expect(
            nextState({ step: "start", tag: CANARY, header: { name: "X-Canary", value: "1" } }, none).canary,
        ).toEqual({
            imageTag: CANARY,
            header: { name: "X-Canary", value: "1" },
            weight: 0,
        });
        expect(nextState({ step: "weight", weight: 25 }, running).canary?.weight).toBe(25);
        expect(nextState({ step: "promote" }, running)).toEqual({ imageTag: CANARY, previousImageTag: STABLE });
        expect(nextState({ step: "abort" }, running)).toEqual({ imageTag: STABLE });
    });
});

const URN = "urn:pulumi:staging::capstan::capstan:app:RailsApp";
const step = (
    op: string,
    type: string,
    chain: string,
    name: string,
    extra: Partial<PreviewStep> = {},
): PreviewStep => ({
    op,
    type,
    urn: `${URN}${chain}$${type}::${name}`,
    ...extra,
});
const canaryDeployment = step(
    "delete",
    "kubernetes:apps/v1:Deployment",
    "$capstan:app:Canary$capstan:app:WebService",
    "phraseapp-canary-web",
);
const routes = step(
    "update",
    "kubernetes:k8s.nginx.org/v1:VirtualServer",
    "$capstan:app:WebService",
    "phraseapp-web-public",
    {
        diffKeys: ["spec.routes"],
    },
);
const stableRoll = step("update", "kubernetes:apps/v1:Deployment", "$capstan:app:WebService", "phraseapp-web", {
    diffKeys: ["spec.template.spec.containers[0].image"],
    oldInputs: { spec: { template: { spec: { containers: [{ image: `repo:${STABLE}` }] } } } },
    newInputs: { spec: { template: { spec: { containers: [{ image: `repo:${CANARY}` }] } } } },
});
const hpaChange = step(
    "update",
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    "$capstan:app:WebService",
    "phraseapp-web",
    {
        diffKeys: ["spec.maxReplicas"],
    },
);

describe("the canary guard", () => {
    it("gives the step the canary's objects and the routes, and the rest to the deploy guard", () => {
        const r = checkCanaryPreview(
            [canaryDeployment, routes, stableRoll],
            running,
            nextState({ step: "promote" }, running),
        );
        expect(r.canary).toEqual([canaryDeployment, routes]);
        expect(r.rest.rolls.map((x) => x.name)).toEqual(["phraseapp-web"]);
        expect(r.rest.others).toEqual([]);
    });

    it("sees any other change, such as an autoscaler's maximum, as not the step's", () => {
        const r = checkCanaryPreview([canaryDeployment, hpaChange], running, nextState({ step: "abort" }, running));
        expect(r.rest.others.map((o) => o.name)).toEqual(["phraseapp-web"]);
    });
});

describe("capstan canary against a fake backend", () => {
    let dir: string;
    let file: string;
    const original = YAML.stringify({ config: { "capstan:imageTag": STABLE, "capstan:canary": running.canary } });

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-canary-"));
        file = path.join(dir, "Pulumi.staging.yaml");
        fs.writeFileSync(file, original);
        process.env.CAPSTAN_STACK_DIR = dir;
    });
    afterEach(() => {
        delete process.env.CAPSTAN_STACK_DIR;
        fs.rmSync(dir, { recursive: true, force: true });
    });

    type Seen = { targets?: readonly string[]; fileAtPreview?: string; stackFileAtPreview?: string };

    function backend(preview: PreviewStep[], seen: Seen): DeployBackend {
        return quietBackend({
            dir,
            stackFile: file,
            deployedTag: STABLE,
            preview: async (configFile) => {
                seen.fileAtPreview = fs.readFileSync(configFile, "utf8");
                seen.stackFileAtPreview = fs.readFileSync(file, "utf8");
                return preview;
            },
            up: async (_configFile, targets) => {
                seen.targets = targets;
                return { ok: true, failures: [] };
            },
        });
    }

    const run = async (argv: string[], b: DeployBackend) => {
        let stdout = "";
        let stderr = "";
        const code = await canaryMain(
            argv,
            { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), interactive: false },
            b,
        );
        return { code, stdout, stderr };
    };

    it("abort previews without the canary, updates only the canary's objects and routes, and keeps the stable tag", async () => {
        const seen: Seen = {};
        const r = await run(["staging", "abort", "--yes"], backend([canaryDeployment, routes], seen));
        expect(r.code, r.stderr).toBe(0);
        expect(YAML.parse(seen.fileAtPreview!).config).toEqual({ "capstan:imageTag": STABLE });
        // The engine read a pinned copy; the stack file was written only once the step applied.
        expect(seen.stackFileAtPreview).toBe(original);
        expect(seen.targets).toEqual([canaryDeployment.urn, routes.urn]);
        expect(YAML.parse(fs.readFileSync(file, "utf8")).config).toEqual({ "capstan:imageTag": STABLE });
    });

    it("keeps how canaries release (steps, analysis, the sticky cookie's name) when abort removes the canary", async () => {
        const release = {
            steps: [20, 60],
            analysis: { prometheusUrl: "http://localhost:9090", count: 3 },
            stickyCookie: "shop_side",
        };
        fs.writeFileSync(
            file,
            YAML.stringify({
                config: { "capstan:imageTag": STABLE, "capstan:canary": { ...running.canary, ...release } },
            }),
        );
        const seen: Seen = {};
        const r = await run(["staging", "abort", "--yes"], backend([canaryDeployment, routes], seen));
        expect(r.code, r.stderr).toBe(0);
        const want = { "capstan:imageTag": STABLE, "capstan:canary": release };
        expect(YAML.parse(seen.fileAtPreview!).config).toEqual(want);
        expect(YAML.parse(fs.readFileSync(file, "utf8")).config).toEqual(want);
    });

    it("keeps the sticky cookie's name when it is all the stack file says of releases", async () => {
        fs.writeFileSync(
            file,
            YAML.stringify({
                config: {
                    "capstan:imageTag": STABLE,
                    "capstan:canary": { ...running.canary, stickyCookie: "shop_side" },
                },
            }),
        );
        const r = await run(["staging", "abort", "--yes"], backend([canaryDeployment, routes], {}));
        expect(r.code, r.stderr).toBe(0);
        expect(YAML.parse(fs.readFileSync(file, "utf8")).config).toEqual({
            "capstan:imageTag": STABLE,
            "capstan:canary": { stickyCookie: "shop_side" },
        });
    });

    it("refuses a step on a capstan:canary the config schema refuses, naming the key path, before any preview", async () => {
        const text = YAML.stringify({
            config: { "capstan:imageTag": STABLE, "capstan:canary": { ...running.canary, weight: 150 } },
        });
        fs.writeFileSync(file, text);
        const seen: Seen = {};
        const r = await run(["staging", "abort", "--yes"], backend([canaryDeployment, routes], seen));
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/capstan:canary\.weight: .*150/);
        expect(seen.fileAtPreview).toBeUndefined();
        expect(fs.readFileSync(file, "utf8")).toBe(text);
    });

    it("refuses a step that would change something else, and leaves the stack file as it was", async () => {
        const seen: Seen = {};
        const r = await run(["staging", "weight", "10", "--yes"], backend([routes, stableRoll], seen));
        expect(r.code).toBe(3);
        expect(r.stderr).toMatch(/besides the canary, this update would change:\n.*phraseapp-web/);
        expect(seen.targets).toBeUndefined();
        expect(fs.readFileSync(file, "utf8")).toBe(original);
    });

    it("refuses a step out of order with exit 2 before previewing anything", async () => {
        const seen: Seen = {};
        const r = await run(["staging", "start", "2026.12.05-ccc", "--yes"], backend([], seen));
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/^canary: stack staging: a canary of 2026.12.04-bbb is already declared/);
        expect(seen.fileAtPreview).toBeUndefined();
    });

    it("asks before changing anything, and without a terminal changes nothing", async () => {
        const seen: Seen = {};
        const r = await run(["staging", "promote"], backend([canaryDeployment, stableRoll], seen));
        expect(r.code).toBe(3);
        expect(r.stderr).toMatch(/no terminal to ask on/);
        expect(fs.readFileSync(file, "utf8")).toBe(original);
    });
});
