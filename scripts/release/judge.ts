/**
 * How the analysis decides, pure: one interval's measures become a verdict per check and one for
 * the interval; a step's tally of verdicts becomes its outcome. Too little traffic is never a pass.
 */
import { CONDITION, type AnalysisConfig } from "../../components/config/analysisSchema";

export type Verdict = "pass" | "fail" | "inconclusive";

/** What one interval measured: each built-in per side, each custom check's value, with their queries. */
export interface Measured {
    readonly requests: { readonly canary?: number; readonly stable?: number };
    readonly errorRatio: { readonly canary?: number; readonly stable?: number };
    readonly p95Seconds: { readonly canary?: number; readonly stable?: number };
    readonly custom: readonly { readonly name: string; readonly value?: number }[];
    /** Each check's canary query, by check name, for the report of a failure. */
    readonly queries: Readonly<Record<string, string>>;
}

export interface CheckResult {
    readonly name: string;
    readonly value?: number;
    /** The stable pods' value in the same interval (built-in checks). */
    readonly stable?: number;
    /** The thresholds, in words: `≤ 0.05 and ≤ stable + 0.01`. */
    readonly limit: string;
    readonly verdict: Verdict;
    /** Why it failed or was inconclusive. */
    readonly reason?: string;
}

export interface IntervalResult {
    readonly verdict: Verdict;
    readonly reason?: string;
    readonly requests: Measured["requests"];
    readonly checks: readonly CheckResult[];
}

const shown = (v: number | undefined, digits = 4) => (v === undefined ? "no data" : String(+v.toFixed(digits)));

/** A built-in check: an absolute maximum and a margin over the stable pods' value. */
function builtIn(
    name: string,
    side: { canary?: number; stable?: number },
    limits: { max: number; maxOverStable: number },
    stableServed: boolean,
): CheckResult {
    const limit = `≤ ${limits.max} and ≤ stable + ${limits.maxOverStable}`;
    const { canary: value, stable } = side;
    const base = { name, value, stable, limit };
    if (value === undefined) return { ...base, verdict: "inconclusive", reason: "the canary's value has no data" };
    if (value > limits.max) return { ...base, verdict: "fail", reason: `${shown(value)} is above ${limits.max}` };
    if (stableServed && stable !== undefined && value - stable > limits.maxOverStable)
        return {
            ...base,
            verdict: "fail",
            reason: `${shown(value)} is ${shown(value - stable)} above the stable pods' ${shown(stable)} (at most ${limits.maxOverStable})`,
        };
    return { ...base, verdict: "pass" };
}

/** Whether `value` meets a success condition such as `< 0.05`. */
export function meets(value: number, condition: string): boolean {
    const [, op, num] = CONDITION.exec(condition) ?? [];
    const n = Number(num);
    const ops: Record<string, boolean> = {
        "<": value < n,
        "<=": value <= n,
        ">": value > n,
        ">=": value >= n,
        "==": value === n,
        "!=": value !== n,
    };
    return ops[op] ?? false;
}

/** The verdicts of one interval. Fewer canary requests than `minRequests` make it inconclusive whatever the values. */
export function judgeInterval(m: Measured, a: AnalysisConfig): IntervalResult {
    const stableServed = (m.requests.stable ?? 0) >= 1;
    const custom = a.custom.map((c): CheckResult => {
        const value = m.custom.find((x) => x.name === c.name)?.value;
        const base = { name: c.name, value, limit: c.successCondition.trim() };
        if (value === undefined) return { ...base, verdict: "inconclusive", reason: "the query returned no value" };
        return meets(value, c.successCondition)
            ? { ...base, verdict: "pass" }
            : { ...base, verdict: "fail", reason: `${shown(value)} does not meet ${c.successCondition.trim()}` };
    });
    const checks = [
        builtIn("errorRatio", m.errorRatio, a.errorRatio, stableServed),
        builtIn("p95Seconds", m.p95Seconds, a.p95Seconds, stableServed),
        ...custom,
    ];
    const requests = m.requests.canary ?? 0;
    if (requests < a.minRequests)
        return {
            verdict: "inconclusive",
            reason: `the canary served ${Math.round(requests)} requests in the interval, fewer than minRequests (${a.minRequests}): too little traffic to judge`,
            requests: m.requests,
            checks: checks.map((c) => ({ ...c, verdict: "inconclusive" as const })),
        };
    const failed = checks.filter((c) => c.verdict === "fail");
    if (failed.length > 0)
        return {
            verdict: "fail",
            reason: failed.map((c) => `${c.name}: ${c.reason}`).join("; "),
            requests: m.requests,
            checks,
        };
    const unsure = checks.filter((c) => c.verdict === "inconclusive");
    if (unsure.length > 0)
        return {
            verdict: "inconclusive",
            reason: unsure.map((c) => `${c.name}: ${c.reason}`).join("; "),
            requests: m.requests,
            checks,
        };
    return { verdict: "pass", requests: m.requests, checks };
}

/** A step's verdicts so far. */
export interface Tally {
    readonly passed: number;
    readonly failed: number;
    readonly inconclusive: number;
}

export const EMPTY_TALLY: Tally = { passed: 0, failed: 0, inconclusive: 0 };

export type StepOutcome = "continue" | "passed" | "failed" | "paused";

/** The tally after one more interval. */
export function counted(t: Tally, v: Verdict): Tally {
    return {
        passed: t.passed + (v === "pass" ? 1 : 0),
        failed: t.failed + (v === "fail" ? 1 : 0),
        inconclusive: t.inconclusive + (v === "inconclusive" ? 1 : 0),
    };
}

/**
 * Where a step stands: failed past `failureLimit`, paused past `inconclusiveLimit`, passed at
 * `count` passing intervals (only passes count, so silence never promotes), else it goes on.
 */
export function stepOutcome(t: Tally, a: AnalysisConfig): StepOutcome {
    if (t.failed > a.failureLimit) return "failed";
    if (t.inconclusive > a.inconclusiveLimit) return "paused";
    if (t.passed >= a.count) return "passed";
    return "continue";
}
