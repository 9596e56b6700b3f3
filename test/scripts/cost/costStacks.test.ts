/**
 * The estimate of every committed stack, recomputed by hand from the price rows and the render's
 * inputs (counts × hours × price), and the price table's coverage of every type a stack renders.
 */
import * as aws from "@pulumi/aws";
import * as fs from "fs";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { estimate, isCloudType, type Estimate } from "../../../scripts/cost/estimate";
import type { PlanResource } from "../../../scripts/cost/plan";
import { PRICERS } from "../../../scripts/cost/pricers";
import { loadPriceTable, regionPrices } from "../../../scripts/cost/priceTable";
import { committedStacks, PROJECT_DIR, render } from "../../harness";

const table = loadPriceTable();
const rows = regionPrices(table, "eu-central-1");
const p = (key: string) => rows[key].usd;
const H = 730;
const plans = new Map<string, readonly PlanResource[]>();
const estimates = new Map<string, Estimate>();

beforeAll(async () => {
    for (const stack of committedStacks()) {
        const resources = (await render(stack)).plan.resources as unknown as PlanResource[];
        plans.set(stack, resources);
        estimates.set(stack, estimate(resources, { region: "eu-central-1", table }));
    }
}, 120_000);

const asg = (stack: string, name: string) =>
    plans.get(stack)!.find((r) => r.type === "aws:autoscaling/group:Group" && r.name === name)!.inputs as {
        minSize: number;
        maxSize: number;
    };

describe("the price table", () => {
    it.each(committedStacks())("prices or marks free every cloud type stack %s renders", (stack) => {
        const types = [...new Set(plans.get(stack)!.map((r) => r.type))].filter(isCloudType);
        expect(types.filter((t) => !PRICERS[t] && !table.free[t])).toEqual([]);
    });

    it("prices or marks free every AWS type a component can declare, whatever the config", () => {
        const declared = new Set<string>();
        const files = fs.readdirSync(path.join(PROJECT_DIR, "components"), { recursive: true, encoding: "utf8" });
        for (const file of files.filter((f) => f.endsWith(".ts"))) {
            const source = fs.readFileSync(path.join(PROJECT_DIR, "components", file), "utf8");
            for (const [, module, cls] of source.matchAll(/new aws\.(\w+)\.(\w+)\(/g)) {
                const resource = (aws as unknown as Record<string, Record<string, { __pulumiType: string }>>)[module][
                    cls
                ];
                declared.add(resource.__pulumiType);
            }
        }
        expect(declared).toContain("aws:rds/instance:Instance");
        expect([...declared].filter((t) => !PRICERS[t] && !table.free[t])).toEqual([]);
    });

    it("has prices for the regions of the committed stacks, us-east-1 and eu-central-1", () => {
        expect(Object.keys(table.regions)).toEqual(expect.arrayContaining(["us-east-1", "eu-central-1"]));
    });
});

describe("each committed stack's estimate, recomputed by hand", () => {
    // Default usage: 100 GB served (more NLCU than 10M TLS connections), 50 GB through NAT, 20 GB of
    // logs kept 30 days, 10 GB in the bucket, 1M requests per app queue, 20 GB and 10M I/O of database.
    const publicLb = (zones: number) =>
        H * p("nlb.hour") + zones * H * p("vpc.publicIpv4") + 100 * p("nlb.nlcu") + 100 * p("transfer.out");
    const internalLb = H * p("nlb.hour");
    const logs = 20 * p("logs.ingest") + 20 * p("logs.storage");
    const database = 2 * 1 * H * p("aurora.acu") + 20 * p("aurora.storage") + 10 * p("aurora.io");
    // The app's cache: a primary and a replica of cache.m7g.large, Valkey, every hour of the month.
    const cache = 2 * H * p("elasticache.cache.m7g.large.valkey");

    it("staging: one NAT gateway, two node groups, two load balancers", () => {
        // general: the pods at their minimum (2 web of 250m/768Mi and the add-ons) fit one m7i.large; minSize is 2.
        const general = Math.max(asg("staging", "capstan-staging-general").minSize, 1);
        // workers: one sidekiq pod needs one c7i.large; minSize is 0.
        const workers = Math.max(asg("staging", "capstan-staging-workers").minSize, 1);
        const expected =
            H * p("eks.cluster") +
            (H * p("nat.hour") + 50 * p("nat.gb")) +
            H * p("vpc.publicIpv4") +
            2 * p("kms.key") +
            general * (H * p("ec2.m7i.large") + 50 * p("ebs.gp3")) +
            workers * (H * p("ec2.c7i.large") + 50 * p("ebs.gp3")) +
            publicLb(2) +
            internalLb +
            10 * p("s3.standard") +
            1 * p("sqs.requests") +
            logs;
        expect(general).toBe(2);
        expect(estimates.get("staging")!.total.monthly).toBeCloseTo(expected, 6);
    });

    it("prod: three NAT gateways, a serverless database and a Valkey cache; Prometheus left unpriced", () => {
        // general: 3 web and 1 canary pod of 500m/1Gi and the add-ons (2500m) fit one m7i.xlarge; minSize is 3.
        const general = Math.max(asg("prod", "capstan-prod-general").minSize, 1);
        const workers = Math.max(asg("prod", "capstan-prod-workers").minSize, 1);
        const expected =
            H * p("eks.cluster") +
            3 * H * p("nat.hour") +
            50 * p("nat.gb") +
            3 * H * p("vpc.publicIpv4") +
            2 * p("kms.key") +
            general * (H * p("ec2.m7i.xlarge") + 50 * p("ebs.gp3")) +
            workers * (H * p("ec2.c7i.xlarge") + 50 * p("ebs.gp3")) +
            publicLb(3) +
            internalLb +
            database +
            cache +
            10 * p("s3.standard") +
            2 * p("sqs.requests") +
            logs;
        const e = estimates.get("prod")!;
        expect(e.total.monthly).toBeCloseTo(expected, 6);
        expect(e.lines.find((l) => l.name === "phraseapp-cache")?.unpriced).toEqual([]);
        // No eu-central-1 row for Prometheus ingestion: listed, never counted as zero.
        expect(e.lines.find((l) => l.type === "aws:amp/workspace:Workspace")?.unpriced.join()).toMatch(/amp\.ingest/);
    });

    it("tenant-acme: its own database, cache, bucket, queues and log group; the cluster is the owner's", () => {
        const expected = database + cache + 10 * p("s3.standard") + 2 * p("sqs.requests") + logs;
        expect(estimates.get("tenant-acme")!.total.monthly).toBeCloseTo(expected, 6);
    });

    it("local: no AWS resource, nothing to pay", () => {
        expect(estimates.get("local")!.total.monthly).toBe(0);
        expect(estimates.get("local")!.lines).toEqual([]);
    });

    it("the ceiling puts node groups at maxSize and the database at its maximum capacity", () => {
        const e = estimates.get("prod")!;
        const general = asg("prod", "capstan-prod-general");
        const workers = asg("prod", "capstan-prod-workers");
        const delta =
            (general.maxSize - 3) * (H * p("ec2.m7i.xlarge") + 50 * p("ebs.gp3")) +
            (workers.maxSize - 1) * (H * p("ec2.c7i.xlarge") + 50 * p("ebs.gp3")) +
            2 * (16 - 1) * H * p("aurora.acu");
        expect(e.total.ceiling - e.total.monthly).toBeCloseTo(delta, 6);
    });
});
