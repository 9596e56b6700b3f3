/**
 * How each priced AWS type costs money: which price rows, how many units a month, and which part
 * is fixed and which is usage. A type that is neither here nor free in prices.yaml is unpriced.
 */
import { cdnServes, EDGE_PRICERS } from "./edgePricers";
import { charge, type CostLine, type PriceContext } from "./lines";
import { clamp } from "./nodes";
import { field, list, num, str, type PlanResource } from "./plan";

type Pricer = (ctx: PriceContext, r: PlanResource, line: CostLine) => void;

/** New TLS connections one NLCU carries per second (the NLB's stricter dimension for TLS listeners). */
const TLS_FLOWS_PER_NLCU = 50;

function loadBalancer(ctx: PriceContext, r: PlanResource, line: CostLine): void {
    const h = ctx.hours;
    charge(ctx, line, "nlb.hour", "load balancer hours", "fixed", h);
    if (r.inputs.internal) return;
    const zones = list(r.inputs.subnets).length;
    charge(ctx, line, "vpc.publicIpv4", `public IPv4 addresses (${zones}) hours`, "fixed", zones * h);
    const gbPerHour = ctx.usage.gbServed / h;
    const flowsPerHour = (ctx.usage.requestsMillions * 1e6) / h;
    const nlcu = Math.max(gbPerHour, flowsPerHour / (TLS_FLOWS_PER_NLCU * 3600));
    charge(ctx, line, "nlb.nlcu", "NLCU-hours", "usage", nlcu * h);
    if (cdnServes(ctx))
        line.details.push(
            "GB out: served by CloudFront (priced on the distribution); its fetches from the origin are free",
        );
    else charge(ctx, line, "transfer.out", "GB out to the internet", "usage", ctx.usage.gbServed);
}

function nodeGroup(ctx: PriceContext, r: PlanResource, line: CostLine): void {
    const sizing = ctx.sizing.get(r.name);
    if (!sizing) return;
    const g = sizing.group;
    const estimate = clamp(g, sizing.atPodMin ?? g.minSize);
    const basis =
        sizing.atPodMin === undefined
            ? `the group's minimum (${g.minSize}): the pods' size is unknown for ${g.instanceType}`
            : `the pods' requests at their autoscalers' minimum (${sizing.atPodMin} nodes, within ${g.minSize}..${g.maxSize})`;
    line.details.push(
        `nodes: ${estimate}, from ${basis}; at the pods' maximum ${sizing.atPodMax ?? "?"}; bounds ${g.minSize}..${g.maxSize}; the ceiling is the maximum`,
    );
    if (sizing.atPodMax !== undefined && sizing.atPodMax > g.maxSize)
        line.details.push(`the pods at their maximum need ${sizing.atPodMax} nodes, more than maxSize ${g.maxSize}`);
    const h = ctx.hours;
    charge(
        ctx,
        line,
        `ec2.${g.instanceType}`,
        `${g.instanceType} instance-hours`,
        "fixed",
        estimate * h,
        g.maxSize * h,
    );
    charge(
        ctx,
        line,
        "ebs.gp3",
        `gp3 root volumes GB-months (${g.volumeGiB} GiB each)`,
        "fixed",
        estimate * g.volumeGiB,
        g.maxSize * g.volumeGiB,
    );
}

function serverlessInstance(ctx: PriceContext, r: PlanResource, line: CostLine): void {
    if (r.inputs.instanceClass !== "db.serverless") {
        const key = `rds.${str(r.inputs.instanceClass)}.${str(r.inputs.engine)}`;
        charge(ctx, line, key, "instance-hours", "fixed", ctx.hours);
        return;
    }
    // The instance's parent is its cluster (nested, as the Database component declares it), or a sibling.
    const cluster = ctx.resources.find(
        (c) => c.type === "aws:rds/cluster:Cluster" && (c.urn === r.parent || c.parent === r.parent),
    );
    const min = num(field(cluster?.inputs, "serverlessv2ScalingConfiguration", "minCapacity")) ?? 0.5;
    const max = num(field(cluster?.inputs, "serverlessv2ScalingConfiguration", "maxCapacity")) ?? min;
    line.details.push(`capacity: ${min} ACU (the minimum); the ceiling is the maximum, ${max} ACU`);
    charge(ctx, line, "aurora.acu", "ACU-hours", "fixed", min * ctx.hours, max * ctx.hours);
}

/** A single RDS instance (not Aurora): its hours (twice with a standby in another zone) and its gp3 storage. */
function rdsInstance(ctx: PriceContext, r: PlanResource, line: CostLine): void {
    const copies = r.inputs.multiAz ? 2 : 1;
    const cls = str(r.inputs.instanceClass);
    const key = `rds.${cls}.${str(r.inputs.engine)}`;
    charge(ctx, line, key, `${copies} × ${cls} instance-hours`, "fixed", copies * ctx.hours);
    const gb = num(r.inputs.allocatedStorage) ?? 20;
    charge(ctx, line, "rds.gp3", `${copies} × ${gb} GB gp3 storage GB-months`, "fixed", copies * gb);
}

function logGroup(ctx: PriceContext, r: PlanResource, line: CostLine): void {
    const gb = ctx.usage.logGB / ctx.count(r.type);
    const days = num(r.inputs.retentionInDays) ?? 3653;
    charge(ctx, line, "logs.ingest", "GB ingested", "usage", gb);
    charge(
        ctx,
        line,
        "logs.storage",
        `GB-months stored (${days} days kept)`,
        "usage",
        (gb * Math.min(days, 3653)) / 30,
    );
}

function queue(ctx: PriceContext, r: PlanResource, line: CostLine): void {
    if (!r.inputs.redrivePolicy) {
        line.details.push("no request volume assumed: a dead-letter or event queue");
        return;
    }
    charge(ctx, line, "sqs.requests", "million requests", "usage", ctx.usage.queueRequestsMillions);
}

export const PRICERS: Readonly<Record<string, Pricer>> = {
    "aws:eks/cluster:Cluster": (ctx, _r, line) => charge(ctx, line, "eks.cluster", "cluster-hours", "fixed", ctx.hours),
    "aws:ec2/natGateway:NatGateway": (ctx, r, line) => {
        charge(ctx, line, "nat.hour", "gateway-hours", "fixed", ctx.hours);
        charge(ctx, line, "nat.gb", "GB processed", "usage", ctx.usage.natGB / ctx.count(r.type));
    },
    "aws:ec2/eip:Eip": (ctx, _r, line) =>
        charge(ctx, line, "vpc.publicIpv4", "public IPv4 address-hours", "fixed", ctx.hours),
    "aws:lb/loadBalancer:LoadBalancer": loadBalancer,
    "aws:autoscaling/group:Group": nodeGroup,
    "aws:kms/key:Key": (ctx, _r, line) => charge(ctx, line, "kms.key", "key-months", "fixed", 1),
    "aws:rds/cluster:Cluster": (ctx, _r, line) => {
        charge(ctx, line, "aurora.storage", "GB-months stored", "usage", ctx.usage.databaseStorageGB);
        charge(ctx, line, "aurora.io", "million I/O requests", "usage", ctx.usage.databaseIoMillions);
    },
    "aws:rds/clusterInstance:ClusterInstance": serverlessInstance,
    "aws:rds/instance:Instance": rdsInstance,
    "aws:elasticache/replicationGroup:ReplicationGroup": (ctx, r, line) => {
        const nodes = num(r.inputs.numCacheClusters) ?? 1;
        const type = str(r.inputs.nodeType);
        charge(
            ctx,
            line,
            `elasticache.${type}.${str(r.inputs.engine)}`,
            `${nodes} × ${type} node-hours`,
            "fixed",
            nodes * ctx.hours,
        );
    },
    "aws:sqs/queue:Queue": queue,
    "aws:cloudwatch/logGroup:LogGroup": logGroup,
    "aws:amp/workspace:Workspace": (ctx, _r, line) => {
        charge(ctx, line, "amp.ingest", "10 million samples ingested", "usage", ctx.usage.metricSamplesMillions / 10);
        line.unpriced.push("metrics stored and query samples processed (the alert rules' evaluations): no price rows");
    },
    "aws:amp/scraper:Scraper": (_ctx, _r, line) => {
        line.unpriced.push("collector hours and samples collected: no price rows");
    },
    "aws:sns/topic:Topic": (_ctx, _r, line) => {
        line.unpriced.push("alert notifications published and delivered: no price rows (no standing charge)");
    },
    ...EDGE_PRICERS,
};
