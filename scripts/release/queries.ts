/**
 * The built-in checks' PromQL: the canary's and the stable pods' request count, 5xx ratio and p95
 * response time over one analysis interval, from the NGINX Ingress Controller's upstream latency
 * histogram (the metric the alert rules read). The controller names a VirtualServer's upstream
 * `vs_<namespace>_<VirtualServer>_<upstream>`, and the routes call the two sides `web` and
 * `web-canary`, so the upstream label tells them apart on every host of the app.
 */
import { LATENCY_HISTOGRAM } from "../../components/platform/observability/alertRules";
import { UPSTREAMS } from "../../components/app/routes";

export type Side = "canary" | "stable";

/** Whose traffic the queries read: the app's namespace and name (its VirtualServers are `<app>-<class>-<host>`). */
export interface AnalysisTarget {
    readonly namespace: string;
    readonly app: string;
    /** Each side's upstream in the VirtualServers. @default the canary's and the stable pods' (`web-canary`, `web`) */
    readonly upstreams?: Readonly<Record<Side, string>>;
}

/** One built-in measure, per side. */
export type SideQueries = Readonly<Record<Side, string>>;

export interface BuiltInQueries {
    readonly requests: SideQueries;
    readonly errorRatio: SideQueries;
    readonly p95Seconds: SideQueries;
}

const escape = (s: string) => s.replace(/[.+*?^$()[\]{}|\\]/g, "\\\\$&");

/** The label matchers of one side's upstreams in the app's VirtualServers. */
export function sideMatchers(t: AnalysisTarget, side: Side, extra = ""): string {
    const upstream = `vs_${escape(t.namespace)}_${escape(t.app)}-.+_${escape(t.upstreams?.[side] ?? UPSTREAMS[side])}`;
    return `{resource_namespace=${JSON.stringify(t.namespace)},upstream=~"${upstream}"${extra}}`;
}

/** The built-in queries over an interval of `seconds`. */
export function builtInQueries(t: AnalysisTarget, seconds: number): BuiltInQueries {
    const range = `[${seconds}s]`;
    const per = (f: (side: Side) => string): SideQueries => ({ canary: f("canary"), stable: f("stable") });
    const count = (side: Side, extra = "") =>
        `sum(increase(${LATENCY_HISTOGRAM}_count${sideMatchers(t, side, extra)}${range}))`;
    return {
        requests: per((side) => count(side)),
        // No 5xx series at all is a ratio of 0, not a missing value.
        errorRatio: per((side) => `(${count(side, ',code=~"5.."')} or vector(0)) / ${count(side)}`),
        p95Seconds: per(
            (side) =>
                `histogram_quantile(0.95, sum by (le) (rate(${LATENCY_HISTOGRAM}_bucket${sideMatchers(t, side)}${range}))) / 1000`,
        ),
    };
}
