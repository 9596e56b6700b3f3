import { z } from "zod";
import { doc } from "./docs";
import { arn, int } from "./fields";

/** Logs, metrics and alerts: `capstan:observability`. Every key is documented beside its definition. */

/** The retention periods CloudWatch Logs accepts, in days (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const THRESHOLD_DEFAULTS = { errorRatio: 0.05, p95Seconds: 1.5, atMaximumMinutes: 15, pendingMinutes: 10 };

/** The thresholds of the alert rules. */
export const alertThresholdsSchema = z.strictObject({
    errorRatio: doc(z.number().gt(0).max(1).default(THRESHOLD_DEFAULTS.errorRatio), {
        description: "A host's share of 5xx answers from the app, over 5 minutes, above which it alerts.",
        unit: "fraction of the answers",
    }),
    p95Seconds: doc(z.number().gt(0).max(60).default(THRESHOLD_DEFAULTS.p95Seconds), {
        description: "A host's 95th percentile of the app's response time above which it alerts.",
        unit: "seconds",
    }),
    atMaximumMinutes: doc(int(1, 1440).default(THRESHOLD_DEFAULTS.atMaximumMinutes), {
        description: "How long an HPA, or a node group, may sit at its maximum before it alerts.",
        unit: "minutes",
    }),
    pendingMinutes: doc(int(1, 1440).default(THRESHOLD_DEFAULTS.pendingMinutes), {
        description: "How long a pod may stay Pending (no node could be added for it) before it alerts.",
        unit: "minutes",
    }),
});

/** Where alerts go: an SNS topic of your own, or a webhook reached through a topic Capstan creates. */
export const alertRoutingSchema = z.strictObject({
    snsTopicArn: doc(
        arn(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, "must be an SNS topic ARN").optional(),
        {
            description:
                "An SNS topic that receives every alert; its policy must let `aps.amazonaws.com` publish (`sns:Publish`, `sns:GetTopicAttributes`).",
            default: "none",
        },
    ),
    webhookUrl: doc(
        z
            .string()
            .regex(/^https:\/\/[^\s]+$/, { message: "must be an https:// URL (SNS delivers to HTTPS endpoints)" })
            .optional(),
        {
            description:
                "An HTTPS endpoint subscribed to a topic Capstan creates (it must confirm the subscription), e.g. a chat or paging service's webhook.",
            default: "none",
        },
    ),
});

export const observabilitySchema = z.strictObject({
    enabled: doc(z.boolean().default(true), {
        description:
            'Log shipping (Fluent Bit to CloudWatch Logs), the controllers\' JSON access log, metrics (Amazon Managed Service for Prometheus) and alert rules; `false` removes all of it but the log groups and their key, which stay in AWS (where the stack creates its cluster, the update stops at the protected key until you unprotect it; docs/operating.md, "Tearing a stack down").',
        rules: "the policy pack refuses `false` for a production stack that creates its cluster",
    }),
    logRetentionDays: doc(
        z
            .number()
            .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
                message: `is not a retention CloudWatch Logs accepts; use one of ${LOG_RETENTION_DAYS.join(", ")}`,
            })
            .default(30),
        {
            description: "How long CloudWatch Logs keeps the events of the stack's log groups.",
            unit: "days",
            rules: `one of ${LOG_RETENTION_DAYS.join(", ")}`,
        },
    ),
    redactQueryParams: doc(
        z
            .array(
                z.string().regex(/^[A-Za-z0-9_.[\]-]{1,64}$/, {
                    message: "must be a query parameter name: letters, digits, '_', '.', '-', '[' or ']'",
                }),
            )
            .default(["password", "token", "secret"]),
        {
            description:
                "Query parameters whose values the access log writes as `[REDACTED]` (names compared without case); a query naming one twice is logged as `[REDACTED]` whole.",
            rules: "each name once; cluster mode `create` only",
        },
    ),
    alerts: doc(
        z
            .strictObject({
                thresholds: doc(alertThresholdsSchema.default(THRESHOLD_DEFAULTS), {
                    description: "The thresholds of the alert rules.",
                }),
                route: doc(alertRoutingSchema.default({}), {
                    description:
                        "Where alerts go; with neither key the rules still evaluate (the workspace's `ALERTS` series).",
                    rules: "one of `snsTopicArn` and `webhookUrl`; cluster mode `create` only: a tenant's alerts go where the owning stack routes them",
                }),
            })
            .default({ thresholds: THRESHOLD_DEFAULTS, route: {} }),
        { description: "The alert rules' thresholds and where alerts go." },
    ),
});

export const OBSERVABILITY_DEFAULTS = observabilitySchema.parse({});

export type ObservabilityConfig = z.infer<typeof observabilitySchema>;
