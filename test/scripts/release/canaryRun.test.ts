/**
 * `capstan canary <stack> run <tag>` and `resume` end to end but for the cluster: the steps go
 * through the guarded step code against a fake deploy backend (which records what each update
 * was given), and the analysis reads a real Prometheus (Debian's binary) scraping the controllers'
 * histogram from the test's exporter. A healthy canary is promoted by itself, a failing one is
 * aborted by itself with the stable tag untouched, a silent one pauses and is resumed.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeployLock } from "../../../scripts/deploy/locks";
import type { DeployBackend, PreviewStep } from "../../../scripts/deploy/types";
import { main as canaryMain } from "../../../scripts/commands/canary";
import { prometheusClient } from "../../../scripts/release/prometheus";
import { readProgress } from "../../../scripts/release/progress";
import { usePrometheus, type Scenario, type Traffic } from "./prometheusHarness";
import { quietBackend } from "../../deployFakes";

const STABLE = "2026.12.01-aaa";
const CANARY = "2026.12.04-bbb";
const ok = (rps: number): Traffic => ({ rps, errorShare: 0, latencyMs: 40 });
const scenario: Scenario = {
    healthy: { stable: ok(30), canary: ok(10) },
    failing: { stable: ok(30), canary: { rps: 10, errorShare: 0.5, latencyMs: 40 } },
    quiet: { stable: ok(30), canary: ok(0) },
};

const routes: PreviewStep = {
    op: "update",
    type: "kubernetes:k8s.nginx.org/v1:VirtualServer",
    urn: "urn:pulumi:staging::capstan::capstan:app:RailsApp$capstan:app:WebService$kubernetes:k8s.nginx.org/v1:VirtualServer::shop-web-public",
};

const prometheus = usePrometheus("shop", () => scenario);

describe("capstan canary run against a real Prometheus", () => {
    let dir: string;
    let file: string;
    /** The canary map each update was given, in order. */
    let updates: unknown[];

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-release-"));
        file = path.join(dir, "Pulumi.staging.yaml");
        const analysis = {
            prometheusUrl: "http://unused",
            intervalSeconds: 5,
            count: 1,
            inconclusiveLimit: 0,
            minRequests: 10,
        };
        fs.writeFileSync(
            file,
            YAML.stringify({ config: { "capstan:imageTag": STABLE, "capstan:canary": { steps: [10, 50], analysis } } }),
        );
        process.env.CAPSTAN_STACK_DIR = dir;
        updates = [];
    });
    afterEach(() => {
        delete process.env.CAPSTAN_STACK_DIR;
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const backend = (): DeployBackend =>
        quietBackend({
            dir,
            stackFile: file,
            deployedTag: STABLE,
            preview: async () => [routes],
            up: async (configFile) => {
                const config = YAML.parse(fs.readFileSync(configFile, "utf8")).config;
                updates.push({ imageTag: config["capstan:imageTag"], weight: config["capstan:canary"]?.weight });
                return { ok: true, failures: [] };
            },
        });

    const run = async (argv: string[], namespace: string) => {
        let stdout = "";
        let stderr = "";
        const code = await canaryMain(
            argv,
            { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), interactive: false },
            backend(),
            {
                target: async () => ({ namespace, app: "shop", outputs: {} }),
                source: () => ({ query: prometheusClient(prometheus().url), from: prometheus().url }),
            },
        );
        return { code, stdout, stderr };
    };
    const config = () => YAML.parse(fs.readFileSync(file, "utf8")).config;

    it("promotes a healthy canary by itself: start, each weight held for its analysis, promote", async () => {
        const r = await run(["staging", "run", CANARY, "--yes"], "healthy");
        expect(r.code, r.stderr).toBe(0);
        expect(updates).toEqual([
            { imageTag: STABLE, weight: 0 },
            { imageTag: STABLE, weight: 10 },
            { imageTag: STABLE, weight: 50 },
            { imageTag: CANARY, weight: undefined },
        ]);
        expect(r.stdout).toMatch(/Step 1 of 2: weight 10%/);
        expect(r.stdout).toMatch(/errorRatio +0 \(stable 0\) +limit ≤ 0\.05 and ≤ stable \+ 0\.01 +pass/);
        expect(r.stdout).toMatch(/interval: pass; 1\/1 passing/);
        // The canary is gone, the release settings stay for the next one.
        expect(config()["capstan:imageTag"]).toBe(CANARY);
        expect(config()["capstan:canary"]).toMatchObject({ steps: [10, 50] });
        expect(config()["capstan:canary"].imageTag).toBeUndefined();
        expect(readProgress(path.join(dir, "locks"), "staging")).toBeUndefined();
    }, 60_000);

    it("aborts a failing canary by itself with exit 5, naming the failing query and values; the stable tag stays", async () => {
        const r = await run(["staging", "run", CANARY, "--yes"], "failing");
        expect(r.code).toBe(5);
        // Prometheus extrapolates `increase` to the window's edges: about a half, not exactly.
        expect(r.stderr).toMatch(/errorRatio: 0\.(4[5-9]|5)\d* is above 0\.05/);
        expect(r.stderr).toMatch(/query: .*upstream=~"vs_failing_shop-\.\+_web-canary"/);
        expect(updates).toEqual([
            { imageTag: STABLE, weight: 0 },
            { imageTag: STABLE, weight: 10 },
            { imageTag: STABLE, weight: undefined },
        ]);
        expect(config()["capstan:imageTag"]).toBe(STABLE);
        expect(config()["capstan:canary"].imageTag).toBeUndefined();
    }, 60_000);

    it("pauses a canary without traffic with exit 6 and the two commands, then resume continues where it stopped", async () => {
        const r = await run(["staging", "run", CANARY, "--yes"], "quiet");
        expect(r.code).toBe(6);
        expect(r.stderr).toMatch(/fewer than minRequests \(10\)/);
        expect(r.stderr).toContain("capstan canary staging resume");
        expect(r.stderr).toContain("capstan canary staging abort");
        expect(readProgress(path.join(dir, "locks"), "staging")).toMatchObject({
            state: "paused",
            step: 0,
            tag: CANARY,
        });
        expect(config()["capstan:canary"]).toMatchObject({ imageTag: CANARY, weight: 10 });

        scenario.quiet = { stable: ok(30), canary: ok(10) };
        const resumed = await run(["staging", "resume", "--yes"], "quiet");
        expect(resumed.code, resumed.stderr).toBe(0);
        // Weight 10 was already set: resume analyses it again, then goes on.
        expect(updates.slice(2)).toEqual([
            { imageTag: STABLE, weight: 50 },
            { imageTag: CANARY, weight: undefined },
        ]);
    }, 90_000);

    it("refuses a run on a stack file without canary.analysis, naming the setting, before any step", async () => {
        fs.writeFileSync(file, YAML.stringify({ config: { "capstan:imageTag": STABLE } }));
        const r = await run(["staging", "run", CANARY, "--yes"], "healthy");
        expect(r.code).toBe(2);
        expect(r.stderr).toContain("stack staging has no capstan:canary.analysis");
        expect(updates).toEqual([]);
    });

    it("refuses a run whose canary settings do not pass the config schema, naming the key path and the value", async () => {
        const canary = { ...config()["capstan:canary"], steps: [10, 150] };
        fs.writeFileSync(file, YAML.stringify({ config: { "capstan:imageTag": STABLE, "capstan:canary": canary } }));
        const r = await run(["staging", "run", CANARY, "--yes"], "healthy");
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/capstan:canary\.steps\.1: .*150/);
        expect(updates).toEqual([]);
    });

    it("refuses a second run while one holds the release, naming the first", async () => {
        const first = DeployLock.take(path.join(dir, "locks"), "staging.release", "capstan canary run 2026.12.03-ccc");
        try {
            const r = await run(["staging", "run", CANARY, "--yes"], "healthy");
            expect(r.code).toBe(3);
            expect(r.stderr).toMatch(/is being released by .*capstan canary run 2026\.12\.03-ccc/);
            expect(updates).toEqual([]);
        } finally {
            if ("lock" in first) first.lock.release();
        }
    });
});
