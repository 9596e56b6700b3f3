/**
 * A real Prometheus for the analysis tests: Debian's `prometheus` binary, started on a free port
 * with a temporary TSDB, scraping (every second) an exporter the test runs. The exporter serves the
 * NGINX Ingress Controller's upstream latency histogram for the stable and canary upstreams of
 * several apps, with counters that grow at the rates the test sets.
 */
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll } from "vitest";
import { LATENCY_HISTOGRAM } from "../components/platform/observability/alertRules";
import { UPSTREAMS } from "../components/app/routes";
import { onPath } from "../scripts/cli/tools";
import { freePort } from "../scripts/localCluster/processes";

/** The traffic of one side of one app: requests per second, the share of them that are 5xx, their latency. */
export interface Traffic {
    readonly rps: number;
    readonly errorShare: number;
    readonly latencyMs: number;
}

/** Per app namespace, the traffic of each side; a side left out has no series at all. */
export type Scenario = Record<string, { stable?: Traffic; canary?: Traffic }>;

const BUCKETS = [25, 50, 100, 250, 500, 1000, 2500, 5000];

/** The exposition text of the histogram after `seconds` of `scenario`'s traffic, for app `app`. */
export function exposition(scenario: Scenario, app: string, seconds: number): string {
    const lines = [`# TYPE ${LATENCY_HISTOGRAM} histogram`];
    for (const [namespace, sides] of Object.entries(scenario))
        for (const side of ["stable", "canary"] as const) {
            const t = sides[side];
            if (!t) continue;
            const vs = `${app}-public-${app}.example.com`;
            const total = Math.floor(t.rps * seconds);
            const errors = Math.floor(total * t.errorShare);
            for (const [code, n] of [
                ["200", total - errors],
                ["500", errors],
            ] as const) {
                const labels = `code="${code}",resource_name="${vs}",resource_namespace="${namespace}",resource_type="virtualserver",server="10.0.0.1:8080",service="${app}-web${side === "canary" ? "-canary" : ""}",upstream="vs_${namespace}_${vs}_${UPSTREAMS[side]}"`;
                for (const le of BUCKETS)
                    lines.push(`${LATENCY_HISTOGRAM}_bucket{${labels},le="${le}"} ${t.latencyMs <= le ? n : 0}`);
                lines.push(`${LATENCY_HISTOGRAM}_bucket{${labels},le="+Inf"} ${n}`);
                lines.push(`${LATENCY_HISTOGRAM}_sum{${labels}} ${n * t.latencyMs}`);
                lines.push(`${LATENCY_HISTOGRAM}_count{${labels}} ${n}`);
            }
        }
    return `${lines.join("\n")}\n`;
}

/** The exporter: an HTTP server on a free port serving `/metrics` from the scenario of the moment. */
export async function startExporter(
    app: string,
    scenario: () => Scenario,
): Promise<{ port: number; close: () => Promise<void> }> {
    const started = Date.now();
    const server = http.createServer((_req, res) => {
        res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4" });
        res.end(exposition(scenario(), app, (Date.now() - started) / 1000));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        port: (server.address() as AddressInfo).port,
        close: () => new Promise((resolve) => server.close(() => resolve())),
    };
}

/** The Prometheus binary: $PROMETHEUS_BIN, else `prometheus` on the PATH; an error saying how to install it. */
export function prometheusBinary(): string {
    const fromEnv = process.env.PROMETHEUS_BIN;
    if (fromEnv && fs.existsSync(fromEnv)) return fromEnv;
    const found = onPath("prometheus");
    if (found) return found;
    throw new Error(
        "the analysis tests need a real Prometheus and found none: install Debian's package (apt-get install -y prometheus, as .ci/run does) or set PROMETHEUS_BIN",
    );
}

/** Polls `probe` every 200 ms until it is true; throws `what` after `ms`. */
async function until(probe: () => Promise<boolean>, ms: number, what: string): Promise<void> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
        if (await probe().catch(() => false)) return;
        await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(what);
}

export interface RunningPrometheus {
    readonly url: string;
    stop(): Promise<void>;
}

/** Starts Prometheus scraping `targetPort` every second; resolves once it has scraped the target. */
export async function startPrometheus(targetPort: number): Promise<RunningPrometheus> {
    const binary = prometheusBinary();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-prometheus-"));
    const config = path.join(dir, "prometheus.yml");
    fs.writeFileSync(
        config,
        `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: nginx-ingress\n    static_configs:\n      - targets: ["127.0.0.1:${targetPort}"]\n`,
    );
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let log = "";
    const child: ChildProcess = spawn(
        binary,
        [
            `--config.file=${config}`,
            `--storage.tsdb.path=${path.join(dir, "data")}`,
            `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
    );
    child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const stop = async () => {
        if (child.exitCode === null) child.kill("SIGTERM");
        await exited;
        fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
        await until(async () => (await fetch(`${url}/-/ready`)).ok, 30_000, "Prometheus did not become ready");
        await until(
            async () => {
                const res = await fetch(
                    `${url}/api/v1/query?query=${encodeURIComponent('up{job="nginx-ingress"} == 1')}`,
                );
                const body = (await res.json()) as { data: { result: unknown[] } };
                return body.data.result.length === 1;
            },
            30_000,
            "Prometheus did not scrape the exporter",
        );
    } catch (err) {
        await stop();
        throw new Error(`${(err as Error).message}; its log:\n${log.slice(-2000)}`);
    }
    return { url, stop };
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
