/**
 * `npm run bench [-- --samples N] [--only staging,synthetic-200] [--out FILE] [--markdown]`:
 * what a render of each stack costs, against what the mock engine alone costs for the same plan.
 * Prints a table and the targets, and writes bench/results.json (with --only: out/bench/results.json;
 * --out FILE chooses). See docs/benchmarks.md.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { diffPlans } from "../scripts/render/diff";
import { HelpRequest, isHelp, readCommandLine, runAsProcess, UsageError } from "../scripts/cli/cli";
import type { Program } from "../scripts/render/engine";
import { planJson } from "../scripts/render/plan";
import { loadProgram, PROJECT_DIR } from "../scripts/cli/program";
import { renderStack } from "../scripts/render/render";
import { loadProjectFile, loadStackFile } from "../scripts/cli/stackfile";
import { engineBench, type EngineOptions } from "./engine";
import { runPairedSeries } from "./measure";
import { toReplay } from "./replay";
import {
    derived,
    growthLines,
    markdownTable,
    targetLines,
    targets,
    textTable,
    type ImageBump,
    type PreviousResult,
    type StackResult,
} from "./report";
import type { SampleJob } from "./sample";
import { benchStacks, type BenchStack } from "./synthetic";

/** The committed stacks the issue names, and the sizes of the synthetic stacks built from the first. */
const COMMITTED = ["staging", "prod"];
const SYNTHETIC_SIZES = [10, 50, 200];
/** Two tags for the image bump: the stack's own, and another one. */
const BUMP_TAGS = ["2026.12.01-7e3d2a9", "2026.12.02-b5c8f10"];

export interface Options {
    samples: number;
    only?: string[];
    out: string;
    markdown: boolean;
}

const USAGE = [
    "usage: npm run bench -- [--samples N] [--only LABEL,...] [--out FILE] [--markdown]",
    "       npm run bench -- --engine [--crds FILE|URL] [--sizes N,...] [--out FILE]   (needs npm run toolchain)",
].join("\n");

/** Where the real engine's figures go. */
export const ENGINE_RESULTS = path.join(PROJECT_DIR, "bench", "engine-results.json");

export function parseEngineArgs(argv: readonly string[]): EngineOptions {
    const opts: EngineOptions = { sizes: [...SYNTHETIC_SIZES], out: ENGINE_RESULTS };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined) throw new UsageError(`${a} needs a value`);
            return v;
        };
        if (isHelp(a)) throw new HelpRequest();
        if (a === "--engine") continue;
        else if (a === "--crds") opts.crds = value();
        else if (a === "--out") opts.out = path.resolve(value());
        else if (a === "--sizes") {
            opts.sizes = value().split(",").map(Number);
            if (opts.sizes.some((n) => !Number.isInteger(n) || n < 1))
                throw new UsageError("--sizes needs whole numbers >= 1");
        } else throw new UsageError(`unknown argument ${a} with --engine`);
    }
    return opts;
}

/** Where a full run's results are committed; a partial run (`--only`) goes to PARTIAL_RESULTS instead. */
export const FULL_RESULTS = path.join(PROJECT_DIR, "bench", "results.json");
export const PARTIAL_RESULTS = path.join(PROJECT_DIR, "out", "bench", "results.json");

export function parseArgs(argv: readonly string[]): Options {
    let out: string | undefined;
    const opts: Options = { samples: 5, out: FULL_RESULTS, markdown: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined) throw new UsageError(`${a} needs a value`);
            return v;
        };
        if (isHelp(a)) throw new HelpRequest();
        if (a === "--samples") {
            opts.samples = Number(value());
            if (!Number.isInteger(opts.samples) || opts.samples < 1)
                throw new UsageError("--samples needs a whole number >= 1");
        } else if (a === "--only") opts.only = value().split(",");
        else if (a === "--out") out = path.resolve(value());
        else if (a === "--markdown") opts.markdown = true;
        else throw new UsageError(`unknown argument ${a}`);
    }
    // Some stacks only: never over the committed results of every stack.
    opts.out = out ?? (opts.only ? PARTIAL_RESULTS : FULL_RESULTS);
    return opts;
}

/** The values a stack renders with: its file, with the overrides applied. */
function valuesOf(s: BenchStack): Record<string, unknown> {
    const project = loadProjectFile(PROJECT_DIR);
    return { ...loadStackFile(PROJECT_DIR, project.name, s.stack), ...s.overrides };
}

function workloadsOf(values: Record<string, unknown>): { workers: number; cron: number } {
    const app = (values["capstan:app"] ?? {}) as { workers?: unknown[]; cron?: unknown[] };
    return { workers: app.workers?.length ?? 0, cron: app.cron?.length ?? 0 };
}

/** Renders the stack with two image tags and counts the resources whose plan entries differ. */
async function imageBump(
    s: BenchStack,
    program: Program,
    workloads: { workers: number; cron: number },
): Promise<ImageBump> {
    const render = (tag: string) =>
        renderStack(s.stack, { dir: PROJECT_DIR, program, overrides: { ...s.overrides, "capstan:imageTag": tag } });
    const before = await render(BUMP_TAGS[0]);
    const after = await render(BUMP_TAGS[1]);
    const diff = diffPlans(before.plan, after.plan);
    return {
        changed: diff.update.length + diff.replace.length + diff.create.length,
        updated: diff.update.length,
        replaced: diff.replace.length,
        created: diff.create.length,
        deleted: diff.delete.length,
        expected: 1 + workloads.workers + workloads.cron + 1,
    };
}

async function benchStack(
    s: BenchStack,
    program: Program,
    work: string,
    samples: number,
    log: (t: string) => void,
): Promise<StackResult> {
    const values = valuesOf(s);
    const workloads = workloadsOf(values);
    const rendered = await renderStack(s.stack, { dir: PROJECT_DIR, program, overrides: s.overrides });
    const bump = await imageBump(s, program, workloads);

    const dir = path.join(work, s.label);
    fs.mkdirSync(dir, { recursive: true });
    const planFile = path.join(dir, "plan.json");
    const replayFile = path.join(dir, "replay.json");
    fs.writeFileSync(planFile, planJson(rendered.plan));
    fs.writeFileSync(replayFile, JSON.stringify(toReplay(rendered.plan, rendered.result)));

    const base = { dir: PROJECT_DIR, stack: s.stack, overrides: s.overrides };
    const { program: programSeries, floor: floorSeries } = await runPairedSeries(
        {
            program: { job: { ...base, side: "program" } satisfies SampleJob, file: path.join(dir, "program.json") },
            floor: {
                job: { ...base, side: "floor", replayFile, planFile } satisfies SampleJob,
                file: path.join(dir, "floor.json"),
            },
        },
        samples,
        (i) => log(`\r${s.label}: sample ${i}/${samples}   `),
    );
    log(`\r${s.label}: done${" ".repeat(20)}\n`);
    if (floorSeries.samePlan !== true)
        throw new Error(
            `${s.label}: the floor's replay did not render the program's plan; its figures would compare different work`,
        );
    if (programSeries.resources !== rendered.plan.resources.length)
        throw new Error(
            `${s.label}: the measured renders registered ${programSeries.resources} resources, the reference render ${rendered.plan.resources.length}`,
        );

    const resources = rendered.plan.resources.length;
    return {
        label: s.label,
        stack: s.stack,
        ...workloads,
        resources,
        program: programSeries,
        floor: floorSeries,
        ...derived(programSeries, floorSeries, resources),
        imageBump: bump,
    };
}

function machine() {
    const cpus = os.cpus();
    return {
        cpus: cpus.length,
        cpuModel: cpus[0]?.model ?? "unknown",
        memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
        platform: `${os.platform()} ${os.arch()} ${os.release()}`,
    };
}

const round2 = (v: number) => Math.round(v * 100) / 100;

function pulumiVersion(): string {
    const pkg = path.join(PROJECT_DIR, "node_modules", "@pulumi", "pulumi", "package.json");
    return (JSON.parse(fs.readFileSync(pkg, "utf8")) as { version: string }).version;
}

/** The stacks to measure: every one, or those `--only` names; undefined (after saying why) for an unknown name. */
function selectStacks(only: readonly string[] | undefined): BenchStack[] | undefined {
    const project = loadProjectFile(PROJECT_DIR);
    const base = COMMITTED[0];
    const stacks = benchStacks(
        COMMITTED,
        { stack: base, values: loadStackFile(PROJECT_DIR, project.name, base) },
        SYNTHETIC_SIZES,
    );
    if (!only) return stacks;
    const unknown = only.filter((l) => !stacks.some((s) => s.label === l));
    if (unknown.length > 0) {
        process.stderr.write(
            `bench: unknown stack ${unknown.join(", ")}; choose from ${stacks.map((s) => s.label).join(", ")}\n`,
        );
        return undefined;
    }
    return stacks.filter((s) => only.includes(s.label));
}

/** Measures each stack in turn, in a scratch folder removed afterwards. */
async function benchAll(stacks: readonly BenchStack[], program: Program, samples: number): Promise<StackResult[]> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-bench-"));
    const results: StackResult[] = [];
    try {
        for (const s of stacks)
            results.push(await benchStack(s, program, work, samples, (t) => process.stderr.write(t)));
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
    return results;
}

/** The results file: the machine, the versions, the method, every stack's figures and the targets. */
function resultsReport(results: StackResult[], samples: number, started: number, loadBefore: number) {
    return {
        date: new Date().toISOString(),
        machine: { ...machine(), loadAverage: { before: round2(loadBefore), after: round2(os.loadavg()[0]) } },
        node: process.version,
        pulumi: pulumiVersion(),
        method: {
            samples,
            warmup: "one program and one floor sample, discarded",
            order: "program and floor samples alternate",
            statistic: "median per figure over the samples, each sample a fresh node process",
            ratioBasis:
                "evaluation / evaluation: module loading differs by design (the floor loads only @pulumi/pulumi)",
        },
        stacks: results,
        targets: targets(results),
        benchSeconds: Math.round((Date.now() - started) / 1000),
    };
}

/** The stacks of the recorded results (bench/results.json), before this run replaces them; none if unreadable. */
function recordedResults(): PreviousResult[] {
    try {
        return (JSON.parse(fs.readFileSync(FULL_RESULTS, "utf8")) as { stacks: PreviousResult[] }).stacks;
    } catch {
        return [];
    }
}

/** The table, the targets met or missed, the growth since the recorded results, and where the results went. */
function summaryText(report: ReturnType<typeof resultsReport>, opts: Options, previous: PreviousResult[]): string {
    const out: string[] = [
        `Capstan render benchmark: node ${process.version}, @pulumi/pulumi ${report.pulumi}, ${report.machine.cpus} x ${report.machine.cpuModel}, load average ${report.machine.loadAverage.before} -> ${report.machine.loadAverage.after}`,
        `Medians of ${opts.samples} fresh processes after a warm-up; times in ms. program/floor ms: wall time of the process; load: module loading; eval: the render.`,
        "",
        textTable(report.stacks),
        "",
        targetLines(report.targets),
        "",
        ...(previous.length > 0
            ? [
                  `Since the recorded results (${path.relative(PROJECT_DIR, FULL_RESULTS)}):`,
                  ...growthLines(previous, report.stacks),
                  "",
              ]
            : []),
        `Wrote ${path.relative(process.cwd(), opts.out)} (${report.benchSeconds} s).`,
    ];
    if (opts.markdown) out.push("", markdownTable(report.stacks));
    return `${out.join("\n")}\n`;
}

export async function main(argv: readonly string[]): Promise<number> {
    if (argv.includes("--engine")) {
        const engine = readCommandLine({ name: "bench", usage: USAGE, stderr: (t) => process.stderr.write(t) }, () =>
            parseEngineArgs(argv),
        );
        return "exitCode" in engine ? engine.exitCode : engineBench(engine.args);
    }
    const line = readCommandLine({ name: "bench", usage: USAGE, stderr: (t) => process.stderr.write(t) }, () =>
        parseArgs(argv),
    );
    if ("exitCode" in line) return line.exitCode;
    const opts = line.args;
    const stacks = selectStacks(opts.only);
    if (!stacks) return 2;
    const program = loadProgram(PROJECT_DIR);
    const started = Date.now();
    const loadBefore = os.loadavg()[0];
    const results = await benchAll(stacks, program, opts.samples);
    const report = resultsReport(results, opts.samples, started, loadBefore);
    const previous = recordedResults();
    fs.mkdirSync(path.dirname(opts.out), { recursive: true });
    fs.writeFileSync(opts.out, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(summaryText(report, opts, previous));
    return 0;
}

if (require.main === module) runAsProcess("bench", main);
