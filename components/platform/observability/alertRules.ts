import { stringify } from "yaml";
import { workloadNames } from "../../core/names";

/**
 * The alert rules, as Prometheus rule groups evaluated by the cluster's Amazon Managed Service for
 * Prometheus workspace. Each rule reads metrics the scraped components export: the NGINX Ingress
 * Controller's upstream latency histogram, kube-state-metrics and cluster-autoscaler (see
 * test/components/platform/observability/alertMetrics.ts for the list and its sources).
 */

/** One alerting rule, as a Prometheus rules file writes it. */
export interface AlertRule {
    readonly alert: string;
    readonly expr: string;
    /** How long the expression must hold before the alert fires, e.g. `10m`; none: at once. */
    readonly for?: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations: { readonly summary: string; readonly description: string };
}

export interface RuleGroup {
    readonly name: string;
    readonly rules: readonly AlertRule[];
}

export interface AlertThresholds {
    readonly errorRatio: number;
    readonly p95Seconds: number;
    readonly atMaximumMinutes: number;
    readonly pendingMinutes: number;
}

/** The latency histogram of the NGINX Ingress Controller (`-enable-latency-metrics`), in milliseconds. */
export const LATENCY_HISTOGRAM = "nginx_ingress_controller_upstream_server_response_latency_ms";

/** A selector's label matchers, values quoted as PromQL strings. */
function matchers(m: Readonly<Record<string, string>>): string {
    return `{${Object.entries(m)
        .map(([k, v]) => `${k}${v.startsWith("~") ? "=~" : "="}${JSON.stringify(v.replace(/^~/, ""))}`)
        .join(",")}}`;
}

/** What every rule of one app carries: where it fires (its namespace) and whose it is (stack, tenant). */
export interface AppRuleArgs {
    readonly app: string;
    readonly namespace: string;
    readonly stack: string;
    readonly tenant?: string;
    readonly crons: readonly { readonly name: string; readonly startingDeadlineSeconds: number }[];
    readonly thresholds: AlertThresholds;
}

/** An escaped regular expression matching names that start with `prefix`. */
const startsWith = (prefix: string) => `~${prefix.replace(/[.+*?^$()[\]{}|\\]/g, "\\$&")}.+`;

/** What the rules of one app share: its selectors and how a rule gets its labels. */
interface AppContext {
    readonly a: AppRuleArgs;
    /** A selector in the app's namespace, with more matchers. */
    readonly inNs: (m?: Record<string, string>) => string;
    readonly rule: (r: Omit<AlertRule, "labels">, severity: "critical" | "warning") => AlertRule;
}

/** A host's 5xx ratio and p95 response time, from the controllers' upstream histogram (one VirtualServer per host). */
function trafficRules({ a, rule }: AppContext): AlertRule[] {
    const t = a.thresholds;
    const upstream = (m: Record<string, string> = {}) => matchers({ resource_namespace: a.namespace, ...m });
    return [
        rule(
            {
                alert: "HostErrorRatioHigh",
                expr: `sum by (resource_name) (rate(${LATENCY_HISTOGRAM}_count${upstream({ code: "~5.." })}[5m])) / sum by (resource_name) (rate(${LATENCY_HISTOGRAM}_count${upstream()}[5m])) > ${t.errorRatio}`,
                for: "5m",
                annotations: {
                    summary: `More than ${t.errorRatio * 100}% of the app's answers on {{ $labels.resource_name }} are 5xx`,
                    description:
                        "The share of 5xx answers from the app (upstream status), by VirtualServer (one per host), over 5 minutes.",
                },
            },
            "critical",
        ),
        rule(
            {
                alert: "HostResponseTimeHigh",
                expr: `histogram_quantile(0.95, sum by (le, resource_name) (rate(${LATENCY_HISTOGRAM}_bucket${upstream()}[5m]))) > ${t.p95Seconds * 1000}`,
                for: "10m",
                annotations: {
                    summary: `The app's p95 response time on {{ $labels.resource_name }} is above ${t.p95Seconds}s`,
                    description:
                        "The 95th percentile of the time from NGINX's connection to the app to the last byte of its answer.",
                },
            },
            "warning",
        ),
    ];
}

/** An HPA at its maximum, a pod Pending too long, a rollout that stopped progressing. */
function workloadRules({ a, inNs, rule }: AppContext): AlertRule[] {
    const t = a.thresholds;
    return [
        rule(
            {
                alert: "AutoscalerAtMaximum",
                expr: `kube_horizontalpodautoscaler_status_current_replicas${inNs()} >= kube_horizontalpodautoscaler_spec_max_replicas${inNs()}`,
                for: `${t.atMaximumMinutes}m`,
                annotations: {
                    summary: "{{ $labels.horizontalpodautoscaler }} has run at its maximum replicas",
                    description: `The HPA has been at maxReplicas for ${t.atMaximumMinutes} minutes: raise the maximum or find the load.`,
                },
            },
            "warning",
        ),
        rule(
            {
                alert: "PodPending",
                expr: `sum by (namespace, pod) (kube_pod_status_phase${inNs({ phase: "Pending" })}) > 0`,
                for: `${t.pendingMinutes}m`,
                annotations: {
                    summary: "{{ $labels.pod }} has been Pending",
                    description: `Pending for ${t.pendingMinutes} minutes: the cluster autoscaler could not add a node for it (a node group at its maximum, a quota, a taint).`,
                },
            },
            "warning",
        ),
        rule(
            {
                alert: "RolloutStuck",
                expr: `kube_deployment_status_condition${inNs({ condition: "Progressing", status: "false" })} == 1`,
                for: "5m",
                annotations: {
                    summary: "The rollout of {{ $labels.deployment }} has not progressed",
                    description: "The Deployment exceeded its progress deadline: new pods do not become ready.",
                },
            },
            "critical",
        ),
    ];
}

/** A failed migration or cron run (of the last 24 hours), a CronJob that missed its schedule. */
function jobRules({ a, inNs, rule }: AppContext): AlertRule[] {
    const recent = (jobs: string) =>
        `kube_job_status_failed${inNs({ job_name: jobs })} > 0 and on (namespace, job_name) (time() - kube_job_status_start_time${inNs({ job_name: jobs })}) < 86400`;
    return [
        rule(
            {
                alert: "MigrationFailed",
                expr: recent(startsWith(`${workloadNames.migrationInstance(a.app)}-`)),
                annotations: {
                    summary: "The migration Job {{ $labels.job_name }} failed",
                    description:
                        "The rollout of the new image tag stopped before any workload changed; read the Job's logs.",
                },
            },
            "critical",
        ),
        rule(
            {
                alert: "CronRunFailed",
                expr: recent(startsWith(workloadNames.cron(a.app, ""))),
                annotations: {
                    summary: "The cron run {{ $labels.job_name }} failed",
                    description: "A run of a CronJob failed in the last 24 hours; read the Job's logs.",
                },
            },
            "warning",
        ),
        ...a.crons.map((c) =>
            rule(
                {
                    alert: "CronScheduleMissed",
                    expr: `time() - kube_cronjob_next_schedule_time${inNs({ cronjob: workloadNames.cron(a.app, c.name) })} > ${c.startingDeadlineSeconds + 300}`,
                    annotations: {
                        summary: `The CronJob ${workloadNames.cron(a.app, c.name)} missed its schedule`,
                        description: "Its next run is overdue by more than its starting deadline: the run was skipped.",
                    },
                },
                "warning",
            ),
        ),
    ];
}

/**
 * The rules of one app, each limited to its namespace and labelled with its stack (and tenant):
 * a host's 5xx ratio and p95 response time, an HPA at its maximum, a pod Pending too long, a
 * failed migration or cron run, a CronJob that missed its schedule, a stuck rollout.
 */
export function appRules(a: AppRuleArgs): RuleGroup {
    const labels = { stack: a.stack, namespace: a.namespace, ...(a.tenant ? { tenant: a.tenant } : {}) };
    const ctx: AppContext = {
        a,
        inNs: (m = {}) => matchers({ namespace: a.namespace, ...m }),
        rule: (r, severity) => ({ ...r, labels: { severity, ...labels } }),
    };
    return {
        name: `capstan-app-${a.namespace}`,
        rules: [...trafficRules(ctx), ...workloadRules(ctx), ...jobRules(ctx)],
    };
}

/** The rules of the cluster itself: a node not ready, a node group at its maximum size. */
export function clusterRules(args: { readonly stack: string; readonly thresholds: AlertThresholds }): RuleGroup {
    const labels = { stack: args.stack };
    return {
        name: "capstan-cluster",
        rules: [
            {
                alert: "NodeNotReady",
                expr: 'kube_node_status_condition{condition="Ready",status="true"} == 0',
                for: "5m",
                labels: { severity: "critical", ...labels },
                annotations: {
                    summary: "Node {{ $labels.node }} is not ready",
                    description: "The kubelet has not reported Ready for 5 minutes; its pods are being evicted.",
                },
            },
            {
                alert: "NodeGroupAtMaximum",
                expr: "cluster_autoscaler_node_group_target_count >= cluster_autoscaler_node_group_max_count",
                for: `${args.thresholds.atMaximumMinutes}m`,
                labels: { severity: "warning", ...labels },
                annotations: {
                    summary: "Node group {{ $labels.node_group }} is at its maximum size",
                    description:
                        "The cluster autoscaler cannot add nodes to this group; pods that need one stay Pending. Raise the group's maxSize.",
                },
            },
        ],
    };
}

/** Rule groups as the rules file Amazon Managed Service for Prometheus takes. */
export function rulesFile(groups: readonly RuleGroup[]): string {
    return stringify({ groups }, { lineWidth: 0 });
}
