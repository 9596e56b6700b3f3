/**
 * capstan:canary.analysis and capstan:canary.steps: what is accepted, what is refused (every query
 * through Prometheus' PromQL grammar), and that each refusal names the key path, the value and the fix.
 */
import { describe, expect, it } from "vitest";
import { analysisSchema, canarySchema, DEFAULT_CANARY_STEPS } from "../../../components/config";
import { problemsOf } from "../../harness";

type Root = Record<string, any>;

const check = (c: Record<string, unknown>) => ({
    name: "jobs",
    query: "sum(rate(jobs_failed_total[$interval]))",
    successCondition: "< 1",
    ...c,
});

/** Each bad value: the change, the key path, the value and the fix its message must carry. */
const REFUSED: [string, (r: Root) => void, string, string, RegExp][] = [
    [
        "an interval that is not a whole number",
        (r) => (r.canary = { analysis: { intervalSeconds: 30.5 } }),
        "capstan:canary.analysis.intervalSeconds",
        "30.5",
        /30\.5 is not/,
    ],
    [
        "an interval below 5 seconds",
        (r) => (r.canary = { analysis: { intervalSeconds: 1 } }),
        "capstan:canary.analysis.intervalSeconds",
        "1",
        /minimum 5/,
    ],
    ["a count of 0", (r) => (r.canary = { analysis: { count: 0 } }), "capstan:canary.analysis.count", "0", /minimum 1/],
    [
        "a negative failure limit",
        (r) => (r.canary = { analysis: { failureLimit: -1 } }),
        "capstan:canary.analysis.failureLimit",
        "-1",
        /minimum 0/,
    ],
    [
        "an inconclusive limit that is not a number",
        (r) => (r.canary = { analysis: { inconclusiveLimit: "two" } }),
        "capstan:canary.analysis.inconclusiveLimit",
        '"two"',
        /number/,
    ],
    [
        "an error ratio above 1",
        (r) => (r.canary = { analysis: { errorRatio: { max: 5 } } }),
        "capstan:canary.analysis.errorRatio.max",
        "5",
        /maximum 1/,
    ],
    [
        "a p95 margin above a minute",
        (r) => (r.canary = { analysis: { p95Seconds: { maxOverStable: 90 } } }),
        "capstan:canary.analysis.p95Seconds.maxOverStable",
        "90",
        /maximum 60/,
    ],
    [
        "a custom query that is not PromQL",
        (r) => (r.canary = { analysis: { custom: [check({ query: "sum(rate(jobs_failed_total[$interval])" })] } }),
        "capstan:canary.analysis.custom[0].query",
        "sum(rate(jobs_failed_total[$interval])",
        /is not PromQL: the grammar stops at character/,
    ],
    [
        "a success condition that compares with no number",
        (r) => (r.canary = { analysis: { custom: [check({ successCondition: "result < x" })] } }),
        "capstan:canary.analysis.custom[0].successCondition",
        "result < x",
        /e\.g\. '< 0\.05'/,
    ],
    [
        "a Prometheus URL without a scheme",
        (r) => (r.canary = { analysis: { prometheusUrl: "prometheus:9090" } }),
        "capstan:canary.analysis.prometheusUrl",
        "prometheus:9090",
        /http:\/\/ or https:\/\/ URL/,
    ],
    [
        "steps that do not rise",
        (r) => (r.canary = { steps: [10, 50, 25] }),
        "capstan:canary.steps[2]",
        "25",
        /more than the step before it \(50\)/,
    ],
    [
        "a step of 100 percent (promote does that)",
        (r) => (r.canary = { steps: [10, 100] }),
        "capstan:canary.steps[1]",
        "100",
        /maximum 99/,
    ],
    [
        "a weight without a canary tag",
        (r) => (r.canary = { weight: 10, analysis: {} }),
        "capstan:canary.weight",
        "10",
        /canary.imageTag is not set, so none runs; remove it/,
    ],
];

describe("the canary analysis config", () => {
    it("defaults to a minute's interval, 5 passing intervals a step, 50 requests, weights 10, 25 and 50", () => {
        expect(analysisSchema.parse({})).toEqual({
            intervalSeconds: 60,
            count: 5,
            failureLimit: 0,
            inconclusiveLimit: 2,
            minRequests: 50,
            errorRatio: { max: 0.05, maxOverStable: 0.01 },
            p95Seconds: { max: 1.5, maxOverStable: 0.5 },
            custom: [],
        });
        expect(canarySchema.parse({}).steps).toEqual([...DEFAULT_CANARY_STEPS]);
    });

    it.each([
        ["release settings without a running canary", (r: Root) => (r.canary = { steps: [5, 20], analysis: {} })],
        [
            "a running canary with its analysis and a custom check",
            (r: Root) =>
                (r.canary = {
                    imageTag: "2026.12.01-abcdef0",
                    cookie: { name: "canary", value: "1" },
                    analysis: { prometheusUrl: "http://localhost:9090", custom: [check({})] },
                }),
        ],
    ])("accepts %s", (_c, change) => {
        expect(problemsOf("staging", change)).toEqual([]);
    });

    it.each(REFUSED)("refuses %s, naming the key, the value and the fix", (_c, change, path, value, fix) => {
        const problems = problemsOf("staging", change);
        expect(problems.map((p) => p.path)).toContain(path);
        const message = problems.find((p) => p.path === path)!.message;
        expect(message).toContain(value);
        expect(message).toMatch(fix);
    });

    it("reports every analysis problem at once", () => {
        const problems = problemsOf("staging", (r) => {
            r.canary = {
                steps: [50, 10],
                analysis: { count: 0, custom: [check({ query: "rate(x[" }), check({ successCondition: "ok" })] },
            };
        });
        expect(problems.map((p) => p.path).sort()).toEqual(
            [
                "capstan:canary.analysis.count",
                "capstan:canary.analysis.custom[0].query",
                "capstan:canary.analysis.custom[1].successCondition",
                "capstan:canary.steps[1]",
            ].sort(),
        );
    });
});
