import type { ConfigProblem } from "./errors";
import { ASSETS_DEFAULTS, MANAGED_RULE_GROUPS, type WafConfig } from "./edgeSchema";
import type { RootConfig } from "./schema";

const at = (path: string, message: string): ConfigProblem => ({ path: `capstan:${path}`, message });

/**
 * CloudFront's and AWS WAF's limits that a distribution or web ACL of this stack could pass, each
 * from AWS's documentation. A request past one fails halfway through an update; these checks
 * refuse the config before it starts.
 */
export const CDN_LIMITS = {
    // Source: Amazon CloudFront Developer Guide, "Quotas", General quotas on distributions
    // (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html):
    // "Alternate domain names (CNAMEs) per distribution: 100" (adjustable).
    aliasesPerDistribution: 100,
    // Same page: "Cache behaviors per distribution: 75" (adjustable). The default behaviour is counted with them.
    cacheBehaviorsPerDistribution: 75,
    // Source: AWS General Reference, "Amazon CloudFront endpoints and quotas"
    // (https://docs.aws.amazon.com/general/latest/gr/cf_region.html): "Custom headers: maximum length of a
    // header name: 256" and "... of a header value: 1,783" (neither adjustable).
    headerNameLength: 256,
    headerValueLength: 1783,
    // Source: AWS WAF Developer Guide, "Web ACL capacity units (WCUs)"
    // (https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html), and "AWS WAF web ACL
    // capacity units limits" (https://aws.amazon.com/about-aws/whats-new/2023/04/aws-waf-web-acl-capacity-units-limits/):
    // a web ACL's basic price covers 1,500 WCUs; up to 5,000 are allowed, each 500 past 1,500 at a surcharge per
    // million requests. Capstan stays within the basic price.
    webAclCapacity: 1500,
    // Source: AWS WAF Developer Guide, "Using rate-based rule statements"
    // (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html):
    // "WCUs: 2, as a base cost", plus 30 per custom aggregation key (the rule here aggregates by IP, with none).
    rateRuleCapacity: 2,
} as const;

/**
 * Headers CloudFront refuses as origin custom headers, compared without case.
 * Source: Amazon CloudFront Developer Guide, "Custom headers that CloudFront can't add to origin requests"
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/add-origin-custom-headers.html#add-origin-custom-headers-denylist).
 */
export const ORIGIN_HEADER_DENYLIST = [
    "cache-control",
    "connection",
    "content-length",
    "cookie",
    "host",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "max-forwards",
    "pragma",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "range",
    "request-range",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
    "x-real-ip",
] as const;
/** Same source: no header whose name begins with these. */
export const ORIGIN_HEADER_DENIED_PREFIXES = ["x-amz-", "x-edge-"] as const;

/** CloudFront reads viewer certificates from ACM in us-east-1 only (Developer Guide, "Requirements for using SSL/TLS certificates with CloudFront"). */
export const CDN_CERTIFICATE_REGION = "us-east-1";

/** Why a name cannot be an origin custom header, or undefined. */
export function originHeaderProblem(name: string): string | undefined {
    const lower = name.toLowerCase();
    if (name.length > CDN_LIMITS.headerNameLength)
        return `is longer than CloudFront's ${CDN_LIMITS.headerNameLength} characters for a header name`;
    if ((ORIGIN_HEADER_DENYLIST as readonly string[]).includes(lower))
        return `${JSON.stringify(name)} is a header CloudFront refuses to add to origin requests; use another name, such as X-Origin-Verify`;
    const prefix = ORIGIN_HEADER_DENIED_PREFIXES.find((p) => lower.startsWith(p));
    if (prefix)
        return `${JSON.stringify(name)} begins with ${prefix}, which CloudFront refuses in origin custom headers; use another name, such as X-Origin-Verify`;
    return undefined;
}

/** The web ACL's capacity: its managed rule groups' WCUs and the rate rule's. */
export function webAclCapacity(waf: WafConfig): number {
    const groups = Object.keys(waf.ruleGroups) as (keyof typeof MANAGED_RULE_GROUPS)[];
    return groups.reduce<number>((sum, g) => sum + MANAGED_RULE_GROUPS[g], CDN_LIMITS.rateRuleCapacity);
}

/** The region of an ACM ARN: its fourth field. */
const arnRegion = (arn: string) => arn.split(":")[3];

/** `capstan:edge.cdn`: the distribution's limits, its certificate, its origin and what it needs. */
export function cdnChecks(cfg: RootConfig): ConfigProblem[] {
    const cdn = cfg.edge.cdn;
    if (!cdn) return [];
    const problems: ConfigProblem[] = [];
    const region = arnRegion(cdn.certificateArn);
    if (region !== CDN_CERTIFICATE_REGION)
        problems.push(
            at(
                "edge.cdn.certificateArn",
                `${JSON.stringify(cdn.certificateArn)} is in ${region}, but CloudFront uses ACM certificates in ${CDN_CERTIFICATE_REGION} only; request or import the certificate of the public hosts there and give its ARN`,
            ),
        );
    const hosts = cfg.ingress.public.hosts;
    if (hosts.length > CDN_LIMITS.aliasesPerDistribution)
        problems.push(
            at(
                "ingress.public.hosts",
                `has ${hosts.length} hosts, but a CloudFront distribution takes at most ${CDN_LIMITS.aliasesPerDistribution} aliases; split the hosts across stacks or ask AWS for a higher quota`,
            ),
        );
    const behaviours = cdn.assetBehaviors.length + 1;
    if (behaviours > CDN_LIMITS.cacheBehaviorsPerDistribution)
        problems.push(
            at(
                "edge.cdn.assetBehaviors",
                `${cdn.assetBehaviors.length} patterns and the default make ${behaviours} cache behaviours, more than CloudFront's ${CDN_LIMITS.cacheBehaviorsPerDistribution} per distribution; serve the assets under fewer prefixes`,
            ),
        );
    const header = originHeaderProblem(cdn.originHeader.name);
    if (header) problems.push(at("edge.cdn.originHeader.name", header));
    if (cdn.waf) {
        const wcu = webAclCapacity(cdn.waf);
        if (wcu > CDN_LIMITS.webAclCapacity)
            problems.push(
                at(
                    "edge.cdn.waf.ruleGroups",
                    `need ${wcu} WCUs with the rate rule, more than the ${CDN_LIMITS.webAclCapacity} a web ACL's basic price covers; drop rule groups (${Object.keys(cdn.waf.ruleGroups).join(", ")})`,
                ),
            );
    }
    if (cfg.cluster.mode === "external")
        problems.push(
            at(
                "edge.cdn",
                "needs the cluster's public load balancer as its origin, which a cluster managed elsewhere (cluster.mode external) does not give; remove edge.cdn, or run on a cluster of mode create or shared",
            ),
        );
    if (!cfg.observability.enabled)
        problems.push(
            at(
                "edge.cdn",
                "keeps its access logs with the stack's log retention, but observability.enabled is false; enable observability, or remove edge.cdn",
            ),
        );
    return problems;
}

/** `capstan:app.assets`: folders and prefixes pair up, no prefix hides another, and the CDN serves each. */
export function assetsChecks(cfg: RootConfig): ConfigProblem[] {
    const assets = cfg.app.assets;
    const problems: ConfigProblem[] = [];
    if (assets.paths.length !== assets.urlPrefixes.length)
        problems.push(
            at(
                "app.assets.urlPrefixes",
                `has ${assets.urlPrefixes.length} prefixes for ${assets.paths.length} paths; give one URL prefix per folder of app.assets.paths, in the same order`,
            ),
        );
    assets.urlPrefixes.forEach((p, i) =>
        assets.urlPrefixes.forEach((q, j) => {
            if (i !== j && q.startsWith(p))
                problems.push(
                    at(
                        `app.assets.urlPrefixes[${j}]`,
                        `${JSON.stringify(q)} lies inside ${JSON.stringify(p)} (urlPrefixes[${i}]), so the two folders' files would overwrite each other; give prefixes that do not overlap`,
                    ),
                );
        }),
    );
    const dupPaths = assets.paths.filter((p, i) => assets.paths.indexOf(p) !== i);
    for (const p of new Set(dupPaths)) problems.push(at("app.assets.paths", `lists ${JSON.stringify(p)} twice`));
    if (
        (!/@sha256:[a-f0-9]{64}$/.test(assets.uploaderImage) &&
            !/:[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(assets.uploaderImage.replace(/^[^/]*\//, ""))) ||
        /:latest$/i.test(assets.uploaderImage)
    )
        problems.push(
            at(
                "app.assets.uploaderImage",
                `${JSON.stringify(assets.uploaderImage)} is not pinned; name a tag other than latest, or a digest (e.g. ${ASSETS_DEFAULTS.uploaderImage})`,
            ),
        );
    problems.push(...assetsStoreProblems(cfg));
    const cdn = cfg.edge.cdn;
    if (cdn) {
        const wanted = assets.urlPrefixes.map((p) => `${p}*`);
        for (const w of wanted.filter((w) => !cdn.assetBehaviors.includes(w)))
            problems.push(
                at(
                    "edge.cdn.assetBehaviors",
                    `has no ${JSON.stringify(w)}, so the files under app.assets.urlPrefixes ${JSON.stringify(w.slice(0, -1))} would reach the app, not the bucket; add it`,
                ),
            );
        for (const b of cdn.assetBehaviors.filter((b) => !wanted.includes(b)))
            problems.push(
                at(
                    "edge.cdn.assetBehaviors",
                    `${JSON.stringify(b)} serves from the bucket a prefix no app.assets.urlPrefixes entry uploads, so every request under it would get 403; remove it, or add ${JSON.stringify(b.slice(0, -1))} to app.assets.urlPrefixes`,
                ),
            );
    }
    return problems;
}

/** Where the assets Job writes: the CDN's bucket, or `app.assets.bucket` without the CDN; never both. */
function assetsStoreProblems(cfg: RootConfig): ConfigProblem[] {
    const assets = cfg.app.assets;
    const problems: ConfigProblem[] = [];
    if (assets.bucket !== undefined && cfg.edge.cdn)
        problems.push(
            at(
                "app.assets.bucket",
                `${JSON.stringify(assets.bucket)} is set, but with edge.cdn the assets Job fills the CDN's own bucket, the only one the distribution reads; remove app.assets.bucket`,
            ),
        );
    for (const key of ["keyPrefix", "endpointUrl"] as const)
        if (assets[key] !== undefined && assets.bucket === undefined)
            problems.push(
                at(
                    `app.assets.${key}`,
                    `${JSON.stringify(assets[key])} is set without app.assets.bucket, the bucket it belongs to; set app.assets.bucket, or remove app.assets.${key}`,
                ),
            );
    return problems;
}
