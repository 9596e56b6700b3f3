import { stringify } from "yaml";

/** The label kube-state-metrics' chart gives its pods. */
const KSM_NAME = "kube-state-metrics";

/**
 * What the cluster's collector scrapes, as a Prometheus scrape configuration (the subset the
 * Amazon Managed Service for Prometheus scraper accepts: global, scrape_configs with
 * kubernetes_sd_configs and relabelling, an interval of at least 30s).
 *
 * - `kube-state-metrics`: the Kubernetes objects, its own labels (namespace, pod) kept as they are;
 * - `pods`: every running pod annotated `prometheus.io/scrape: "true"`, on the port and path its
 *   `prometheus.io/port` and `prometheus.io/path` annotations name: node-exporter, the NGINX
 *   Ingress Controllers (their chart annotates them), cluster-autoscaler, and the app's web and
 *   worker pods of every stack on the cluster that sets `app.metrics`.
 */
export function scrapeConfig(clusterName: string): string {
    const ksmLabel = "__meta_kubernetes_pod_label_app_kubernetes_io_name";
    const running = { source_labels: ["__meta_kubernetes_pod_phase"], action: "keep", regex: "Running" };
    return stringify(
        {
            global: { scrape_interval: "30s", external_labels: { cluster: clusterName } },
            scrape_configs: [
                {
                    job_name: "kube-state-metrics",
                    honor_labels: true,
                    kubernetes_sd_configs: [{ role: "pod" }],
                    relabel_configs: [
                        { source_labels: [ksmLabel], action: "keep", regex: KSM_NAME },
                        { source_labels: ["__meta_kubernetes_pod_container_port_name"], action: "keep", regex: "http" },
                        running,
                    ],
                },
                {
                    job_name: "pods",
                    kubernetes_sd_configs: [{ role: "pod" }],
                    relabel_configs: [
                        {
                            source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"],
                            action: "keep",
                            regex: "true",
                        },
                        { source_labels: [ksmLabel], action: "drop", regex: KSM_NAME },
                        running,
                        {
                            source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_path"],
                            action: "replace",
                            regex: "(.+)",
                            target_label: "__metrics_path__",
                        },
                        {
                            source_labels: ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"],
                            action: "replace",
                            regex: "([^:]+)(?::\\d+)?;(\\d+)",
                            replacement: "$1:$2",
                            target_label: "__address__",
                        },
                        { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
                        { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
                        { source_labels: ["__meta_kubernetes_pod_node_name"], target_label: "node" },
                    ],
                },
            ],
        },
        { lineWidth: 0 },
    );
}
