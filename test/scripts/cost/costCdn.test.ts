/**
 * The estimate with `capstan:edge.cdn` on: the price table's coverage of every type such a render
 * declares, and prod behind CloudFront and a web ACL recomputed by hand from the price rows and the
 * render's inputs (counts × hours × price), not by the estimator.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { estimate, isCloudType, type Estimate } from "../../../scripts/cost/estimate";
import type { PlanResource } from "../../../scripts/cost/plan";
import { PRICERS } from "../../../scripts/cost/pricers";
import { loadPriceTable, regionPrices } from "../../../scripts/cost/priceTable";
import { render } from "../../harness";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0d8c2a4e-1b3f-4a5c-9e7d-6f8a0b1c2d3e";
const table = loadPriceTable();
const rows = regionPrices(table, "eu-central-1");
const p = (key: string) => rows[key].usd;
const H = 730;

/** Renders with the CDN on, each way it can be declared: WAF or not, access logs to CloudWatch or S3, before and after the switch. */
const RENDERS: Record<string, { stack: string; cdn: Record<string, unknown> }> = {
    "prod, WAF with its default rule groups, access logs to CloudWatch": { stack: "prod", cdn: { waf: {} } },
    "staging, no WAF, access logs to S3, switchOver prepare": {
        stack: "staging",
        cdn: { accessLogs: "s3", switchOver: "prepare" },
    },
};
const plans = new Map<string, readonly PlanResource[]>();
const estimates = new Map<string, Estimate>();

beforeAll(async () => {
    for (const [label, { stack, cdn }] of Object.entries(RENDERS)) {
        const r = await render(stack, { overrides: { "capstan:edge": { cdn: { certificateArn: CERT, ...cdn } } } });
        const resources = r.plan.resources as unknown as PlanResource[];
        plans.set(label, resources);
        estimates.set(label, estimate(resources, { region: "eu-central-1", table }));
    }
}, 120_000);

describe("the price table with edge.cdn on", () => {
    it.each(Object.keys(RENDERS))("prices or marks free every cloud type of %s", (label) => {
        const types = [...new Set(plans.get(label)!.map((r) => r.type))].filter(isCloudType);
        expect(types).toContain("aws:cloudfront/distribution:Distribution");
        expect(types.filter((t) => !PRICERS[t] && !table.free[t])).toEqual([]);
    });
});

describe("prod behind CloudFront, recomputed by hand", () => {
    const label = "prod, WAF with its default rule groups, access logs to CloudWatch";

    it("adds the distribution's transfer and requests, the web ACL and the assets, and moves transfer out off the load balancer", () => {
        const asg = (name: string) =>
            plans.get(label)!.find((r) => r.type === "aws:autoscaling/group:Group" && r.name === name)!.inputs
                .minSize as number;
        // Nodes at the pods' minimum within the groups' bounds, as in prod without the CDN: 3 general, 1 worker.
        const general = Math.max(asg("capstan-prod-general"), 1);
        const workers = Math.max(asg("capstan-prod-workers"), 1);
        const platform =
            H * p("eks.cluster") +
            3 * H * p("nat.hour") +
            50 * p("nat.gb") +
            3 * H * p("vpc.publicIpv4") +
            2 * p("kms.key") +
            general * (H * p("ec2.m7i.xlarge") + 50 * p("ebs.gp3")) +
            workers * (H * p("ec2.c7i.xlarge") + 50 * p("ebs.gp3"));
        // The public load balancer keeps its hours, addresses and NLCUs (100 GB); CloudFront serves the 100 GB out.
        const loadBalancers = H * p("nlb.hour") + 3 * H * p("vpc.publicIpv4") + 100 * p("nlb.nlcu") + H * p("nlb.hour");
        // Aurora at 2 × 1 ACU, 20 GB and 10M I/O; 2 Valkey nodes of cache.m7g.large; 10 GB in the app's bucket;
        // 1M requests on each of 2 queues; 20 GB of logs kept 30 days, shared among the log groups (the web
        // ACL's is one more, with the same retention).
        const data =
            2 * 1 * H * p("aurora.acu") +
            20 * p("aurora.storage") +
            10 * p("aurora.io") +
            2 * H * p("elasticache.cache.m7g.large.valkey") +
            10 * p("s3.standard") +
            2 * p("sqs.requests") +
            20 * p("logs.ingest") +
            20 * p("logs.storage");
        // 100 GB and 10M HTTPS requests (1,000 × 10,000) at the edge; a web ACL with the rate rule and the 4
        // default managed rule groups, inspecting the 10M requests; 2 GB of assets.
        const cdn =
            100 * p("cloudfront.transferOut") +
            1000 * p("cloudfront.httpsRequests") +
            1 * p("waf.webAcl") +
            5 * p("waf.rule") +
            10 * p("waf.requests") +
            2 * p("s3.standard");
        expect(general).toBe(3);
        expect(estimates.get(label)!.total.monthly).toBeCloseTo(platform + loadBalancers + data + cdn, 6);
    });
});

describe("a distribution the records do not name yet", () => {
    it("counts no traffic through CloudFront, and the load balancer's transfer out", () => {
        const e = estimates.get("staging, no WAF, access logs to S3, switchOver prepare")!;
        const distribution = e.lines.find((l) => l.type === "aws:cloudfront/distribution:Distribution")!;
        expect(distribution.usage).toBe(0);
        const lb = e.lines.find((l) => l.name === "capstan-staging-public")!;
        expect(lb.usage).toBeCloseTo(100 * p("nlb.nlcu") + 100 * p("transfer.out"), 6);
        expect(e.lines.find((l) => l.name.endsWith("-cdn-access"))!.unpriced.join()).toMatch(/access logs/);
    });
});
