/**
 * What the simulated pods of the local stack print: kwok serves one file as the log of every pod
 * of the stack's namespace (a ClusterLogs object), so that `capstan logs local` has lines to show.
 */
import * as fs from "fs";
import { kubectl } from "../localCluster/kube";

/** A line as the container runtime writes it (CRI format), at `at`. */
export function criLine(text: string, at: Date): string {
    return `${at.toISOString().replace("Z", "000000Z")} stdout F ${text}\n`;
}

/** The log lines of a Rails web pod answering a health check. */
export function sampleLog(at: Date): string {
    return [
        'Started GET "/up" for 10.0.0.1',
        "Processing by Rails::HealthController#show as HTML",
        "Completed 200 OK in 2ms",
    ]
        .map((l) => criLine(l, at))
        .join("");
}

/** The ClusterLogs object that serves `file` as the log of every pod in `namespace`. */
export function clusterLogs(namespace: string, file: string): Record<string, unknown> {
    return {
        apiVersion: "kwok.x-k8s.io/v1alpha1",
        kind: "ClusterLogs",
        metadata: { name: "capstan-local-logs" },
        spec: { selector: { matchNamespaces: [namespace] }, logs: [{ logsFile: file }] },
    };
}

/** Writes the sample log to `file` and has kwok serve it for the pods of `namespace`. */
export function servePodLogs(namespace: string, file: string): void {
    fs.writeFileSync(file, sampleLog(new Date()));
    kubectl(["apply", "-f", "-"], JSON.stringify(clusterLogs(namespace, file)));
}
