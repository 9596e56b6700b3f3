/**
 * Where the analysis reads its metrics: `capstan:canary.analysis.prometheusUrl`, or the query
 * endpoint of the stack's Amazon Managed Service for Prometheus workspace (its `observability`
 * output), every request SigV4-signed.
 */
import type { AnalysisConfig } from "../../components/config/analysisSchema";
import { OpsError } from "../cli/target";
import { prometheusClient, type InstantQuery } from "./prometheus";
import { ampSigner, workspaceRegion } from "./sigv4";

export function metricsSource(
    stack: string,
    analysis: AnalysisConfig,
    outputs: Readonly<Record<string, unknown>>,
): { query: InstantQuery; from: string } {
    if (analysis.prometheusUrl)
        return { query: prometheusClient(analysis.prometheusUrl), from: analysis.prometheusUrl };
    const endpoint = (outputs.observability as { prometheusEndpoint?: unknown } | undefined)?.prometheusEndpoint;
    const region = typeof endpoint === "string" ? workspaceRegion(endpoint) : undefined;
    if (typeof endpoint !== "string" || !region)
        throw new OpsError(
            `stack ${stack}'s outputs name no Prometheus workspace query endpoint (observability is off, or the cluster is another stack's or managed elsewhere): set capstan:canary.analysis.prometheusUrl to the Prometheus API that scrapes its ingress controllers`,
            2,
        );
    return { query: prometheusClient(endpoint, ampSigner(region)), from: `${endpoint} (SigV4, ${region})` };
}
