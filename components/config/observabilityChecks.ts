import type { ConfigProblem } from "./errors";
import { NODE_PORT_RANGE } from "../core/ingress";
import { credentialHeaderReason } from "./rules";
import { OBSERVABILITY_DEFAULTS, type RootConfig } from "./schema";

const at = (path: string, message: string): ConfigProblem => ({ path: `capstan:${path}`, message });

/** Where the controllers, collectors and alert routing of a stack's cluster are configured. */
function owner(cfg: RootConfig): string {
    return cfg.cluster.mode === "shared"
        ? `the stack that owns the cluster (${cfg.cluster.sharedStack ?? "cluster.sharedStack"})`
        : "the cluster's own setup";
}

/** With observability off, what only observability reads is refused rather than ignored. */
function disabledChecks(cfg: RootConfig): ConfigProblem[] {
    const headers = cfg.ingress.logHeaders;
    const route = cfg.observability.alerts.route;
    const problems: ConfigProblem[] = [];
    if (headers.request.length + headers.response.length > 0)
        problems.push(
            at(
                "ingress.logHeaders",
                `${JSON.stringify(headers)} has no effect with observability.enabled false (there is no JSON access log); remove it, or enable observability`,
            ),
        );
    for (const key of ["snsTopicArn", "webhookUrl"] as const)
        if (route[key])
            problems.push(
                at(
                    `observability.alerts.route.${key}`,
                    `${JSON.stringify(route[key])} has no effect with observability.enabled false; remove it, or enable observability`,
                ),
            );
    return problems;
}

/** What belongs to the cluster (the controllers' access log, the alert routing) is set where the cluster is created. */
function ownerOnlyChecks(cfg: RootConfig): ConfigProblem[] {
    if (cfg.cluster.mode === "create") return [];
    const problems: ConfigProblem[] = [];
    const headers = cfg.ingress.logHeaders;
    const redacted = cfg.observability.redactQueryParams;
    const route = cfg.observability.alerts.route;
    const elsewhere = (what: string) => `is set, but ${what} of ${owner(cfg)}; set it there and remove it here`;
    if (headers.request.length + headers.response.length > 0)
        problems.push(
            at(
                "ingress.logHeaders",
                `${JSON.stringify(headers)} ${elsewhere("the access log belongs to the ingress controllers")}`,
            ),
        );
    if (JSON.stringify(redacted) !== JSON.stringify(OBSERVABILITY_DEFAULTS.redactQueryParams))
        problems.push(
            at(
                "observability.redactQueryParams",
                `${JSON.stringify(redacted)} ${elsewhere("the access log belongs to the ingress controllers")}`,
            ),
        );
    for (const key of ["snsTopicArn", "webhookUrl"] as const)
        if (route[key])
            problems.push(
                at(
                    `observability.alerts.route.${key}`,
                    `${JSON.stringify(route[key])} ${elsewhere("the alerts of this stack are routed by the alert manager")}`,
                ),
            );
    return problems;
}

/** A name listed twice, compared without case. */
function twiceProblems(path: string, names: readonly string[], what: string): ConfigProblem[] {
    const lower = names.map((n) => n.toLowerCase());
    return lower.flatMap((n, i) =>
        lower.indexOf(n) !== i
            ? [
                  at(
                      `${path}[${i}]`,
                      `${JSON.stringify(names[i])} is listed twice (${what} are compared without case); remove one`,
                  ),
              ]
            : [],
    );
}

/**
 * A header whose values are credentials: the access log would write them, in plain text, to
 * CloudWatch on every request. Refused in either list, whatever else is wrong with the key.
 */
function credentialHeaderProblems(list: "request" | "response", names: readonly string[]): ConfigProblem[] {
    return names.flatMap((name, i) => {
        const reason = credentialHeaderReason(name);
        return reason
            ? [
                  at(
                      `ingress.logHeaders.${list}[${i}]`,
                      `${JSON.stringify(name)} is refused: ${reason}, which the access log would write in plain text to CloudWatch on every request; remove it, and log an id instead (e.g. X-User-Id)`,
                  ),
              ]
            : [];
    });
}

/**
 * The rules of `capstan:observability` and `capstan:ingress.logHeaders` across keys: what belongs
 * to the cluster is set where the cluster is created, nothing is set that a disabled observability
 * would ignore, no name is listed twice, and no credential header is logged.
 */
export function observabilityChecks(cfg: RootConfig): ConfigProblem[] {
    const metricsPort = cfg.app.metrics?.port;
    const inNodePorts =
        metricsPort !== undefined && metricsPort >= NODE_PORT_RANGE.min && metricsPort <= NODE_PORT_RANGE.max
            ? [
                  at(
                      "app.metrics.port",
                      `${metricsPort} is in the NodePort range ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}, which only the load balancers may reach; serve the metrics on another port (e.g. 9394)`,
                  ),
              ]
            : [];
    const headers = cfg.ingress.logHeaders;
    const credentials = [
        ...credentialHeaderProblems("request", headers.request),
        ...credentialHeaderProblems("response", headers.response),
    ];
    if (!cfg.observability.enabled) return [...inNodePorts, ...credentials, ...disabledChecks(cfg)];
    const route = cfg.observability.alerts.route;
    return [
        ...inNodePorts,
        ...credentials,
        ...ownerOnlyChecks(cfg),
        ...(route.snsTopicArn && route.webhookUrl
            ? [
                  at(
                      "observability.alerts.route",
                      "sets both snsTopicArn and webhookUrl; keep one (subscribe the webhook to your own topic instead)",
                  ),
              ]
            : []),
        ...twiceProblems("observability.redactQueryParams", cfg.observability.redactQueryParams, "names"),
        ...twiceProblems("ingress.logHeaders.request", headers.request, "header names"),
        ...twiceProblems("ingress.logHeaders.response", headers.response, "header names"),
    ];
}
