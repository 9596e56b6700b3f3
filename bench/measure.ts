/**
 * Runs samples in fresh node processes, one after the other, and takes medians. A fresh process per
 * sample is what a user pays on every `pulumi preview`: nothing is loaded or compiled yet.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { type RenderFigures, REPORT_PREFIX, type SampleJob, type SampleReport } from "./sample";

const SAMPLE_SCRIPT = path.join(__dirname, "sample.ts");

/** One sample as the parent saw it: the child's report plus the wall time from spawn to exit. */
export interface Sample extends SampleReport {
    readonly wallMs: number;
}

/** Runs one sample in a fresh process. */
export function runSample(jobFile: string, dir: string): Promise<Sample> {
    return new Promise((resolve, reject) => {
        const start = performance.now();
        const child = spawn(
            process.execPath,
            ["-r", require.resolve("ts-node/register/transpile-only"), SAMPLE_SCRIPT, jobFile],
            {
                cwd: dir,
                env: { ...process.env, TS_NODE_PROJECT: path.join(dir, "tsconfig.pulumi.json") },
                stdio: ["ignore", "pipe", "pipe"],
            },
        );
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => {
            const wallMs = performance.now() - start;
            const line = stdout.split("\n").find((l) => l.startsWith(REPORT_PREFIX));
            if (code !== 0 || !line) {
                reject(new Error(`sample ${path.basename(jobFile)} exited with ${code}:\n${stderr || stdout}`));
                return;
            }
            resolve({ ...(JSON.parse(line.slice(REPORT_PREFIX.length)) as SampleReport), wallMs });
        });
    });
}

export function median(values: readonly number[]): number {
    if (values.length === 0) return NaN;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * One series: each figure the median of that figure over the samples; the resource count is the
 * first sample's, and samePlan holds when it held for every sample.
 */
export interface Series extends RenderFigures {
    /** The median wall time from spawn to exit. */
    readonly wallMs: number;
    /** The largest peak RSS of the series, in MiB. */
    readonly maxRssMiB: number;
    /** Every sample's wall time, in run order. */
    readonly wallSamplesMs: number[];
}

export function summarizeSeries(samples: readonly Sample[]): Series {
    const m = (pick: (s: Sample) => number | undefined) => {
        const values = samples.map(pick).filter((v): v is number => v !== undefined);
        return values.length > 0 ? median(values) : undefined;
    };
    const round = (v: number | undefined) => (v === undefined ? undefined : Math.round(v * 10) / 10);
    const floorOnly = samples[0]?.runMs !== undefined;
    return {
        wallMs: round(m((s) => s.wallMs)) as number,
        startupMs: round(m((s) => s.startupMs)) as number,
        loadMs: round(m((s) => s.loadMs)) as number,
        evalMs: round(m((s) => s.evalMs)) as number,
        lazyLoadMs: round(m((s) => s.lazyLoadMs)) as number,
        evalCpuMs: round(m((s) => s.evalCpuMs)) as number,
        ...(floorOnly ? { runMs: round(m((s) => s.runMs)), outputMs: round(m((s) => s.outputMs)) } : {}),
        maxRssMiB: Math.round(Math.max(...samples.map((s) => s.maxRssKiB)) / 1024),
        resources: samples[0]?.resources ?? 0,
        wallSamplesMs: samples.map((s) => Math.round(s.wallMs)),
        ...(floorOnly ? { samePlan: samples.every((s) => s.samePlan === true) } : {}),
    };
}

/**
 * Runs the program's and the floor's samples alternately, after one discarded warm-up of each
 * (it fills the file cache): on a shared machine, load that comes and goes then weighs on both
 * sides alike instead of on whichever series happened to run during it.
 */
export async function runPairedSeries(
    jobs: { program: { job: SampleJob; file: string }; floor: { job: SampleJob; file: string } },
    count: number,
    onSample?: (i: number) => void,
): Promise<{ program: Series; floor: Series }> {
    for (const side of [jobs.program, jobs.floor]) {
        fs.writeFileSync(side.file, JSON.stringify(side.job));
        await runSample(side.file, side.job.dir);
    }
    const program: Sample[] = [];
    const floor: Sample[] = [];
    for (let i = 0; i < count; i++) {
        program.push(await runSample(jobs.program.file, jobs.program.job.dir));
        floor.push(await runSample(jobs.floor.file, jobs.floor.job.dir));
        onSample?.(i + 1);
    }
    return { program: summarizeSeries(program), floor: summarizeSeries(floor) };
}
