/**
 * Metrics for the analysis, as the suite and the analysis tests serve them: a real Prometheus
 * (Debian's `prometheus` binary) scraping every second an exporter of our own that serves the NGINX
 * Ingress Controller's upstream latency histogram (the metric the alert rules and the canary
 * analysis read) for an app's stable and canary upstreams.
 */
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { UPSTREAMS } from "../../components/app/routes";
import { LATENCY_HISTOGRAM } from "../../components/platform/observability/alertRules";
import { onPath } from "../../scripts/cli/tools";
import { freePort } from "../../scripts/localCluster/processes";

export type Side = "stable" | "canary";

/** The traffic of one side: requests per second, the share of them that are 5xx, their latency. */
export interface Traffic {
    readonly rps: number;
    readonly errorShare: number;
    readonly latencyMs: number;
}

const BUCKETS = [25, 50, 100, 250, 500, 1000, 2500, 5000];

/**
 * The histogram's series of one side of `app` in `namespace`, labelled as the controller labels a
 * VirtualServer's upstream (`vs_<namespace>_<VirtualServer>_<upstream>`): `ok` 200s and `errors`
 * 500s so far, every one taking `latencyMs`.
 */
export function sideSeries(
    namespace: string,
    app: string,
    side: Side,
    counts: { readonly ok: number; readonly errors: number },
    latencyMs: number,
): string[] {
    const vs = `${app}-public-${app}.example.com`;
    const lines: string[] = [];
    for (const [code, n] of [
        ["200", counts.ok],
        ["500", counts.errors],
    ] as const) {
        const labels = `code="${code}",resource_name="${vs}",resource_namespace="${namespace}",resource_type="virtualserver",server="10.0.0.1:8080",service="${app}-web${side === "canary" ? "-canary" : ""}",upstream="vs_${namespace}_${vs}_${UPSTREAMS[side]}"`;
        for (const le of BUCKETS)
            lines.push(`${LATENCY_HISTOGRAM}_bucket{${labels},le="${le}"} ${latencyMs <= le ? n : 0}`);
        lines.push(`${LATENCY_HISTOGRAM}_bucket{${labels},le="+Inf"} ${n}`);
        lines.push(`${LATENCY_HISTOGRAM}_sum{${labels}} ${n * latencyMs}`);
        lines.push(`${LATENCY_HISTOGRAM}_count{${labels}} ${n}`);
    }
    return lines;
}

/** An HTTP server on a free port answering `/metrics` with `text()`. */
export async function serveMetrics(text: () => string): Promise<{ port: number; close: () => Promise<void> }> {
    const server = http.createServer((_req, res) => {
        res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4" });
        res.end(text());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        port: (server.address() as AddressInfo).port,
        close: () => new Promise((resolve) => server.close(() => resolve())),
    };
}

/**
 * The exporter of one app: its counters grow, between two scrapes, at the rates `traffic()` gives
 * at the scrape, so a scenario changes the traffic (and the error share) as the release goes on.
 * A side whose traffic is undefined has no series at all.
 */
export function startTrafficExporter(
    namespace: string,
    app: string,
    traffic: () => Partial<Record<Side, Traffic>>,
): Promise<{ port: number; close: () => Promise<void> }> {
    const counts: Record<Side, { ok: number; errors: number }> = {
        stable: { ok: 0, errors: 0 },
        canary: { ok: 0, errors: 0 },
    };
    let last = Date.now();
    return serveMetrics(() => {
        const now = Date.now();
        const seconds = (now - last) / 1000;
        last = now;
        const t = traffic();
        const lines = [`# TYPE ${LATENCY_HISTOGRAM} histogram`];
        for (const side of ["stable", "canary"] as const) {
            const s = t[side];
            if (!s) continue;
            const served = s.rps * seconds;
            counts[side].errors += served * s.errorShare;
            counts[side].ok += served * (1 - s.errorShare);
            const whole = { ok: Math.floor(counts[side].ok), errors: Math.floor(counts[side].errors) };
            lines.push(...sideSeries(namespace, app, side, whole, s.latencyMs));
        }
        return `${lines.join("\n")}\n`;
    });
}

/** The Prometheus binary: $PROMETHEUS_BIN, else `prometheus` on the PATH; an error saying how to install it. */
export function prometheusBinary(): string {
    const fromEnv = process.env.PROMETHEUS_BIN;
    if (fromEnv && fs.existsSync(fromEnv)) return fromEnv;
    const found = onPath("prometheus");
    if (found) return found;
    throw new Error(
        "the analysis needs a real Prometheus and found none: install Debian's package (apt-get install -y prometheus, as .ci/run does) or set PROMETHEUS_BIN",
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
