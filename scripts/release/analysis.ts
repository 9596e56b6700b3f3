/**
 * The analysis engine: every interval it reads the interval that just ended from the Prometheus
 * API (the built-in checks and the custom ones), judges it, and tells the step's outcome.
 */
import { fillQuery, type AnalysisConfig } from "../../components/config/analysisSchema";
import {
    counted,
    judgeInterval,
    stepOutcome,
    type IntervalResult,
    type Measured,
    type StepOutcome,
    type Tally,
} from "./judge";
import type { InstantQuery } from "./prometheus";
import { builtInQueries, type AnalysisTarget } from "./queries";

/** Every query of one analysis: the built-ins per side and the custom ones, placeholders filled in. */
export function analysisQueries(t: AnalysisTarget, a: AnalysisConfig) {
    const builtIn = builtInQueries(t, a.intervalSeconds);
    const custom = a.custom.map((c) => ({
        name: c.name,
        query: fillQuery(c.query, { interval: `${a.intervalSeconds}s`, namespace: t.namespace }),
    }));
    return { builtIn, custom };
}

/** Runs every query at `at`, all at once. */
export async function measure(
    query: InstantQuery,
    queries: ReturnType<typeof analysisQueries>,
    at: Date,
): Promise<Measured> {
    const b = queries.builtIn;
    const [rc, rs, ec, es, pc, ps, ...custom] = await Promise.all([
        query(b.requests.canary, at),
        query(b.requests.stable, at),
        query(b.errorRatio.canary, at),
        query(b.errorRatio.stable, at),
        query(b.p95Seconds.canary, at),
        query(b.p95Seconds.stable, at),
        ...queries.custom.map((c) => query(c.query, at)),
    ]);
    return {
        requests: { canary: rc, stable: rs },
        errorRatio: { canary: ec, stable: es },
        p95Seconds: { canary: pc, stable: ps },
        custom: queries.custom.map((c, i) => ({ name: c.name, value: custom[i] })),
        queries: {
            requests: b.requests.canary,
            errorRatio: b.errorRatio.canary,
            p95Seconds: b.p95Seconds.canary,
            ...Object.fromEntries(queries.custom.map((c) => [c.name, c.query])),
        },
    };
}

/** What the step loop needs from the world: the API, the clock, and a way to be told about each interval. */
export interface StepRun {
    readonly analysis: AnalysisConfig;
    readonly target: AnalysisTarget;
    readonly query: InstantQuery;
    /** Waits `ms`, or rejects when `signal` aborts. */
    readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
    readonly now: () => Date;
    /** The step's verdicts so far (a resumed step goes on from them). */
    readonly tally: Tally;
    /** Called after each interval, with the tally after it. */
    readonly onInterval: (result: IntervalResult, tally: Tally, measured?: Measured) => void;
    readonly signal?: AbortSignal;
}

/** A step's analysis: intervals until it passes, fails or pauses. */
export async function analyseStep(
    run: StepRun,
): Promise<{ outcome: Exclude<StepOutcome, "continue">; tally: Tally; last?: IntervalResult; measured?: Measured }> {
    const queries = analysisQueries(run.target, run.analysis);
    let tally = run.tally;
    let last: IntervalResult | undefined;
    let measured: Measured | undefined;
    for (;;) {
        const outcome = stepOutcome(tally, run.analysis);
        if (outcome !== "continue") return { outcome, tally, last, measured };
        await run.sleep(run.analysis.intervalSeconds * 1000, run.signal);
        try {
            measured = await measure(run.query, queries, run.now());
            last = judgeInterval(measured, run.analysis);
        } catch (err) {
            // An API that cannot answer says nothing about the canary: the interval is inconclusive.
            if (run.signal?.aborted) throw err;
            last = { verdict: "inconclusive", reason: (err as Error).message, requests: {}, checks: [] };
        }
        tally = counted(tally, last.verdict);
        run.onInterval(last, tally, measured);
    }
}

/** A sleep that an abort ends early (rejecting with the signal's reason). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason as Error);
        const timer = setTimeout(() => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
        }, ms);
        const onAbort = () => {
            clearTimeout(timer);
            reject(signal!.reason as Error);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
    });
}
