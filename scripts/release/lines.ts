/** What a release prints: the step and the time left, each check's values against its limits, each verdict. */
import type { CheckResult, IntervalResult, Tally } from "./judge";
import type { Progress } from "./progress";

const num = (v: number | undefined) => (v === undefined ? "no data" : String(+v.toFixed(4)));
const whole = (v: number | undefined) => (v === undefined ? "no data" : String(Math.round(v)));

function checkLine(c: CheckResult): string {
    const stable = c.stable !== undefined ? ` (stable ${num(c.stable)})` : "";
    return `    ${c.name.padEnd(12)} ${`${num(c.value)}${stable}`.padEnd(26)} limit ${c.limit.padEnd(28)} ${c.verdict}${c.reason ? `: ${c.reason}` : ""}`;
}

/** The lines of one interval: its requests, every check, and the interval's verdict with the step's tally. */
export function intervalLines(r: IntervalResult, tally: Tally, count: number): string[] {
    return [
        `    ${"requests".padEnd(12)} canary ${whole(r.requests.canary)}, stable ${whole(r.requests.stable)}`,
        ...r.checks.map(checkLine),
        `  interval: ${r.verdict}${r.reason && r.verdict !== "fail" ? ` (${r.reason})` : ""}; ${tally.passed}/${count} passing, ${tally.failed} failed, ${tally.inconclusive} inconclusive`,
    ];
}

/** `weight 25% (step 2 of 3)`, and the least time the step still needs. */
export function stepHeader(
    weights: readonly number[],
    step: number,
    tally: Tally,
    count: number,
    interval: number,
): string {
    const left = Math.max(0, count - tally.passed) * interval;
    return `Step ${step + 1} of ${weights.length}: weight ${weights[step]}%, at least ${left}s left (${count - Math.min(count, tally.passed)} passing intervals of ${interval}s)`;
}

/** The analysis as `capstan status` shows it. */
export function progressLines(p: Progress): string[] {
    const at =
        p.step < p.weights.length
            ? `step ${p.step + 1} of ${p.weights.length}, weight ${p.weights[p.step]}%`
            : "promote next";
    return [
        `  release of ${p.tag} (capstan canary run): ${p.state}, ${at}; ${p.tally.passed} passing, ${p.tally.failed} failed, ${p.tally.inconclusive} inconclusive intervals${p.reason ? `; ${p.reason}` : ""}`,
        ...(p.last ? [`  last interval (${p.last.at}): ${p.last.verdict}`, ...p.last.checks.map(checkLine)] : []),
    ];
}
