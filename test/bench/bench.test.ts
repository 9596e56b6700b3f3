import { UsageError } from "../../scripts/cli/cli";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { type Sample, summarizeSeries } from "../../bench/measure";
import { replayProgram, toReplay } from "../../bench/replay";
import { syntheticOverrides } from "../../bench/synthetic";
import { loadConfig, type CapstanConfig } from "../../components/config";
import { workloadNames } from "../../components/core";
import { isSecretValue, runProgram, type Program, type RunResult } from "../../scripts/render/engine";
import { toPlan } from "../../scripts/render/plan";
import { committedStacks, PROJECT_DIR, render, runComponents, stackValues } from "../harness";

describe("synthetic benchmark stacks", () => {
    it.each([0, 1, 10, 50, 200])(
        "with %i workloads: a valid staging config with exactly that many workers and cron tasks",
        async (n) => {
            const staging = stackValues("staging");
            let cfg: CapstanConfig | undefined;
            await runComponents(
                () => {
                    cfg = loadConfig();
                },
                { values: { ...staging, ...syntheticOverrides(staging, n) }, stack: "staging" },
            );
            const app = cfg!.app;
            expect(app.workers).toHaveLength(Math.ceil(n / 2));
            expect(app.cron).toHaveLength(Math.floor(n / 2));
            const names = [
                ...app.workers.map((w) => workloadNames.worker(app.name, w.name)),
                ...app.cron.map((c) => workloadNames.cron(app.name, c.name)),
            ];
            expect(new Set(names).size).toBe(n);
            // Everything but the workloads is staging's own.
            expect(app.web).toEqual((await loadedStaging()).app.web);
            expect(app.migrate).toEqual((await loadedStaging()).app.migrate);
        },
    );

    it("leaves the base stack's values untouched", () => {
        const staging = stackValues("staging");
        const before = structuredClone(staging);
        syntheticOverrides(staging, 10);
        expect(staging).toEqual(before);
    });
});

let staging: CapstanConfig | undefined;
async function loadedStaging(): Promise<CapstanConfig> {
    if (!staging) {
        await runComponents(
            () => {
                staging = loadConfig();
            },
            { values: stackValues("staging"), stack: "staging" },
        );
    }
    return staging!;
}

const UPSTREAM = "acme/capstan/prod";

function run(program: Program): Promise<RunResult> {
    return runProgram(program, {
        project: "capstan",
        stack: "bench",
        config: {},
        secretKeys: [],
        stackOutputs: { [UPSTREAM]: { outputs: { clusterName: "prod" }, secretOutputNames: [] } },
    });
}

class Holder extends pulumi.ComponentResource {
    constructor(
        name: string,
        args: { vpc: aws.ec2.Vpc; cidr: pulumi.Input<string> },
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("capstan:bench:Holder", name, args, opts);
        new aws.ec2.Subnet(`${name}-subnet`, { vpcId: args.vpc.id, cidrBlock: args.cidr }, { parent: this });
        this.registerOutputs({});
    }
}

/** A program with one of each thing a render records: components, providers, secrets, options. */
const sampleProgram: Program = async () => {
    const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" }, { protect: true });
    const holder = new Holder("holder", { vpc, cidr: "10.0.1.0/24" }, { dependsOn: [vpc] });
    const upstream = new pulumi.StackReference("upstream", { name: UPSTREAM });
    const provider = new k8s.Provider(
        "k8s",
        { namespace: upstream.getOutput("clusterName") as pulumi.Output<string> },
        { parent: holder },
    );
    new k8s.core.v1.Secret(
        "env",
        { stringData: pulumi.secret({ DATABASE_URL: "postgres://x" }) },
        { parent: holder, provider },
    );
    new k8s.core.v1.ConfigMap(
        "settings",
        { data: { A: "1" } },
        { parent: holder, provider, ignoreChanges: ["data"], dependsOn: [vpc] },
    );
    return { vpcId: vpc.id, password: pulumi.secret("hunter2") };
};

describe("the benchmark's floor", () => {
    it("replays a render as the same resources, kinds, options and inputs, giving the same plan", async () => {
        const original = await run(sampleProgram);
        const plan = toPlan("capstan", "bench", original);
        expect(plan.resources.map((r) => r.type)).toContain("pulumi:providers:kubernetes");

        const replayed = await run(replayProgram(toReplay(plan, original)));

        expect(replayed.resources.map((r) => [r.type, r.name, r.custom])).toEqual(
            original.resources.map((r) => [r.type, r.name, r.custom]),
        );
        expect(toPlan("capstan", "bench", replayed)).toEqual(plan);
        // The replay sends what was secret as a secret, as the program did (the plan only shows "[secret]").
        const secret = replayed.resources.find((r) => r.type === "kubernetes:core/v1:Secret");
        expect(isSecretValue(secret?.inputs.stringData)).toBe(true);
        expect(isSecretValue(replayed.outputs.password)).toBe(true);
        expect(JSON.stringify(secret?.inputs)).not.toContain("postgres://x");
    });

    it.each(committedStacks())("replays the render of stack %s as the same plan", async (stack) => {
        const rendered = await render(stack);
        const replay = toReplay(rendered.plan, rendered.result);
        const replayed = await runProgram(replayProgram(replay), {
            project: rendered.plan.project,
            stack,
            config: {},
            secretKeys: [],
            stackOutputs: replay.stackOutputs,
        });
        const plan = toPlan(rendered.plan.project, stack, replayed);
        expect(plan.resources).toHaveLength(rendered.plan.resources.length);
        expect(plan.resources.map((r) => r.type)).toEqual(rendered.plan.resources.map((r) => r.type));
        expect(plan).toEqual(rendered.plan);
    });
});

describe("npm run bench: where the results go", () => {
    it.each<[string, string[], string]>([
        ["a full run replaces the committed results", [], "bench/results.json"],
        ["a run of some stacks leaves them alone", ["--only", "staging"], "out/bench/results.json"],
        [
            "a run of some stacks with fewer samples too",
            ["--samples", "2", "--only", "prod,synthetic-10"],
            "out/bench/results.json",
        ],
        ["--out chooses for a full run", ["--out", "/tmp/capstan-bench.json"], "/tmp/capstan-bench.json"],
        [
            "--out chooses for a partial run",
            ["--only", "staging", "--out", "/tmp/capstan-bench.json"],
            "/tmp/capstan-bench.json",
        ],
    ])("%s", async (_name, argv, where) => {
        const { parseArgs } = await import("../../bench/bench");
        expect(parseArgs(argv).out).toBe(path.isAbsolute(where) ? where : path.join(PROJECT_DIR, where));
    });
});

describe("npm run bench -- --engine", () => {
    it("deploys stacks of 10, 50 and 200 workloads unless told otherwise, and writes bench/engine-results.json", async () => {
        const { parseEngineArgs } = await import("../../bench/bench");
        expect(parseEngineArgs(["--engine"])).toEqual({
            sizes: [10, 50, 200],
            out: path.join(PROJECT_DIR, "bench", "engine-results.json"),
        });
        expect(parseEngineArgs(["--engine", "--sizes", "10", "--crds", "crds.yaml"])).toMatchObject({
            sizes: [10],
            crds: "crds.yaml",
        });
    });

    it.each([[["--engine", "--sizes", "ten"]], [["--engine", "--samples", "3"]], [["--engine", "--crds"]]])(
        "refuses %j",
        async (argv) => {
            const { parseEngineArgs } = await import("../../bench/bench");
            expect(() => parseEngineArgs(argv)).toThrow(UsageError);
        },
    );
});

describe("a benchmark series reports every figure its samples report", () => {
    const sample = (n: number, floor: boolean): Sample => ({
        wallMs: 100 * n,
        startupMs: 10 * n,
        loadMs: 20 * n,
        evalMs: 30 * n,
        lazyLoadMs: 2 * n,
        evalCpuMs: 25 * n,
        ...(floor ? { runMs: 5 * n, outputMs: 3 * n, samePlan: n !== 9 } : {}),
        resources: 40,
        maxRssKiB: 1024 * 100 * n,
    });

    it("as the median over the samples, the largest RSS in MiB, and the wall times in run order", () => {
        expect(summarizeSeries([sample(3, true), sample(1, true), sample(2, true)])).toEqual({
            wallMs: 200,
            startupMs: 20,
            loadMs: 40,
            evalMs: 60,
            lazyLoadMs: 4,
            evalCpuMs: 50,
            runMs: 10,
            outputMs: 6,
            maxRssMiB: 300,
            resources: 40,
            wallSamplesMs: [300, 100, 200],
            samePlan: true,
        });
    });

    it("the program's series has no floor-only figures, and one differing replay marks the floor's", () => {
        const program = summarizeSeries([sample(1, false), sample(2, false)]);
        expect(program).not.toHaveProperty("runMs");
        expect(program).not.toHaveProperty("samePlan");
        expect(summarizeSeries([sample(1, true), sample(9, true)]).samePlan).toBe(false);
    });
});

describe("npm run bench: how much the render grew", () => {
    it("compares each stack with the recorded results: resources, evaluation and wall time, memory", async () => {
        const { growthLines } = await import("../../bench/report");
        const series = (evalMs: number, wallMs: number, maxRssMiB: number) =>
            ({ evalMs, wallMs, maxRssMiB }) as unknown as import("../../bench/measure").Series;
        const now = [
            { label: "prod", resources: 230, program: series(1000, 3600, 250) },
            { label: "synthetic-500", resources: 1500, program: series(5000, 9000, 500) },
        ] as unknown as import("../../bench/report").StackResult[];
        const before = [{ label: "prod", resources: 202, program: { evalMs: 800, wallMs: 3600, maxRssMiB: 241 } }];
        expect(growthLines(before, now)).toEqual([
            "prod: 202 -> 230 resources (+28), eval 800 -> 1000 ms (+25%), program 3600 -> 3600 ms (+0%), peak RSS 241 -> 250 MiB",
            "synthetic-500: new (1500 resources)",
        ]);
    });
});
