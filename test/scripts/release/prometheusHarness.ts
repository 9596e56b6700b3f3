/**
 * A real Prometheus for the analysis tests: Debian's `prometheus` binary, started on a free port
 * with a temporary TSDB, scraping (every second) an exporter the test runs. The exporter serves the
 * NGINX Ingress Controller's upstream latency histogram for the stable and canary upstreams of
 * several apps, with counters that grow at the rates the test sets. The e2e suite starts the same
 * Prometheus (e2e/lib/metrics.ts).
 */
import { afterAll, beforeAll } from "vitest";
import { LATENCY_HISTOGRAM } from "../../../components/platform/observability/alertRules";
import {
    serveMetrics,
    sideSeries,
    startPrometheus,
    type RunningPrometheus,
    type Traffic,
} from "../../../e2e/lib/metrics";

export { prometheusBinary, startPrometheus, type RunningPrometheus, type Traffic } from "../../../e2e/lib/metrics";

/** Per app namespace, the traffic of each side; a side left out has no series at all. */
export type Scenario = Record<string, { stable?: Traffic; canary?: Traffic }>;

/** The exposition text of the histogram after `seconds` of `scenario`'s traffic, for app `app`. */
export function exposition(scenario: Scenario, app: string, seconds: number): string {
    const lines = [`# TYPE ${LATENCY_HISTOGRAM} histogram`];
    for (const [namespace, sides] of Object.entries(scenario))
        for (const side of ["stable", "canary"] as const) {
            const t = sides[side];
            if (!t) continue;
            const total = Math.floor(t.rps * seconds);
            const errors = Math.floor(total * t.errorShare);
            lines.push(...sideSeries(namespace, app, side, { ok: total - errors, errors }, t.latencyMs));
        }
    return `${lines.join("\n")}\n`;
}

/** The exporter: an HTTP server on a free port serving `/metrics` from the scenario of the moment. */
export function startExporter(
    app: string,
    scenario: () => Scenario,
): Promise<{ port: number; close: () => Promise<void> }> {
    const started = Date.now();
    return serveMetrics(() => exposition(scenario(), app, (Date.now() - started) / 1000));
}

/**
 * A real Prometheus scraping the test's exporter of `scenario`, for the whole test file: started
 * before its tests, stopped after them. Returns the running server.
 */
export function usePrometheus(app: string, scenario: () => Scenario): () => RunningPrometheus {
    let prometheus: RunningPrometheus | undefined;
    let closeExporter: (() => Promise<void>) | undefined;
    beforeAll(async () => {
        const exporter = await startExporter(app, scenario);
        closeExporter = exporter.close;
        prometheus = await startPrometheus(exporter.port);
    }, 60_000);
    afterAll(async () => {
        await prometheus?.stop();
        await closeExporter?.();
    });
    return () => {
        if (!prometheus) throw new Error("Prometheus did not start");
        return prometheus;
    };
}
