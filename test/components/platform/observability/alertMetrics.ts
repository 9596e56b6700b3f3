/**
 * The metrics the scraped components export, as their documentation lists them: an alert rule
 * may name only these. A histogram is listed with its `_bucket`, `_count` and `_sum` series.
 */

const histogram = (name: string) => [`${name}_bucket`, `${name}_count`, `${name}_sum`];

export const EXPORTED_METRICS: Readonly<Record<string, readonly string[]>> = {
    // https://github.com/kubernetes/kube-state-metrics/tree/main/docs/metrics (workload/
    // horizontalpodautoscaler-metrics.md, pod-metrics.md, job-metrics.md, cronjob-metrics.md,
    // deployment-metrics.md; cluster/node-metrics.md)
    "kube-state-metrics": [
        "kube_horizontalpodautoscaler_spec_max_replicas",
        "kube_horizontalpodautoscaler_spec_min_replicas",
        "kube_horizontalpodautoscaler_status_current_replicas",
        "kube_horizontalpodautoscaler_status_desired_replicas",
        "kube_pod_status_phase",
        "kube_pod_container_status_restarts_total",
        "kube_job_status_failed",
        "kube_job_status_succeeded",
        "kube_job_status_start_time",
        "kube_job_status_completion_time",
        "kube_cronjob_next_schedule_time",
        "kube_cronjob_status_last_schedule_time",
        "kube_deployment_status_condition",
        "kube_deployment_status_replicas_available",
        "kube_node_status_condition",
    ],
    // https://docs.nginx.com/nginx-ingress-controller/logging-and-monitoring/prometheus/
    // (the upstream latency histogram with -enable-latency-metrics; NGINX's stub_status counters)
    "nginx-ingress-controller": [
        ...histogram("nginx_ingress_controller_upstream_server_response_latency_ms"),
        "nginx_ingress_nginx_connections_accepted",
        "nginx_ingress_nginx_connections_active",
        "nginx_ingress_nginx_http_requests_total",
        "nginx_ingress_controller_nginx_reloads_total",
        "nginx_ingress_controller_nginx_last_reload_status",
    ],
    // https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/proposals/metrics.md
    // (per node group with --emit-per-nodegroup-metrics)
    "cluster-autoscaler": [
        "cluster_autoscaler_node_group_min_count",
        "cluster_autoscaler_node_group_max_count",
        "cluster_autoscaler_node_group_target_count",
        "cluster_autoscaler_unschedulable_pods_count",
        "cluster_autoscaler_nodes_count",
        "cluster_autoscaler_max_nodes_count",
        "cluster_autoscaler_failed_scale_ups_total",
    ],
    // https://github.com/prometheus/node_exporter#enabled-by-default (the collectors' metrics)
    "node-exporter": [
        "node_cpu_seconds_total",
        "node_memory_MemAvailable_bytes",
        "node_filesystem_avail_bytes",
        "node_filesystem_size_bytes",
        "node_load1",
    ],
};

export const ALL_EXPORTED = new Set(Object.values(EXPORTED_METRICS).flat());
