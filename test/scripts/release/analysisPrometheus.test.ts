/**
 * The analysis engine against a real Prometheus (Debian's binary, started and stopped here) that
 * scrapes the NGINX Ingress Controller's upstream histogram from an exporter of the test's own:
 * a healthy canary passes its step, a failing one fails with the check's values, a silent one is
 * inconclusive and pauses. No mock of Prometheus: the queries run in Prometheus' own engine.
 */
import { describe, expect, it } from "vitest";
import { analysisSchema } from "../../../components/config/analysisSchema";
import { analyseStep, sleep } from "../../../scripts/release/analysis";
import { EMPTY_TALLY, type IntervalResult } from "../../../scripts/release/judge";
import { prometheusClient } from "../../../scripts/release/prometheus";
import { usePrometheus, type Scenario, type Traffic } from "./prometheusHarness";

const APP = "shop";
const ok = (rps: number, latencyMs = 40): Traffic => ({ rps, errorShare: 0, latencyMs });

/** Three apps, one namespace each, all scraped by the same Prometheus. */
const SCENARIO: Scenario = {
    healthy: { stable: ok(30), canary: ok(10) },
    failing: { stable: ok(30), canary: { rps: 10, errorShare: 0.3, latencyMs: 2000 } },
    silent: { stable: ok(30), canary: ok(0) },
    trickle: { stable: ok(30), canary: ok(1) },
};

const analysis = analysisSchema.parse({
    intervalSeconds: 5,
    count: 2,
    failureLimit: 0,
    inconclusiveLimit: 0,
    minRequests: 10,
    custom: [
        {
            name: "served",
            query: "sum(increase(nginx_ingress_controller_upstream_server_response_latency_ms_count{resource_namespace=$namespace}[$interval]))",
            successCondition: "> 0",
        },
    ],
});

const prometheus = usePrometheus(APP, () => SCENARIO);

async function analyse(namespace: string) {
    const intervals: IntervalResult[] = [];
    const result = await analyseStep({
        analysis,
        target: { namespace, app: APP },
        query: prometheusClient(prometheus().url),
        sleep,
        now: () => new Date(),
        tally: EMPTY_TALLY,
        onInterval: (r) => intervals.push(r),
    });
    return { ...result, intervals };
}

const check = (r: IntervalResult | undefined, name: string) => r?.checks.find((c) => c.name === name);

describe.concurrent("the canary analysis on a real Prometheus", () => {
    it("passes a healthy canary's step after its passing intervals, with the values it read", async () => {
        const r = await analyse("healthy");
        expect(r.outcome).toBe("passed");
        expect(r.tally).toEqual({ passed: 2, failed: 0, inconclusive: 0 });
        // 10 requests a second over 5 seconds, as Prometheus' increase() extrapolates them.
        expect(r.last!.requests.canary).toBeGreaterThan(30);
        expect(r.last!.requests.stable).toBeGreaterThan(r.last!.requests.canary!);
        expect(check(r.last, "errorRatio")).toMatchObject({ verdict: "pass", value: 0, stable: 0 });
        expect(check(r.last, "p95Seconds")!.value).toBeLessThanOrEqual(0.05);
        expect(check(r.last, "served")).toMatchObject({ verdict: "pass" });
        expect(check(r.last, "served")!.value).toBeGreaterThan(0);
    }, 60_000);

    it("fails a canary whose 5xx share and p95 are above the limits, naming the values", async () => {
        const r = await analyse("failing");
        expect(r.outcome).toBe("failed");
        expect(r.last!.verdict).toBe("fail");
        const errors = check(r.last, "errorRatio")!;
        expect(errors.verdict).toBe("fail");
        expect(errors.value).toBeGreaterThan(0.2);
        expect(errors.value).toBeLessThan(0.4);
        expect(errors.stable).toBe(0);
        const p95 = check(r.last, "p95Seconds")!;
        expect(p95.verdict).toBe("fail");
        expect(p95.value).toBeGreaterThan(1.5);
        expect(r.last!.reason).toMatch(/errorRatio: 0\.\d+ is above 0\.05/);
        expect(r.measured!.queries.errorRatio).toContain('upstream=~"vs_failing_shop-.+_web-canary"');
    }, 60_000);

    it("calls a canary without traffic inconclusive and pauses: it never passes on silence", async () => {
        const r = await analyse("silent");
        expect(r.outcome).toBe("paused");
        expect(r.tally).toEqual({ passed: 0, failed: 0, inconclusive: 1 });
        expect(r.last!.verdict).toBe("inconclusive");
        expect(r.last!.requests.canary).toBe(0);
        expect(r.last!.reason).toMatch(/served 0 requests in the interval, fewer than minRequests \(10\)/);
    }, 60_000);
    it("calls a healthy canary with fewer requests than minRequests inconclusive, however good its values", async () => {
        const r = await analyse("trickle");
        expect(r.outcome).toBe("paused");
        expect(r.last!.requests.canary).toBeLessThan(10);
        expect(check(r.last, "errorRatio")).toMatchObject({ value: 0, verdict: "inconclusive" });
    }, 60_000);
});
