/**
 * `capstan canary <stack> run <tag>` and `resume`: a whole canary release. `start` (the cookie
 * phase), then each weight of `canary.steps` held until its analysis passes, then `promote`; each
 * step is the guarded, targeted update of `capstan canary <step>`. A failed analysis aborts by
 * itself; an inconclusive one pauses (it asks on a terminal); Ctrl-C leaves the canary as it is.
 * A run holds the stack's release lock, so a second one is refused naming the first.
 */
import type { AnalysisConfig } from "../../components/config/analysisSchema";
import { describeHolder, DeployLock } from "../deploy/locks";
import type { DeployBackend } from "../deploy/types";
import { EXIT } from "../cli/exits";
import { readStackSettings, StackFileError } from "../cli/stackfile";
import { OpsError, stackDir } from "../cli/target";
import { analyseStep, sleep as realSleep } from "./analysis";
import { EMPTY_TALLY } from "./judge";
import { intervalLines, stepHeader } from "./lines";
import type { InstantQuery } from "./prometheus";
import { clearProgress, readProgress, writeProgress, type Progress } from "./progress";
import type { AnalysisTarget } from "./queries";

/** The exit codes of a release beside the deploy's 0-4 (the table of every command: scripts/cli/exits.ts). */
export const RELEASE_EXIT = {
    /** A check failed: the canary was aborted (removed), the stable pods left as they were. */
    analysisFailed: EXIT.analysisFailed,
    /** Too little traffic or no data past inconclusiveLimit: paused, the canary left as it is; resume or abort. */
    inconclusive: EXIT.inconclusive,
    /** Interrupted (Ctrl-C, SIGTERM): the canary left as it is; resume or abort. */
    interrupted: EXIT.interrupted,
} as const;

export interface ReleaseDeps {
    readonly backend: DeployBackend;
    /** Takes one step as the guarded update of `capstan canary <step>` (confirmed: the run was); its exit code. */
    readonly takeStep: (args: ReleaseArgs, step: GuardedStep) => Promise<number>;
    /** The app's namespace and name, and the stack's outputs. */
    readonly target: (stack: string) => Promise<AnalysisTarget & { outputs: Readonly<Record<string, unknown>> }>;
    /** The metrics source of the analysis. */
    readonly source: (
        stack: string,
        a: AnalysisConfig,
        outputs: Readonly<Record<string, unknown>>,
    ) => { query: InstantQuery; from: string };
    readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
    readonly now?: () => Date;
}

/** A whole release: `run <tag>` from the start, or `resume` where a run stopped. */
export type ReleaseStep = { readonly step: "run"; readonly tag: string } | { readonly step: "resume" };

/** The canary steps a release takes, each the guarded update of `capstan canary <step>`. */
export type GuardedStep =
    | { readonly step: "start"; readonly tag: string }
    | { readonly step: "weight"; readonly weight: number }
    | { readonly step: "promote" }
    | { readonly step: "abort" };

export interface ReleaseArgs {
    readonly stack: string;
    readonly step: ReleaseStep;
    readonly yes: boolean;
    readonly allowInfraChanges: boolean;
}

/** What a release writes to and asks on. */
export interface ReleaseIo {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
    readonly interactive: boolean;
    readonly ask: (question: string) => Promise<string>;
}

/** The release settings of the stack file: the analysis (required) and the weights. */
function settings(stack: string): { analysis: AnalysisConfig; weights: number[] } {
    let canary;
    try {
        canary = readStackSettings(stackDir(), stack).setting("canary");
    } catch (err) {
        if (!(err instanceof StackFileError)) throw err;
        throw new OpsError(`stack ${stack}'s capstan:canary settings are not valid: ${err.message}`, 2);
    }
    if (canary?.analysis === undefined)
        throw new OpsError(
            `stack ${stack} has no capstan:canary.analysis: canary run needs it to judge the canary (docs/releases.md); take the steps by hand, or set it, e.g. pulumi config set --path 'canary.analysis.minRequests' 50`,
            2,
        );
    return { analysis: canary.analysis, weights: [...canary.steps] };
}

/** The lines that say how to go on from where the run stopped. */
function nextCommands(stack: string): string {
    return `Continue it:  capstan canary ${stack} resume\nAbort it:     capstan canary ${stack} abort\n`;
}

async function confirmed(args: ReleaseArgs, io: ReleaseIo, weights: readonly number[]): Promise<boolean> {
    if (args.yes) return true;
    if (!io.interactive) {
        io.stderr("canary: refusing without confirmation: there is no terminal to ask on. Pass --yes.\n");
        return false;
    }
    const what = args.step.step === "run" ? `release ${args.step.tag}` : "resume the release";
    const ok = /^y(es)?$/i.test(
        (
            await io.ask(`\n${what} on stack ${args.stack} (weights ${weights.join(", ")}%, then promote)? [y/N] `)
        ).trim(),
    );
    if (!ok) io.stderr("canary: not confirmed; nothing was changed.\n");
    return ok;
}

/** Entry of `run` and `resume`: takes the release lock, then runs. */
export async function runRelease(args: ReleaseArgs, io: ReleaseIo, deps: ReleaseDeps): Promise<number> {
    const { analysis, weights } = settings(args.stack);
    const lockDir = deps.backend.lockDir();
    const doing = `capstan canary ${args.step.step}${args.step.step === "run" ? ` ${args.step.tag}` : ""} from ${process.cwd()}`;
    const taken = DeployLock.take(lockDir, `${args.stack}.release`, doing);
    if ("heldBy" in taken) {
        io.stderr(
            `canary: stack ${args.stack} is being released by ${describeHolder(taken.heldBy)}.\nNothing was changed.\n`,
        );
        return EXIT.refused;
    }
    const stop = new AbortController();
    const onSignal = () => stop.abort(new Error("interrupted"));
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
        const begun = await begin(args, io, deps, weights);
        if (typeof begun === "number") return begun;
        return await release(args, io, deps, analysis, begun, stop.signal);
    } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        taken.lock.release();
    }
}

/** Starts a run (the cookie phase) or picks up a stopped one; its progress, or an exit code. */
async function begin(
    args: ReleaseArgs,
    io: ReleaseIo,
    deps: ReleaseDeps,
    weights: number[],
): Promise<Progress | number> {
    const lockDir = deps.backend.lockDir();
    const stopped = readProgress(lockDir, args.stack);
    if (args.step.step === "resume") {
        if (!stopped)
            throw new OpsError(
                `stack ${args.stack} has no stopped canary run to resume: start one with canary ${args.stack} run <tag>`,
                2,
            );
        if (!(await confirmed(args, io, stopped.weights))) return EXIT.refused;
        io.stdout(
            `Resuming the release of ${stopped.tag} on stack ${args.stack} at step ${stopped.step + 1} of ${stopped.weights.length}.\n`,
        );
        // A resumed step keeps its passing and failed intervals; the inconclusive ones were answered by resuming.
        return writeProgress(lockDir, args.stack, {
            ...stopped,
            state: "running",
            reason: undefined,
            tally: { ...stopped.tally, inconclusive: 0 },
        });
    }
    if (stopped)
        throw new OpsError(
            `a release of ${stopped.tag} on stack ${args.stack} stopped at step ${stopped.step + 1} (${stopped.state}): resume it with canary ${args.stack} resume, or abort it with canary ${args.stack} abort`,
            3,
        );
    if (!(await confirmed(args, io, weights))) return EXIT.refused;
    const started = await deps.takeStep(args, { step: "start", tag: args.step.tag });
    if (started !== 0) return started;
    return writeProgress(lockDir, args.stack, {
        tag: args.step.tag,
        weights,
        step: 0,
        tally: EMPTY_TALLY,
        state: "running",
    });
}

/** Stops the run where it is: the progress says why, the canary is left as it is. */
function halt(
    args: ReleaseArgs,
    io: ReleaseIo,
    lockDir: string,
    p: Progress,
    state: "paused" | "interrupted",
    reason: string,
): void {
    writeProgress(lockDir, args.stack, { ...p, state, reason });
    io.stderr(
        `\ncanary: the release of ${p.tag} stopped at step ${p.step + 1} (weight ${p.weights[p.step] ?? "promote"}%): ${reason}.\nThe canary is left as it is.\n${nextCommands(args.stack)}`,
    );
}

/** The analysis of the step the progress is at, each interval printed and recorded; "interrupted" on a signal. */
async function holdStep(
    args: ReleaseArgs,
    io: ReleaseIo,
    deps: ReleaseDeps,
    analysis: AnalysisConfig,
    target: AnalysisTarget,
    query: InstantQuery,
    start: Progress,
    signal: AbortSignal,
): Promise<{ result: Awaited<ReturnType<typeof analyseStep>>; progress: Progress } | "interrupted"> {
    const lockDir = deps.backend.lockDir();
    let p = start;
    try {
        const result = await analyseStep({
            analysis,
            target,
            query,
            sleep: deps.sleep ?? realSleep,
            now: deps.now ?? (() => new Date()),
            tally: p.tally,
            signal,
            onInterval: (r, tally) => {
                p = writeProgress(lockDir, args.stack, { ...p, tally, last: { ...r, at: new Date().toISOString() } });
                io.stdout(`${intervalLines(r, tally, analysis.count).join("\n")}\n`);
            },
        });
        return { result, progress: p };
    } catch (err) {
        if (!signal.aborted) throw err;
        halt(args, io, lockDir, p, "interrupted", "interrupted");
        return "interrupted";
    }
}

/** The steps from where the progress stands to promote. */
async function release(
    args: ReleaseArgs,
    io: ReleaseIo,
    deps: ReleaseDeps,
    analysis: AnalysisConfig,
    start: Progress,
    signal: AbortSignal,
): Promise<number> {
    const lockDir = deps.backend.lockDir();
    const target = await deps.target(args.stack);
    const source = deps.source(args.stack, analysis, target.outputs);
    io.stdout(
        `Metrics: ${source.from}; every ${analysis.intervalSeconds}s, ${analysis.count} passing intervals a step.\n`,
    );
    let p = start;
    while (p.step < p.weights.length) {
        const weight = p.weights[p.step];
        const declared = readStackSettings(stackDir(), args.stack).setting("canary")?.weight ?? 0;
        if (declared !== weight) {
            const code = await deps.takeStep(args, { step: "weight", weight });
            if (signal.aborted)
                return (halt(args, io, lockDir, p, "interrupted", "interrupted"), RELEASE_EXIT.interrupted);
            if (code !== 0)
                return (halt(args, io, lockDir, p, "paused", `the weight step failed (exit ${code})`), code);
        }
        io.stdout(`\n${stepHeader(p.weights, p.step, p.tally, analysis.count, analysis.intervalSeconds)}\n`);
        const held = await holdStep(args, io, deps, analysis, target, source.query, p, signal);
        if (held === "interrupted") return RELEASE_EXIT.interrupted;
        const { result } = held;
        p = held.progress;
        if (result.outcome === "failed") return failed(args, io, deps, lockDir, p, result);
        if (result.outcome === "paused") {
            const reason = `${result.tally.inconclusive} inconclusive intervals, more than inconclusiveLimit (${analysis.inconclusiveLimit}): ${result.last?.reason ?? "no data"}`;
            if (
                io.interactive &&
                /^y(es)?$/i.test((await io.ask(`\n${reason}.\nKeep analysing this step? [y/N] `)).trim())
            ) {
                p = writeProgress(lockDir, args.stack, { ...p, tally: { ...result.tally, inconclusive: 0 } });
                continue;
            }
            halt(args, io, lockDir, p, "paused", reason);
            return RELEASE_EXIT.inconclusive;
        }
        io.stdout(`Step ${p.step + 1} passed: weight ${weight}%.\n`);
        p = writeProgress(lockDir, args.stack, { ...p, step: p.step + 1, tally: EMPTY_TALLY, last: undefined });
    }
    const code = await deps.takeStep(args, { step: "promote" });
    if (code !== 0) return (halt(args, io, lockDir, p, "paused", `the promote step failed (exit ${code})`), code);
    clearProgress(lockDir, args.stack);
    io.stdout(`\nReleased ${p.tag} on stack ${args.stack}: every step passed its analysis.\n`);
    return 0;
}

/** A failed analysis: the failing checks' queries and values, then the canary's abort. */
async function failed(
    args: ReleaseArgs,
    io: ReleaseIo,
    deps: ReleaseDeps,
    lockDir: string,
    p: Progress,
    result: Awaited<ReturnType<typeof analyseStep>>,
): Promise<number> {
    const failing = result.last?.checks.filter((c) => c.verdict === "fail") ?? [];
    io.stderr(`\ncanary: the analysis of ${p.tag} failed at step ${p.step + 1} (weight ${p.weights[p.step]}%):\n`);
    for (const c of failing)
        io.stderr(`  ${c.name}: ${c.reason}\n    query: ${result.measured?.queries[c.name] ?? "(none)"}\n`);
    io.stderr("Aborting: the canary is removed, the stable pods are left as they are.\n");
    const code = await deps.takeStep(args, { step: "abort" });
    if (code !== 0) {
        halt(
            args,
            io,
            lockDir,
            { ...p, tally: result.tally },
            "paused",
            `the analysis failed and the abort step failed too (exit ${code})`,
        );
        return code;
    }
    clearProgress(lockDir, args.stack);
    return RELEASE_EXIT.analysisFailed;
}
