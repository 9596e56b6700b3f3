/**
 * `npm run bench -- --engine [--crds FILE|URL] [--sizes 10,50,200]`: what the real engine costs.
 * On a fresh local cluster (the toolchain of `npm run toolchain`), with kwok's pod delays set to a
 * known value, it measures the local stack's `up` and `preview`, the program's start (inline, and
 * under the language host's type-check for comparison), and a tag deploy of stacks of 10, 50 and
 * 200 workloads against its critical path: the migration plus the slowest rollout.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { lockedVersion, logger, makeWorkspace, missingToolchain, REPO, suiteEnv, type Workspace } from "../e2e/lib/env";
import { addCapacity } from "../e2e/lib/capacity";
import { kubectl, list, run } from "../e2e/lib/kube";
import { SuiteStack } from "../e2e/lib/stacks";
import { anchorDeployMs } from "./anchor";
import { CHURN_PODS, churnFigure, deployTag, type ChurnFigure } from "./churn";
import { seconds, timed } from "./cpu";
import { syntheticWorkloads } from "./synthetic";

/** kwok's delay before a pod becomes ready, and before a Job's pod completes. */
export const POD_DELAY_MS = 3000;
/**
 * The goals: a deploy's overhead over the critical path at 10 and at 200 workloads, `up` from
 * nothing and a preview with nothing to change at 200 workloads (seconds).
 */
export const GOALS = {
    small: { workloads: 10, seconds: 5 },
    large: { workloads: 200, seconds: 30, up: 45, idlePreview: 3 },
};

export interface EngineOptions {
    crds?: string;
    sizes: number[];
    out: string;
}

/**
 * index.ts loaded as the CLI's Node.js language host loads it (the same ts-node registration as
 * test/project/languageHost.test.ts), in a fresh process: its wall time from start to the program function.
 */
const LOAD_PROGRAM = `
const started = process.hrtime.bigint();
const path = require("path");
const fs = require("fs");
const req = require("module").createRequire(path.join(process.cwd(), "index.ts"));
const tsutils = req("@pulumi/pulumi/tsutils");
const tsConfigPath = "tsconfig.pulumi.json";
const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
req(tsnodeRequire).register({
    compiler: typescriptRequire,
    transpileOnly: process.env.PULUMI_NODEJS_TRANSPILE_ONLY === "true",
    project: tsConfigPath,
    compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
});
if (typeof req(path.join(process.cwd(), "index.ts")) !== "function") process.exit(1);
console.log(Number(process.hrtime.bigint() - started) / 1e6);
`;

async function programStart(transpileOnly: boolean): Promise<number> {
    process.env.PULUMI_NODEJS_TRANSPILE_ONLY = String(transpileOnly);
    const r = await run(process.execPath, ["-e", LOAD_PROGRAM], { cwd: REPO });
    delete process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
    if (r.code !== 0) throw new Error(`loading index.ts failed: ${r.stderr}`);
    return Number(r.stdout.trim());
}

/** Sets the delay of kwok's pod-ready and pod-complete stages to POD_DELAY_MS, without jitter. */
async function setPodDelays(): Promise<void> {
    const delay = { delay: { durationMilliseconds: POD_DELAY_MS, jitterDurationMilliseconds: POD_DELAY_MS } };
    for (const stage of ["pod-ready", "pod-complete"])
        await kubectl(["patch", "stage", stage, "--type", "merge", "-p", JSON.stringify({ spec: delay })]);
}

/** Pulumi.local.yaml in its own namespace and hosts, with `workloads` generated workers and cron tasks. */
function benchStackText(workloads: number, kubeContext: string): string {
    const doc = YAML.parseDocument(fs.readFileSync(path.join(REPO, "Pulumi.local.yaml"), "utf8"));
    const name = `bench-${workloads}`;
    doc.setIn(["config", "capstan:cluster", "context"], kubeContext);
    doc.setIn(["config", "capstan:app", "namespace"], name);
    doc.setIn(["config", "capstan:ingress", "public", "hosts"], [`${name}.local.example.com`]);
    doc.setIn(["config", "capstan:ingress", "internal", "hosts"], [`${name}.internal.local.example.com`]);
    const generated = syntheticWorkloads(workloads);
    doc.setIn(["config", "capstan:app", "workers"], generated.workers);
    doc.setIn(["config", "capstan:app", "cron"], generated.cron);
    return String(doc);
}

/**
 * The critical path of a tag deploy with kwok's delays: the migration Job's pod (ready, then
 * complete) and then the slowest Deployment, one wave of `maxSurge` new pods at a time, each wave
 * a pod delay.
 */
async function criticalPathMs(ns: string): Promise<{ ms: number; slowest: string }> {
    // The HPA may not have scaled a Deployment to its minimum yet: a rollout has at least that many pods.
    const hpas = (await list(["horizontalpodautoscalers", "-n", ns])).map(
        (h) => h.spec as { scaleTargetRef?: { name?: string }; minReplicas?: number },
    );
    const minimum = new Map(hpas.map((h) => [String(h.scaleTargetRef?.name), h.minReplicas ?? 1]));
    const waves = (await list(["deployments", "-n", ns])).map((d) => {
        const spec = d.spec as { replicas?: number; strategy?: { rollingUpdate?: { maxSurge?: string | number } } };
        const replicas = Math.max(spec.replicas ?? 1, minimum.get(d.metadata.name) ?? 1);
        const surge = String(spec.strategy?.rollingUpdate?.maxSurge ?? "25%");
        const perWave = Math.max(
            1,
            surge.endsWith("%") ? Math.ceil((replicas * parseFloat(surge)) / 100) : Number(surge),
        );
        return { name: d.metadata.name, waves: Math.ceil(replicas / perWave) };
    });
    const slowest = waves.reduce((a, b) => (b.waves > a.waves ? b : a));
    return {
        ms: 2 * POD_DELAY_MS + slowest.waves * POD_DELAY_MS,
        slowest: `${slowest.name}: ${slowest.waves} wave(s)`,
    };
}

export interface DeployFigure {
    workloads: number;
    resources: number;
    upSeconds: number;
    /** A preview right after `up`, with nothing to change. */
    idlePreviewSeconds: number;
    deploySeconds: number;
    /** The same tag deploy by a kubectl script (bench/anchor.ts), and the deploy's time over it. */
    anchorSeconds: number;
    ratio: number;
    /** CPU seconds of the deploy's processes (command, CLI, provider, policy pack), and of the script's kubectl runs. */
    deployCpuSeconds: number;
    anchorCpuSeconds: number;
    previewSeconds: number;
    updateSeconds: number;
    criticalPathSeconds: number;
    overSeconds: number;
    slowest: string;
    /** The next tag's deploy while another namespace's pods come and go (bench/churn.ts), at the largest size. */
    churn?: ChurnFigure;
}

/** Deploys a new tag to a stack of `workloads` workloads and sets its wall time beside its critical path. */
async function deployFigure(
    ws: Workspace,
    workloads: number,
    kubeContext: string,
    log: (t: string) => void,
    withChurn = false,
): Promise<DeployFigure> {
    const stack = await SuiteStack.create(ws.stackDir, `bench-${workloads}`, benchStackText(workloads, kubeContext));
    const up = await timed(() => stack.up());
    if (!up.value.ok)
        throw new Error(
            `bench-${workloads}: up failed: ${up.value.errors.map((e) => e.message).join("\n") || up.value.error}`,
        );
    const ns = `bench-${workloads}`;
    const path_ = await criticalPathMs(ns);
    const idlePreview = await timed(() => stack.preview());
    const newTag = `bench-${workloads}-2`;
    const anchor = await anchorDeployMs(ws.stackDir, stack.name, ns, String(stack.read(["capstan:imageTag"])), newTag);
    log(`bench-${workloads} anchor: ${anchor.objects} objects in ${anchor.ms} ms (CPU ${anchor.cpuMs} ms)`);
    const deploy = await deployTag(stack, newTag, log);
    const churn = withChurn ? await churnFigure(stack, `bench-${workloads}-3`, log) : undefined;
    const preview = /\(preview: ([\d.]+) s\)/.exec(deploy.value.stdout)?.[1];
    const update = / in ([\d.]+) s: /.exec(deploy.value.stdout)?.[1];
    const resources = up.value.changes?.create ?? 0;
    await stack.destroy();
    return {
        workloads,
        resources,
        upSeconds: seconds(up.ms),
        idlePreviewSeconds: seconds(idlePreview.ms),
        deploySeconds: seconds(deploy.ms),
        anchorSeconds: seconds(anchor.ms),
        deployCpuSeconds: seconds(deploy.cpuMs),
        anchorCpuSeconds: seconds(anchor.cpuMs),
        ratio: Math.round((deploy.ms / anchor.ms) * 100) / 100,
        previewSeconds: Number(preview),
        updateSeconds: Number(update),
        criticalPathSeconds: seconds(path_.ms),
        overSeconds: seconds(deploy.ms - path_.ms),
        slowest: path_.slowest,
        churn,
    };
}

/** The local stack: up from nothing, a preview with nothing to do, a tag deploy. */
async function localFigures(ws: Workspace, kubeContext: string, log: (t: string) => void) {
    const doc = YAML.parseDocument(fs.readFileSync(path.join(REPO, "Pulumi.local.yaml"), "utf8"));
    doc.setIn(["config", "capstan:cluster", "context"], kubeContext);
    const stack = await SuiteStack.create(ws.stackDir, "local", String(doc));
    const up = await timed(() => stack.up());
    if (!up.value.ok) throw new Error(`local: up failed: ${up.value.error}`);
    const preview = await timed(() => stack.preview());
    const deploy = await timed(() =>
        run("npm", ["run", "--silent", "deploy", "--", "local", "bench-local-2", "--yes"], { cwd: REPO }),
    );
    log(`local deploy:\n${deploy.value.stdout}\n${deploy.value.stderr}`);
    await stack.destroy();
    return {
        upSeconds: seconds(up.ms),
        previewSeconds: seconds(preview.ms),
        deploySeconds: seconds(deploy.ms),
        deployCpuSeconds: seconds(deploy.cpuMs),
        deployPreviewSeconds: Number(/\(preview: ([\d.]+) s\)/.exec(deploy.value.stdout)?.[1]),
        deployUpdateSeconds: Number(/ in ([\d.]+) s: /.exec(deploy.value.stdout)?.[1]),
    };
}

const cell = (v: unknown, width: number) => String(v).padEnd(width);

/** Each goal of GOALS as met or missed, for the sizes measured. */
export function goalLines(deploys: readonly DeployFigure[]): string[] {
    const verdict = (ok: boolean) => (ok ? "met" : "missed");
    const lines: string[] = [];
    const small = deploys.find((d) => d.workloads === GOALS.small.workloads);
    if (small)
        lines.push(
            `goal at ${small.workloads} workloads: deploy within the critical path + ${GOALS.small.seconds} s: ${verdict(small.overSeconds <= GOALS.small.seconds)} (+${small.overSeconds} s; ${small.ratio}x the kubectl script)`,
        );
    const large = deploys.find((d) => d.workloads === GOALS.large.workloads);
    if (large)
        lines.push(
            `goal at ${large.workloads} workloads: deploy within the critical path + ${GOALS.large.seconds} s: ${verdict(large.overSeconds <= GOALS.large.seconds)} (+${large.overSeconds} s; ${large.ratio}x the kubectl script)`,
            `goal at ${large.workloads} workloads: up from nothing within ${GOALS.large.up} s: ${verdict(large.upSeconds <= GOALS.large.up)} (${large.upSeconds} s)`,
            `goal at ${large.workloads} workloads: a preview with nothing to change within ${GOALS.large.idlePreview} s: ${verdict(large.idlePreviewSeconds <= GOALS.large.idlePreview)} (${large.idlePreviewSeconds} s)`,
        );
    return lines;
}

function report(figures: {
    local: Awaited<ReturnType<typeof localFigures>>;
    start: { inline: number; typeChecked: number };
    deploys: DeployFigure[];
    load: { before: number; after: number };
}): string {
    const l = figures.local;
    const lines = [
        `Real engine, local cluster (kwok pod delay ${POD_DELAY_MS / 1000} s, ${os.cpus().length} cores, load average ${figures.load.before} -> ${figures.load.after}); times in seconds`,
        `local stack: up from nothing ${l.upSeconds}, preview with nothing to do ${l.previewSeconds}, tag deploy ${l.deploySeconds} (CPU ${l.deployCpuSeconds}; preview ${l.deployPreviewSeconds}, update ${l.deployUpdateSeconds})`,
        `program start: inline ${seconds(figures.start.inline)}, under the language host's type-check ${seconds(figures.start.typeChecked)}`,
        "",
        "workloads  resources  up      idle preview  deploy  preview  update  kubectl script  deploy/script  CPU deploy/script  critical path  over   slowest rollout",
        ...figures.deploys.map((d) =>
            [
                cell(d.workloads, 10),
                cell(d.resources, 10),
                cell(d.upSeconds, 7),
                cell(d.idlePreviewSeconds, 13),
                cell(d.deploySeconds, 7),
                cell(d.previewSeconds, 8),
                cell(d.updateSeconds, 7),
                cell(d.anchorSeconds, 15),
                cell(d.ratio, 14),
                cell(`${d.deployCpuSeconds}/${d.anchorCpuSeconds}`, 17),
                cell(d.criticalPathSeconds, 14),
                cell(d.overSeconds, 6),
                d.slowest,
            ].join(" "),
        ),
        ...figures.deploys.flatMap((d) =>
            d.churn
                ? [
                      `${d.workloads} workloads while ${CHURN_PODS} pods of another namespace were created and deleted without pause (${d.churn.rounds} rounds, ${d.churn.errors} failed kubectl runs): deploy ${d.churn.deploySeconds} s, quiet ${d.deploySeconds} s`,
                  ]
                : [],
        ),
        "",
        ...goalLines(figures.deploys),
    ];
    return `${lines.join("\n")}\n`;
}

export async function engineBench(opts: EngineOptions): Promise<number> {
    const missing = missingToolchain(lockedVersion("@pulumi/kubernetes"), true);
    if (missing.length) {
        process.stderr.write(
            `bench: the toolchain is not built; missing:\n  ${missing.join("\n  ")}\nBuild it with: npm run toolchain\n`,
        );
        return 1;
    }
    const loadBefore = os.loadavg()[0];
    const ws = makeWorkspace();
    Object.assign(process.env, suiteEnv(ws));
    const log = logger(ws);
    process.stdout.write(`bench: working in ${ws.dir}; details in ${ws.logFile}\n`);
    const up = await run(
        "npm",
        ["run", "--silent", "local-cluster", "--", "up", ...(opts.crds ? ["--crds", opts.crds] : [])],
        { cwd: REPO },
    );
    if (up.code !== 0) throw new Error(`the local cluster did not start: ${up.stderr}`);
    try {
        const kubeContext = (await kubectl(["config", "current-context"])).trim();
        await setPodDelays();
        await addCapacity();
        const start = { inline: await programStart(true), typeChecked: await programStart(false) };
        process.stdout.write("bench: the local stack...\n");
        const local = await localFigures(ws, kubeContext, log);
        const deploys: DeployFigure[] = [];
        for (const n of opts.sizes) {
            process.stdout.write(`bench: ${n} workloads...\n`);
            deploys.push(await deployFigure(ws, n, kubeContext, log, n === Math.max(...opts.sizes)));
        }
        const load = { before: Math.round(loadBefore * 100) / 100, after: Math.round(os.loadavg()[0] * 100) / 100 };
        const figures = { local, start, deploys, load };
        fs.mkdirSync(path.dirname(opts.out), { recursive: true });
        fs.writeFileSync(
            opts.out,
            `${JSON.stringify({ date: new Date().toISOString(), cpus: os.cpus().length, podDelayMs: POD_DELAY_MS, ...figures }, null, 2)}\n`,
        );
        process.stdout.write(report(figures));
        process.stdout.write(`Wrote ${path.relative(process.cwd(), opts.out)}.\n`);
        return 0;
    } finally {
        await run("npm", ["run", "--silent", "local-cluster", "--", "down"], { cwd: REPO });
    }
}
