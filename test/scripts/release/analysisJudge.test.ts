/**
 * How the analysis decides, on measures given by hand: the absolute limits and the margins over
 * the stable pods, the custom conditions, too little traffic, and a step's outcome from its tally.
 */
import { describe, expect, it } from "vitest";
import { analysisSchema } from "../../../components/config/analysisSchema";
import { judgeInterval, meets, stepOutcome, type Measured } from "../../../scripts/release/judge";

const analysis = analysisSchema.parse({
    minRequests: 50,
    custom: [{ name: "jobs", query: "sum(jobs_failed)", successCondition: "< 3" }],
});

const healthy: Measured = {
    requests: { canary: 100, stable: 900 },
    errorRatio: { canary: 0.01, stable: 0.01 },
    p95Seconds: { canary: 0.3, stable: 0.25 },
    custom: [{ name: "jobs", value: 0 }],
    queries: {},
};

const verdictOf = (m: Partial<Measured>, name: string) =>
    judgeInterval({ ...healthy, ...m }, analysis).checks.find((c) => c.name === name)!.verdict;

describe("an interval's verdicts", () => {
    it("passes when every check is within its limits", () => {
        expect(judgeInterval(healthy, analysis)).toMatchObject({ verdict: "pass" });
    });

    it.each([
        ["a 5xx share above the maximum", { errorRatio: { canary: 0.06, stable: 0.06 } }, "errorRatio", "fail"],
        [
            "a 5xx share more than the margin above stable's",
            { errorRatio: { canary: 0.03, stable: 0.01 } },
            "errorRatio",
            "fail",
        ],
        ["a 5xx share within the margin", { errorRatio: { canary: 0.015, stable: 0.01 } }, "errorRatio", "pass"],
        ["a p95 above the maximum", { p95Seconds: { canary: 1.6, stable: 1.5 } }, "p95Seconds", "fail"],
        [
            "a p95 more than the margin above stable's",
            { p95Seconds: { canary: 0.9, stable: 0.3 } },
            "p95Seconds",
            "fail",
        ],
        [
            "a margin against a stable side without requests",
            { requests: { canary: 100, stable: 0 }, p95Seconds: { canary: 0.9, stable: 0.1 } },
            "p95Seconds",
            "pass",
        ],
        ["no canary value", { errorRatio: { stable: 0 } }, "errorRatio", "inconclusive"],
        ["a custom value that misses its condition", { custom: [{ name: "jobs", value: 3 }] }, "jobs", "fail"],
        ["a custom query without a value", { custom: [] }, "jobs", "inconclusive"],
    ] as const)("%s: %s", (_c, m, name, verdict) => {
        expect(verdictOf(m as Partial<Measured>, name)).toBe(verdict);
    });

    it("is inconclusive below minRequests however the values look, and says why", () => {
        const r = judgeInterval({ ...healthy, requests: { canary: 49, stable: 900 } }, analysis);
        expect(r.verdict).toBe("inconclusive");
        expect(r.reason).toMatch(/49 requests .* fewer than minRequests \(50\)/);
        expect(r.checks.every((c) => c.verdict === "inconclusive")).toBe(true);
    });

    it("fails when one check fails and another has no data", () => {
        const r = judgeInterval({ ...healthy, errorRatio: { canary: 0.5, stable: 0 }, custom: [] }, analysis);
        expect(r.verdict).toBe("fail");
        expect(r.reason).toMatch(/errorRatio: 0\.5 is above 0\.05/);
    });

    it.each([
        [0.04, "< 0.05", true],
        [0.05, "< 0.05", false],
        [0.05, "<= 0.05", true],
        [2, ">= 1", true],
        [0, "> 0", false],
        [1, "== 1", true],
        [1, "!= 1", false],
    ])("%s meets %s: %s", (value, condition, want) => {
        expect(meets(value, condition)).toBe(want);
    });
});

describe("a step's outcome", () => {
    const a = analysisSchema.parse({ count: 3, failureLimit: 1, inconclusiveLimit: 2 });
    it.each([
        [{ passed: 2, failed: 1, inconclusive: 2 }, "continue"],
        [{ passed: 3, failed: 0, inconclusive: 0 }, "passed"],
        [{ passed: 0, failed: 2, inconclusive: 0 }, "failed"],
        [{ passed: 2, failed: 0, inconclusive: 3 }, "paused"],
        [{ passed: 0, failed: 0, inconclusive: 2 }, "continue"],
    ])("%o: %s (only passes count toward a step)", (tally, outcome) => {
        expect(stepOutcome(tally, a)).toBe(outcome);
    });
});
