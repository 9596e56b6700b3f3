import { z } from "zod";
import { doc } from "./docs";

/**
 * `capstan:cost`: what `capstan cost` and the policy pack assume of a stack's traffic, and the
 * budget they hold its estimate to. Every key is documented beside its definition.
 */

/** The volumes of the usage-priced parts, by month. */
export const USAGE_DEFAULTS = {
    requestsMillions: 10,
    gbServed: 100,
    logGB: 20,
    metricSamplesMillions: 500,
    natGB: 50,
    databaseStorageGB: 20,
    databaseIoMillions: 10,
    bucketGB: 10,
    assetsGB: 2,
    queueRequestsMillions: 1,
};

const volume = (value: number, meta: { description: string; unit: string }) =>
    doc(z.number().min(0).max(1e9).default(value), meta);

export const costUsageSchema = z.strictObject({
    requestsMillions: volume(USAGE_DEFAULTS.requestsMillions, {
        description:
            "Requests the public entry serves; each is counted as a new TLS connection of the load balancer (the stricter NLCU dimension) and, with `edge.cdn`, as an HTTPS request of the distribution and one its web ACL inspects.",
        unit: "million requests a month",
    }),
    gbServed: volume(USAGE_DEFAULTS.gbServed, {
        description:
            "Data the public entry serves: the load balancer's processed bytes and the data transfer out to the internet (from the load balancer, or with `edge.cdn` from CloudFront's edge locations).",
        unit: "GB a month",
    }),
    logGB: volume(USAGE_DEFAULTS.logGB, {
        description:
            "Log data the stack's CloudWatch log groups ingest, shared evenly among them; each keeps it for `observability.logRetentionDays`.",
        unit: "GB a month",
    }),
    metricSamplesMillions: volume(USAGE_DEFAULTS.metricSamplesMillions, {
        description:
            "Metric samples the Prometheus workspace ingests (about 87,600 a month per series at a 30 s scrape).",
        unit: "million samples a month",
    }),
    natGB: volume(USAGE_DEFAULTS.natGB, {
        description: "Data through the NAT gateways (image pulls, calls to outside APIs), shared evenly among them.",
        unit: "GB a month",
    }),
    databaseStorageGB: volume(USAGE_DEFAULTS.databaseStorageGB, {
        description: "Data the database stores.",
        unit: "GB",
    }),
    databaseIoMillions: volume(USAGE_DEFAULTS.databaseIoMillions, {
        description: "Storage I/O requests of the database (Aurora Standard bills them).",
        unit: "million requests a month",
    }),
    bucketGB: volume(USAGE_DEFAULTS.bucketGB, { description: "Data the app's bucket stores.", unit: "GB" }),
    assetsGB: volume(USAGE_DEFAULTS.assetsGB, {
        description:
            "Precompiled assets the `edge.cdn` assets bucket stores: every kept release's (`app.assets.keepReleases`).",
        unit: "GB",
    }),
    queueRequestsMillions: volume(USAGE_DEFAULTS.queueRequestsMillions, {
        description: "Requests to each of the app's queues (sends, receives, deletes).",
        unit: "million requests a month per queue",
    }),
});

export const COST_DEFAULTS = { enforce: false, usage: USAGE_DEFAULTS };

export const costSchema = z.strictObject({
    monthlyBudget: doc(z.number().gt(0).max(1e9).optional(), {
        description:
            "What the stack may cost a month: the policy pack reports the estimate in every preview and warns when it is over.",
        unit: "USD a month",
        default: "none: the estimate is reported, never held to a budget",
    }),
    enforce: doc(z.boolean().default(false), {
        description: "Whether the policy pack refuses a preview or update whose estimate is over `monthlyBudget`.",
        rules: "requires `monthlyBudget`",
    }),
    usage: doc(costUsageSchema.default(USAGE_DEFAULTS), {
        description: "The monthly volumes of the usage-priced parts; each key left out takes its default.",
    }),
});

export type CostConfig = z.infer<typeof costSchema>;
export type CostUsage = z.infer<typeof costUsageSchema>;
