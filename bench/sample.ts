/**
 * One benchmark sample, run in a fresh node process (see measure.ts): loads what a render needs,
 * renders once, and prints its timings as one JSON line. The program side renders a stack through
 * `renderStack`, exactly as `npm run render` does; the floor side replays that render's plan.
 *
 * Only type imports at the top: every module is loaded inside a timed phase.
 */
import * as fs from "fs";
import type { Plan } from "../scripts/render/plan";
import type { Replay } from "./replay";

/** What the parent asks of one sample. */
export interface SampleJob {
    readonly side: "program" | "floor";
    /** The project directory. */
    readonly dir: string;
    readonly stack: string;
    readonly overrides: Record<string, unknown>;
    /** Floor only: the replay (plan, component/custom flags, upstream outputs) as JSON. */
    readonly replayFile?: string;
    /** Floor only: the program's plan.json, which the floor's render must reproduce byte for byte. */
    readonly planFile?: string;
}

/**
 * The figures of one render, times in milliseconds: what a sample reports (times since its process
 * started) and what a series reports as the median over its samples (see measure.ts).
 */
export interface RenderFigures {
    /** Node, ts-node and this script ready. */
    readonly startupMs: number;
    /** Loading modules (and, for the floor, its plan), including those required during the render. */
    readonly loadMs: number;
    /** The render: config, the run under the mock engine, plan.json and manifests.yaml text; without module loading. */
    readonly evalMs: number;
    /** Of loadMs: modules required while the render ran (provider SDK modules load on first use). */
    readonly lazyLoadMs: number;
    /** CPU time (user + system) of the render: unlike wall time, barely moved by other processes. */
    readonly evalCpuMs: number;
    /** Floor only: the run under the mock engine alone, and the plan and manifests text alone. */
    readonly runMs?: number;
    readonly outputMs?: number;
    readonly resources: number;
    /** Floor only: whether the replay rendered exactly the program's plan.json. */
    readonly samePlan?: boolean;
}

/** What one sample reports. */
export interface SampleReport extends RenderFigures {
    /** Peak resident set size of this process, in KiB. */
    readonly maxRssKiB: number;
}

export const REPORT_PREFIX = "capstan-bench-sample ";

/**
 * Times every outermost `require` from now until `stop()`. The provider SDKs load the module of
 * each resource type on its first use, so a render keeps loading modules while it runs: that time
 * is module loading, and is moved out of evaluation on both sides.
 */
function timeRequires(): { stop(): { wallMs: number; cpuMs: number } } {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Module = require("module") as { _load: (...args: unknown[]) => unknown };
    const original = Module._load;
    let depth = 0;
    let wallMs = 0;
    let cpu = 0;
    Module._load = function (this: unknown, ...args: unknown[]) {
        if (depth > 0) return original.apply(this, args);
        depth++;
        const t = performance.now();
        const c = cpuMs();
        try {
            return original.apply(this, args);
        } finally {
            wallMs += performance.now() - t;
            cpu += cpuMs() - c;
            depth--;
        }
    };
    return {
        stop() {
            Module._load = original;
            return { wallMs, cpuMs: cpu };
        },
    };
}

/** CPU time the process has used so far, in milliseconds. */
function cpuMs(): number {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
}

async function programSample(job: SampleJob, startupMs: number): Promise<SampleReport> {
    // Everything a `pulumi preview` of index.ts loads: the SDKs the components build on and
    // index.ts with its imports, compiled by ts-node as the Pulumi CLI does.
    await import("@pulumi/pulumi");
    await import("@pulumi/aws");
    await import("@pulumi/kubernetes");
    const { loadProgram } = await import("../scripts/cli/program");
    const { renderStack } = await import("../scripts/render/render");
    const program = loadProgram(job.dir);
    const loaded = performance.now();
    const cpu = cpuMs();
    const requires = timeRequires();
    const rendered = await renderStack(job.stack, { dir: job.dir, program, overrides: job.overrides });
    const lazy = requires.stop();
    const done = performance.now();
    return {
        startupMs,
        loadMs: loaded - startupMs + lazy.wallMs,
        evalMs: done - loaded - lazy.wallMs,
        lazyLoadMs: lazy.wallMs,
        evalCpuMs: cpuMs() - cpu - lazy.cpuMs,
        resources: rendered.plan.resources.length,
        maxRssKiB: process.resourceUsage().maxRSS,
    };
}

async function floorSample(job: SampleJob, startupMs: number): Promise<SampleReport> {
    // What the floor needs: the SDKs whose resource classes it declares, the mock engine and the
    // render's output code.
    await import("@pulumi/pulumi");
    await import("@pulumi/aws");
    await import("@pulumi/kubernetes");
    const { runProgram } = await import("../scripts/render/engine");
    const { planJson, toManifestObjects, toManifestsYaml, toPlan } = await import("../scripts/render/plan");
    const { loadProjectFile, loadStackFile, toRuntimeConfig } = await import("../scripts/cli/stackfile");
    const { replayProgram } = await import("./replay");
    if (!job.replayFile || !job.planFile) throw new Error("a floor sample needs replayFile and planFile");
    const replay = JSON.parse(fs.readFileSync(job.replayFile, "utf8")) as Replay;
    const loaded = performance.now();
    const cpu = cpuMs();
    const requires = timeRequires();

    // The steps of renderStack, with the replay in place of index.ts.
    const project = loadProjectFile(job.dir);
    const runtime = toRuntimeConfig(project, { ...loadStackFile(job.dir, project.name, job.stack), ...job.overrides });
    const result = await runProgram(replayProgram(replay), {
        project: project.name,
        stack: job.stack,
        config: runtime.config,
        secretKeys: runtime.secretKeys,
        stackOutputs: replay.stackOutputs,
    });
    const ran = performance.now();
    const plan: Plan = toPlan(project.name, job.stack, result);
    const files = { "plan.json": planJson(plan), "manifests.yaml": toManifestsYaml(toManifestObjects(result)) };
    const lazy = requires.stop();
    const done = performance.now();
    const evalCpuMs = cpuMs() - cpu - lazy.cpuMs;

    return {
        startupMs,
        loadMs: loaded - startupMs + lazy.wallMs,
        evalMs: done - loaded - lazy.wallMs,
        lazyLoadMs: lazy.wallMs,
        evalCpuMs,
        runMs: ran - loaded - lazy.wallMs,
        outputMs: done - ran,
        resources: plan.resources.length,
        maxRssKiB: process.resourceUsage().maxRSS,
        samePlan: files["plan.json"] === fs.readFileSync(job.planFile, "utf8"),
    };
}

/** Runs the job named on the command line and prints the report. */
export async function main(argv: readonly string[]): Promise<number> {
    const startupMs = performance.now();
    const job = JSON.parse(fs.readFileSync(argv[0], "utf8")) as SampleJob;
    const report = job.side === "program" ? await programSample(job, startupMs) : await floorSample(job, startupMs);
    await new Promise<void>((resolve) =>
        process.stdout.write(`${REPORT_PREFIX}${JSON.stringify(report)}\n`, () => resolve()),
    );
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (err: unknown) => {
            process.stderr.write(`bench sample: ${(err as Error).stack ?? String(err)}\n`);
            process.exit(1);
        },
    );
}
