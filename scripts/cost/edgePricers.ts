/**
 * How the CDN (`capstan:edge.cdn`) and the buckets cost money: the distribution's transfer out and
 * HTTPS requests, the web ACL's fixed and per-request parts, and each bucket's stored GB by what it
 * holds. The CDN's usage comes from the same volumes as the load balancer's: `requestsMillions` and
 * `gbServed` in `capstan:cost.usage`.
 */
import { charge, type CostLine, type PriceContext } from "./lines";
import { field, isUnder, list, str, type PlanResource } from "./plan";

const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
/** CloudFront prices requests by the 10,000. */
const REQUESTS_PER_UNIT = 10_000;

/** Whether the public hosts' traffic goes through the distribution: its records name it (any switch-over but `prepare`). */
export function cdnServes(ctx: PriceContext): boolean {
    return ctx.resources.some(
        (r) => r.type === DISTRIBUTION && str(field(r.inputs, "tags", "capstan:switchOver")) !== "prepare",
    );
}

function distribution(ctx: PriceContext, r: PlanResource, line: CostLine): void {
    if (str(field(r.inputs, "tags", "capstan:switchOver")) === "prepare") {
        line.details.push(
            "switchOver prepare: the records still name the load balancer, no traffic through CloudFront",
        );
        return;
    }
    const priceClass = str(r.inputs.priceClass) ?? "PriceClass_All";
    line.details.push(
        `viewers at the edge locations of the stack's own area (${priceClass}${priceClass === "PriceClass_100" ? "" : ": viewers elsewhere pay more, not counted"})`,
    );
    charge(ctx, line, "cloudfront.transferOut", "GB out to the internet", "usage", ctx.usage.gbServed);
    charge(
        ctx,
        line,
        "cloudfront.httpsRequests",
        "10,000 HTTPS requests",
        "usage",
        (ctx.usage.requestsMillions * 1e6) / REQUESTS_PER_UNIT,
    );
}

function webAcl(ctx: PriceContext, r: PlanResource, line: CostLine): void {
    const rules = list(r.inputs.rules).length;
    charge(ctx, line, "waf.webAcl", "web ACL-months", "fixed", 1);
    charge(ctx, line, "waf.rule", `rule-months (${rules} rules and managed rule groups)`, "fixed", rules);
    const inspected = cdnServes(ctx) ? ctx.usage.requestsMillions : 0;
    charge(ctx, line, "waf.requests", "million requests inspected", "usage", inspected);
}

/** A bucket is priced by what it holds: the app's data, the CDN's assets, or the CDN's access logs. */
function bucket(ctx: PriceContext, r: PlanResource, line: CostLine): void {
    const byUrn = new Map(ctx.resources.map((x) => [x.urn, x]));
    if (isUnder(r, byUrn, "capstan:aws:AssetsBucket")) {
        charge(ctx, line, "s3.standard", "GB-months of assets stored", "usage", ctx.usage.assetsGB);
        return;
    }
    if (isUnder(r, byUrn, "capstan:aws:Cdn")) {
        line.unpriced.push(
            "the distribution's access logs delivered and stored: no volume assumed (logGB is the log groups')",
        );
        return;
    }
    charge(ctx, line, "s3.standard", "GB-months stored", "usage", ctx.usage.bucketGB);
}

export const EDGE_PRICERS = {
    [DISTRIBUTION]: distribution,
    "aws:wafv2/webAcl:WebAcl": webAcl,
    "aws:s3/bucket:Bucket": bucket,
};
