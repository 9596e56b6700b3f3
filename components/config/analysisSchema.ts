import { z } from "zod";
import { promqlProblem } from "../core/promql";
import { doc } from "./docs";
import { int } from "./fields";

/**
 * `capstan:canary.analysis` and `capstan:canary.steps`: how `capstan canary run` judges a canary
 * from the controllers' metrics. Every key is documented beside its definition.
 */

/** The weights `capstan canary run` sets one after the other when `canary.steps` is left out. */
export const DEFAULT_CANARY_STEPS = [10, 25, 50] as const;

/** The placeholders a custom check's query may use, replaced before it is sent (and before it is parsed). */
export const QUERY_PLACEHOLDERS = {
    $interval: "the analysis interval as a PromQL duration, e.g. 60s",
    $namespace: "the app's namespace",
} as const;

/** A query with its placeholders filled in. */
export function fillQuery(query: string, values: { interval: string; namespace: string }): string {
    return query.replaceAll("$interval", values.interval).replaceAll("$namespace", JSON.stringify(values.namespace));
}

/** A success condition: the query's value compared with a number, e.g. `< 0.05` or `>= 1`. */
export const CONDITION = /^\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/;

const promql = z.string().superRefine((v, ctx) => {
    // The placeholders stand for a duration and a string, so the query parses as it will be sent.
    const problem = promqlProblem(fillQuery(v, { interval: "60s", namespace: "app" }));
    if (problem) ctx.addIssue({ code: "custom", message: `${JSON.stringify(v)} ${problem}` });
});

export const customCheckSchema = z.strictObject({
    name: doc(
        z.string().regex(/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/, {
            message: "must be lower-case letters, digits and '-', at most 40 characters",
        }),
        { description: "The check's name, as the release's output and `capstan status` show it." },
    ),
    query: doc(promql, {
        description: `A PromQL query that returns one value (a scalar, or a vector of one series: wrap it in \`sum()\`). It may use ${Object.entries(
            QUERY_PLACEHOLDERS,
        )
            .map(([k, v]) => `\`${k}\` (${v})`)
            .join(" and ")}.`,
        rules: "parses with Prometheus' PromQL grammar",
    }),
    successCondition: doc(
        z.string().regex(CONDITION, {
            message: "must compare the value with a number: one of <, <=, >, >=, ==, != and a number, e.g. '< 0.05'",
        }),
        {
            description:
                "When the value passes: an operator and a number, e.g. `< 0.05`. No value (an empty result) is inconclusive, never a pass.",
        },
    ),
});

const ratio = (fallback: number) => z.number().min(0).max(1).default(fallback);
const seconds = (fallback: number) => z.number().min(0).max(60).default(fallback);

export const analysisSchema = z.strictObject({
    prometheusUrl: doc(
        z
            .string()
            .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, {
                message:
                    "must be an http:// or https:// URL of a Prometheus-compatible API, e.g. http://localhost:9090",
            })
            .optional(),
        {
            description:
                "The Prometheus-compatible HTTP API the analysis queries (its `/api/v1/query` is appended): for a cluster managed elsewhere, or the local one.",
            default:
                "the query endpoint of the stack's Amazon Managed Service for Prometheus workspace (the `observability` stack output), signed with SigV4 from the AWS credentials in your environment",
        },
    ),
    intervalSeconds: doc(int(5, 3600).default(60), {
        description: "How often the checks run; each one reads the interval that just ended.",
        unit: "seconds",
    }),
    count: doc(int(1, 100).default(5), {
        description:
            "Passing intervals each step needs before the next weight (or the promotion). Failed and inconclusive intervals never count.",
        unit: "intervals",
    }),
    failureLimit: doc(int(0, 100).default(0), {
        description:
            "Failed intervals a step tolerates; one more aborts the release (the canary is removed, the stable pods are left as they are).",
        unit: "intervals",
    }),
    inconclusiveLimit: doc(int(0, 100).default(2), {
        description:
            "Inconclusive intervals (too little traffic, no data) a step tolerates; one more pauses the release until you resume or abort it.",
        unit: "intervals",
    }),
    minRequests: doc(int(1, 1_000_000_000).default(50), {
        description:
            "The canary's requests an interval needs to be judged; with fewer it is inconclusive: the release never promotes on silence.",
        unit: "requests per interval",
    }),
    errorRatio: doc(
        z
            .strictObject({
                max: doc(ratio(0.05), {
                    description: "The canary's share of 5xx answers above which an interval fails.",
                    unit: "fraction of the answers",
                }),
                maxOverStable: doc(ratio(0.01), {
                    description:
                        "How much the canary's 5xx share may exceed the stable pods' in the same interval (the stable side is compared only when it served requests).",
                    unit: "fraction of the answers",
                }),
            })
            .default({ max: 0.05, maxOverStable: 0.01 }),
        { description: "The built-in 5xx check, from the controllers' upstream histogram." },
    ),
    p95Seconds: doc(
        z
            .strictObject({
                max: doc(seconds(1.5), {
                    description: "The canary's 95th percentile response time above which an interval fails.",
                    unit: "seconds",
                }),
                maxOverStable: doc(seconds(0.5), {
                    description: "How much the canary's p95 may exceed the stable pods' in the same interval.",
                    unit: "seconds",
                }),
            })
            .default({ max: 1.5, maxOverStable: 0.5 }),
        { description: "The built-in response time check, from the controllers' upstream histogram." },
    ),
    custom: doc(z.array(customCheckSchema).max(20).default([]), {
        description: "Checks of your own: a PromQL query and the condition its value must meet.",
    }),
});

export const canaryStepsSchema = z
    .array(int(1, 99))
    .min(1)
    .max(10)
    .superRefine((steps, ctx) => {
        for (let i = 1; i < steps.length; i++)
            if (steps[i] <= steps[i - 1])
                ctx.addIssue({
                    code: "custom",
                    path: [i],
                    message: `${steps[i]} must be more than the step before it (${steps[i - 1]}): the weights rise step by step`,
                });
    })
    .default([...DEFAULT_CANARY_STEPS]);

export type AnalysisConfig = z.infer<typeof analysisSchema>;
export type CustomCheckConfig = z.infer<typeof customCheckSchema>;
