import { z } from "zod";
import { doc } from "./docs";
import { arn, int } from "./fields";

/** The CDN in front of the public entry, and the app's precompiled assets: `capstan:edge`, `capstan:app.assets`. */

/**
 * CloudFront's path-pattern syntax: at most 255 characters of `A-Z a-z 0-9 _ - . * $ / ~ " ' @ : + &`,
 * `*` and `?` being its wildcards, compared case-sensitively.
 * Source: Amazon CloudFront Developer Guide, "Cache behavior settings", Path pattern
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesCacheBehavior.html#DownloadDistValuesPathPattern).
 */
export const PATH_PATTERN = { maxLength: 255, characters: /^[A-Za-z0-9_\-.*$/~"'@:+&?]+$/ } as const;

const pathPattern = z
    .string()
    .max(PATH_PATTERN.maxLength)
    .regex(PATH_PATTERN.characters, {
        message: "is not a CloudFront path pattern: letters, digits and _ - . * ? $ / ~ \" ' @ : + & only",
    })
    .regex(/^\/[^*?]+\/\*$/, {
        message: 'must be a URL prefix followed by "/*", such as "/assets/*" (an asset behaviour serves one folder)',
    });

/** The AWS managed rule groups the web ACL can run, with the capacity (WCUs) AWS gives each. */
export const MANAGED_RULE_GROUPS = {
    // Source: AWS WAF Developer Guide, "Baseline rule groups"
    // (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html).
    AWSManagedRulesCommonRuleSet: 700,
    AWSManagedRulesAdminProtectionRuleSet: 100,
    AWSManagedRulesKnownBadInputsRuleSet: 200,
    // Source: AWS WAF Developer Guide, "Use-case specific rule groups"
    // (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-use-case.html).
    AWSManagedRulesSQLiRuleSet: 200,
    AWSManagedRulesLinuxRuleSet: 200,
    AWSManagedRulesUnixRuleSet: 100,
    AWSManagedRulesPHPRuleSet: 100,
    AWSManagedRulesWordPressRuleSet: 100,
    // Source: AWS WAF Developer Guide, "IP reputation rule groups"
    // (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-ip-rep.html).
    AWSManagedRulesAmazonIpReputationList: 25,
    AWSManagedRulesAnonymousIpList: 50,
} as const;
export type ManagedRuleGroup = keyof typeof MANAGED_RULE_GROUPS;

const ruleMode = z.enum(["count", "block"]);

export const wafSchema = z.strictObject({
    ruleGroups: doc(
        z
            .partialRecord(
                z.enum(Object.keys(MANAGED_RULE_GROUPS) as [ManagedRuleGroup, ...ManagedRuleGroup[]]),
                ruleMode,
            )
            .default({
                AWSManagedRulesCommonRuleSet: "count",
                AWSManagedRulesKnownBadInputsRuleSet: "count",
                AWSManagedRulesSQLiRuleSet: "count",
                AWSManagedRulesAmazonIpReputationList: "count",
            }),
        {
            description:
                "AWS managed rule groups, each in `count` (log what it would block) or `block` mode. Start in `count`, read the logs, then block (docs/edge.md).",
            type: "map of rule group to `count` | `block`",
            rules: "the web ACL's capacity, the rule groups' WCUs plus 2 for the rate rule, at most 1500",
        },
    ),
    rateLimit: doc(
        z
            .strictObject({
                requestsPer5Minutes: doc(int(10, 2000000000).default(2000), {
                    description: "Requests one client IP may send in any 5 minutes before the rule acts.",
                }),
                mode: doc(ruleMode.default("block"), {
                    description: "`count` or `block` the client beyond the limit.",
                }),
            })
            .default({ requestsPer5Minutes: 2000, mode: "block" }),
        { description: "A rate-based rule per client IP." },
    ),
});

export const cdnSchema = z.strictObject({
    certificateArn: doc(
        arn(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, "must be an ACM certificate ARN"),
        {
            description:
                "The ACM certificate viewers see: it covers every `ingress.public.hosts` entry, and lives in us-east-1, where CloudFront reads certificates.",
            rules: "in us-east-1",
        },
    ),
    minimumProtocolVersion: doc(
        z
            .enum(["TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"])
            .default("TLSv1.2_2021"),
        {
            description: "The viewer security policy: the oldest TLS version and the ciphers CloudFront accepts.",
            rules: "`TLSv1.2_2021` or newer in production (policy pack)",
        },
    ),
    priceClass: doc(z.enum(["PriceClass_100", "PriceClass_200", "PriceClass_All"]).default("PriceClass_100"), {
        description: "The edge locations that serve: North America and Europe (100), most (200), or all.",
    }),
    assetBehaviors: doc(z.array(pathPattern).min(1).default(["/assets/*", "/packs/*"]), {
        description:
            "The path patterns served from the assets bucket, cached for a year; every other path reaches the app, uncached.",
        rules: "one per `app.assets.urlPrefixes` entry (`<prefix>*`); with the default behaviour, at most 75 behaviours",
    }),
    switchOver: doc(z.enum(["prepare", "dns", "locked"]).default("locked"), {
        description:
            "Where a stack moving behind the CDN is: `prepare` (the distribution exists, DNS still names the load balancer, the origin is open), `dns` (the records name the distribution; wait a TTL), `locked` (the load balancer admits only CloudFront on 443, and the ingress refuses a request without the origin header with 403). See docs/edge.md.",
        rules: "`locked` is required where the records name the distribution (policy pack)",
    }),
    originHeader: doc(
        z
            .strictObject({
                name: doc(
                    z
                        .string()
                        .max(256)
                        .regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, {
                            message: "must be an HTTP header name of letters, digits and '-', such as X-Origin-Verify",
                        })
                        .default("X-Origin-Verify"),
                    {
                        description: "The header CloudFront adds to every request to the load balancer.",
                        rules: "not a header CloudFront refuses to add (Host, Cookie, X-Amz-*, X-Edge-*, ...)",
                    },
                ),
                generation: doc(int(1, 1000000).default(1), {
                    description: "The secret's generation: raise it by one to rotate the secret (a new random value).",
                }),
                acceptNext: doc(z.boolean().default(false), {
                    description:
                        "Whether the ingress also accepts the next generation's secret: the first step of a rotation, before CloudFront sends it.",
                }),
                acceptPrevious: doc(z.boolean().default(false), {
                    description:
                        "Whether the ingress also accepts the previous generation's secret: the second step of a rotation, while the new one reaches every edge location.",
                }),
            })
            .default({ name: "X-Origin-Verify", generation: 1, acceptNext: false, acceptPrevious: false }),
        {
            description:
                "The secret header that tells the ingress a request came through this distribution. Its value is generated and kept secret; rotating it takes three updates (docs/edge.md), none of which refuses a request.",
        },
    ),
    waf: doc(wafSchema.optional(), {
        description: "An AWS WAF web ACL on the distribution; its logs go to CloudWatch with the stack's retention.",
        default: "none: no web ACL",
    }),
    accessLogs: doc(z.enum(["cloudwatch", "s3"]).default("cloudwatch"), {
        description:
            "Where the distribution's access logs go (standard logging v2): a CloudWatch log group with the stack's retention, or an S3 bucket expiring them after as many days.",
    }),
});

export const edgeSchema = z.strictObject({
    cdn: doc(cdnSchema.optional(), {
        description:
            "A CloudFront distribution in front of the public entry: the app through the load balancer, uncached; the assets from a private bucket, cached for a year. See docs/edge.md.",
        default: "none: clients reach the load balancer directly",
        rules: "cluster mode `create` or `shared` (the origin is the cluster's public load balancer); needs observability on (the logs' retention)",
    }),
});

const absoluteDir = z.string().regex(/^\/[A-Za-z0-9._\/-]*[A-Za-z0-9._-]$/, {
    message: 'must be an absolute directory path such as "/rails/public/assets"',
});
const urlPrefix = z.string().regex(/^\/([A-Za-z0-9._~-]+\/)+$/, {
    message: 'must be a URL prefix that starts and ends with "/", such as "/assets/"',
});

export const ASSETS_DEFAULTS = {
    paths: ["/rails/public/assets", "/rails/public/packs"],
    urlPrefixes: ["/assets/", "/packs/"],
    keepReleases: 3,
    retainDays: 30,
    uploaderImage: "public.ecr.aws/aws-cli/aws-cli:2.27.50",
};

export const assetsSchema = z.strictObject({
    paths: doc(z.array(absoluteDir).min(1).default(ASSETS_DEFAULTS.paths), {
        description:
            "The folders of precompiled assets in the app's image; a folder the image lacks is skipped (e.g. no `packs` without Webpacker).",
        rules: "as many as `urlPrefixes`: the files of `paths[i]` are served under `urlPrefixes[i]`",
    }),
    urlPrefixes: doc(z.array(urlPrefix).min(1).default(ASSETS_DEFAULTS.urlPrefixes), {
        description: "The URL prefix each folder is served under.",
        rules: "no prefix inside another; each has its `edge.cdn.assetBehaviors` entry",
    }),
    keepReleases: doc(int(2, 100).default(ASSETS_DEFAULTS.keepReleases), {
        description:
            "How many releases' assets stay in the bucket: the running one, the previous one, and older ones up to this many.",
    }),
    retainDays: doc(int(0, 3650).default(ASSETS_DEFAULTS.retainDays), {
        description:
            "A file no kept release uses is removed once it is older than this: a page cached by a browser can still load it meanwhile.",
        unit: "days",
    }),
    uploaderImage: doc(z.string().default(ASSETS_DEFAULTS.uploaderImage), {
        description: "The pinned AWS CLI image that uploads the assets.",
        rules: "a tag other than latest, or a digest",
    }),
    bucket: doc(
        z
            .string()
            .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
                message: "must be an S3 bucket name: 3 to 63 lowercase letters, digits, '.' and '-'",
            })
            .optional(),
        {
            description:
                "A bucket of an S3-compatible store (`endpointUrl`) that the assets Job fills on a cluster without `edge.cdn`, such as a cluster managed elsewhere; whatever serves the assets from it is not Capstan's. With `edge.cdn` the Job fills the CDN's own bucket.",
            default: "none: without `edge.cdn`, no assets Job",
            rules: "not with `edge.cdn`",
        },
    ),
    keyPrefix: doc(
        z
            .string()
            .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, {
                message: 'must be a key prefix without a leading or trailing "/", such as "phraseapp/staging"',
            })
            .optional(),
        {
            description:
                "The folder of `bucket` the files go under (`<keyPrefix>/assets/app-<digest>.css`), so that stacks can share a bucket.",
            default: "none: the bucket's root",
            rules: "only with `bucket`",
        },
    ),
    endpointUrl: doc(
        z
            .string()
            .regex(/^https?:\/\/[A-Za-z0-9.:[\]-]+(\/.*)?$/, { message: "must be an http(s) URL" })
            .optional(),
        {
            description: "The S3-compatible endpoint of `bucket`, instead of AWS S3.",
            default: "none: AWS S3 of `aws:region`",
            rules: "only with `bucket`",
        },
    ),
});

export type EdgeConfig = z.infer<typeof edgeSchema>;
export type CdnConfig = z.infer<typeof cdnSchema>;
export type WafConfig = z.infer<typeof wafSchema>;
export type AssetsConfig = z.infer<typeof assetsSchema>;
