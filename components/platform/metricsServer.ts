import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS } from "../core/versions";

export interface MetricsServerArgs {
    /** @default 2 with a PDB: the HPAs of every workload read CPU from it, so it must survive a node drain */
    readonly replicas?: number;
    readonly chartVersion?: string;
}

export function metricsServerValues(args: MetricsServerArgs): Record<string, unknown> {
    const replicas = args.replicas ?? 2;
    return {
        replicas,
        podDisruptionBudget: { enabled: replicas > 1, maxUnavailable: 1 },
        resources: { requests: { cpu: "100m", memory: "200Mi" }, limits: { memory: "400Mi" } },
        priorityClassName: "system-cluster-critical",
    };
}

/** metrics-server, so that HorizontalPodAutoscalers get CPU metrics; official chart, pinned. */
export class MetricsServer extends pulumi.ComponentResource {
    constructor(name: string, args: MetricsServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:platform:MetricsServer", name, {}, opts);
        new k8s.helm.v3.Release(
            name,
            {
                name: "metrics-server",
                chart: CHARTS.metricsServer.chart,
                version: args.chartVersion ?? CHARTS.metricsServer.version,
                repositoryOpts: { repo: CHARTS.metricsServer.repo },
                namespace: "kube-system",
                values: metricsServerValues(args),
                atomic: true,
            },
            { parent: this },
        );
        this.registerOutputs({});
    }
}
