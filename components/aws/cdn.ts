import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { bucketSettingsArgs } from "./appDataArgs";
import {
    CLOUDFRONT_ORIGIN_FACING,
    assetsBucketPolicy,
    assetsCachePolicyArgs,
    corsPolicyArgs,
    distributionArgs,
    uploaderPolicy,
} from "./cdnArgs";
import { irsaRole, type ServiceAccountRef } from "./irsa";
import { webAclArgs, type RuleMode } from "./wafArgs";

export { ASSET_CACHE_CONTROL, CLOUDFRONT_ORIGIN_FACING, CLOUDFRONT_ZONE_ID, RELEASES_PREFIX } from "./cdnArgs";

/** The id of the AWS-managed prefix list of CloudFront's origin-facing addresses, in the stack's region. */
export function cloudfrontPrefixListId(parent?: pulumi.Resource): pulumi.Output<string> {
    return aws.ec2.getManagedPrefixListOutput({ name: CLOUDFRONT_ORIGIN_FACING }, { parent }).apply((l) => l.id);
}

/** Characters of the origin secret: 48 letters and digits, far below CloudFront's 1,783 for a header value. */
const SECRET_LENGTH = 48;

export interface OriginSecretArgs {
    /** The generation CloudFront sends. */
    readonly generation: number;
    /** Also accept the generation before it (while a rotation reaches every edge location). @default false */
    readonly acceptPrevious?: boolean;
    /** Also accept the generation after it (before CloudFront is told to send it). @default false */
    readonly acceptNext?: boolean;
}

/**
 * The secret of the origin header, one random value per generation. A generation's value is a
 * resource named after it, so it stays the same for as long as it is sent or accepted, and a
 * rotation adds a value instead of changing one. Every value is a Pulumi secret.
 */
export class OriginSecret extends pulumi.ComponentResource {
    /** The value CloudFront sends. */
    public readonly sent: pulumi.Output<string>;
    /** The values the ingress accepts: the sent one first. */
    public readonly accepted: pulumi.Output<string>[];

    constructor(name: string, args: OriginSecretArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:aws:OriginSecret", name, {}, opts);
        const value = (g: number) =>
            pulumi.secret(
                new random.RandomPassword(`${name}-g${g}`, { length: SECRET_LENGTH, special: false }, { parent: this })
                    .result,
            );
        const g = args.generation;
        this.sent = value(g);
        this.accepted = [
            this.sent,
            ...(args.acceptPrevious && g > 1 ? [value(g - 1)] : []),
            ...(args.acceptNext ? [value(g + 1)] : []),
        ];
        this.registerOutputs({});
    }
}

export interface AssetsBucketArgs {
    /** The URL prefixes the uploader writes under (`/assets/`), which are the bucket's key prefixes. */
    readonly urlPrefixes: readonly string[];
    /** The assets Job's ServiceAccount, whose own IRSA role writes those prefixes only. @default no role */
    readonly uploader?: ServiceAccountRef & { readonly oidcProviderArn: pulumi.Input<string> };
    readonly tags?: Record<string, string>;
}

/**
 * The private bucket of the app's precompiled assets: no public access, owner-enforced, encrypted.
 * Its policy (which distribution reads it) is the CDN's. Not versioned: the uploader's cleanup
 * removes files for good.
 */
export class AssetsBucket extends pulumi.ComponentResource {
    public readonly bucket: aws.s3.Bucket;
    public readonly bucketName: pulumi.Output<string>;
    /** The uploader's IRSA role, when an uploader was given. */
    public readonly uploaderRoleArn?: pulumi.Output<string>;

    constructor(name: string, args: AssetsBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:aws:AssetsBucket", name, {}, opts);
        const tags = args.tags ?? {};
        // The assets can be uploaded again from the images: no `protect`, unlike the app's own bucket.
        this.bucket = new aws.s3.Bucket(name, { forceDestroy: true, tags }, { parent: this });
        const settings = bucketSettingsArgs(this.bucket.id);
        const child = { parent: this.bucket };
        new aws.s3.BucketPublicAccessBlock(name, settings.publicAccessBlock, child);
        new aws.s3.BucketOwnershipControls(name, settings.ownershipControls, child);
        new aws.s3.BucketServerSideEncryptionConfiguration(name, settings.encryption, child);
        this.bucketName = this.bucket.bucket;
        if (args.uploader) {
            const policy = this.bucket.arn.apply((arn) => JSON.stringify(uploaderPolicy(arn, args.urlPrefixes)));
            this.uploaderRoleArn = irsaRole(`${name}-uploader`, { ...args.uploader, policy, tags }, this).arn;
        }
        this.registerOutputs({ bucketName: this.bucketName });
    }
}

export interface CdnArgs {
    /** Account-unique names of the policies, the web ACL and the log delivery: the stack's identifier. */
    readonly identifier: string;
    /** The public load balancer's DNS name. */
    readonly originDomain: pulumi.Input<string>;
    readonly bucket: aws.s3.Bucket;
    readonly aliases: readonly string[];
    readonly certificateArn: string;
    readonly minimumProtocolVersion: string;
    readonly priceClass: string;
    readonly assetBehaviors: readonly string[];
    readonly originHeader: { readonly name: string; readonly value: pulumi.Input<string> };
    readonly waf?: {
        readonly ruleGroups: Readonly<Partial<Record<string, RuleMode>>>;
        readonly rateLimit: { readonly requestsPer5Minutes: number; readonly mode: RuleMode };
    };
    /** Tags of the distribution only, besides `tags`. @default none */
    readonly distributionTags?: Record<string, string>;
    /** Where the access logs go, and how long they are kept (the stack's log retention). */
    readonly logs: {
        readonly destination: "cloudwatch" | "s3";
        readonly retentionDays: number;
        readonly group: pulumi.Input<string>;
    };
    readonly tags?: Record<string, string>;
}

/**
 * The CloudFront distribution in front of the public entry, with what it needs: the assets' cache
 * and CORS policies, the bucket's Origin Access Control and policy, the optional web ACL and the
 * access logs. What CloudFront reads from us-east-1 (the web ACL, the log delivery) is made there.
 */
export class Cdn extends pulumi.ComponentResource {
    public readonly distributionId: pulumi.Output<string>;
    public readonly distributionArn: pulumi.Output<string>;
    public readonly domainName: pulumi.Output<string>;
    public readonly zoneId: pulumi.Output<string>;

    constructor(name: string, args: CdnArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:aws:Cdn", name, {}, opts);
        const tags = args.tags ?? {};
        const parent = { parent: this };
        const usEast1 = new aws.Provider(`${name}-us-east-1`, { region: "us-east-1" }, parent);
        const global = { parent: this, provider: usEast1 };
        const { oac, cache, cors } = assetPolicies(name, args, this);
        const acl = args.waf
            ? new aws.wafv2.WebAcl(
                  `${name}-waf`,
                  webAclArgs({
                      name: args.identifier,
                      ruleGroups: args.waf.ruleGroups as Record<string, RuleMode>,
                      rateLimit: args.waf.rateLimit,
                      tags,
                  }),
                  global,
              )
            : undefined;
        const distribution = new aws.cloudfront.Distribution(
            name,
            distributionArgs({
                originDomain: args.originDomain,
                bucketDomain: args.bucket.bucketRegionalDomainName,
                originAccessControlId: oac.id,
                assetsCachePolicyId: cache.id,
                corsPolicyId: cors.id,
                originHeader: args.originHeader,
                aliases: args.aliases,
                certificateArn: args.certificateArn,
                minimumProtocolVersion: args.minimumProtocolVersion,
                priceClass: args.priceClass,
                assetBehaviors: args.assetBehaviors,
                webAclArn: acl?.arn,
                tags: { ...tags, ...args.distributionTags },
            }),
            parent,
        );
        new aws.s3.BucketPolicy(
            `${name}-assets`,
            {
                bucket: args.bucket.id,
                policy: pulumi
                    .all([args.bucket.arn, distribution.arn])
                    .apply(([b, d]) => JSON.stringify(assetsBucketPolicy(b, d))),
            },
            { parent: distribution },
        );
        if (acl) wafLogs(name, args, acl, global);
        accessLogs(name, args, distribution, global);
        this.distributionId = distribution.id;
        this.distributionArn = distribution.arn;
        this.domainName = distribution.domainName;
        this.zoneId = distribution.hostedZoneId;
        this.registerOutputs({ distributionId: this.distributionId, domainName: this.domainName });
    }
}

/** The assets' Origin Access Control, cache policy and CORS policy, under `parent`. */
function assetPolicies(name: string, args: CdnArgs, self: pulumi.Resource) {
    const parent = { parent: self };
    const oac = new aws.cloudfront.OriginAccessControl(
        `${name}-assets`,
        {
            name: `${args.identifier}-assets`,
            originAccessControlOriginType: "s3",
            signingBehavior: "always",
            signingProtocol: "sigv4",
        },
        parent,
    );
    const cache = new aws.cloudfront.CachePolicy(
        `${name}-assets`,
        assetsCachePolicyArgs(`${args.identifier}-assets`),
        parent,
    );
    const cors = new aws.cloudfront.ResponseHeadersPolicy(
        `${name}-assets-cors`,
        corsPolicyArgs(`${args.identifier}-assets-cors`, args.aliases),
        parent,
    );
    return { oac, cache, cors };
}

/** The web ACL's log group (WAF wants the name to begin with `aws-waf-logs-`), with the stack's retention. */
function wafLogs(name: string, args: CdnArgs, acl: aws.wafv2.WebAcl, opts: pulumi.CustomResourceOptions) {
    const group = new aws.cloudwatch.LogGroup(
        `${name}-waf`,
        { name: `aws-waf-logs-${args.identifier}`, retentionInDays: args.logs.retentionDays, tags: args.tags },
        opts,
    );
    new aws.wafv2.WebAclLoggingConfiguration(
        `${name}-waf`,
        { resourceArn: acl.arn, logDestinationConfigs: [group.arn] },
        { ...opts, parent: acl },
    );
}

/** Standard logging (v2): the distribution's access logs to a log group, or a bucket that expires them, kept as long as the stack's logs. */
function accessLogs(
    name: string,
    args: CdnArgs,
    distribution: aws.cloudfront.Distribution,
    opts: pulumi.CustomResourceOptions,
) {
    const { retentionDays, destination, group } = args.logs;
    let destinationArn: pulumi.Output<string>;
    if (destination === "cloudwatch") {
        destinationArn = new aws.cloudwatch.LogGroup(
            `${name}-access`,
            { name: group, retentionInDays: retentionDays, tags: args.tags },
            opts,
        ).arn;
    } else {
        const bucket = new aws.s3.Bucket(`${name}-access`, { forceDestroy: true, tags: args.tags }, opts);
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-access`,
            {
                bucket: bucket.id,
                rules: [{ id: "expire", status: "Enabled", filter: {}, expiration: { days: retentionDays } }],
            },
            { ...opts, parent: bucket },
        );
        destinationArn = bucket.arn;
    }
    const source = new aws.cloudwatch.LogDeliverySource(
        `${name}-access`,
        { name: `${args.identifier}-cdn`, logType: "ACCESS_LOGS", resourceArn: distribution.arn },
        opts,
    );
    const target = new aws.cloudwatch.LogDeliveryDestination(
        `${name}-access`,
        {
            name: `${args.identifier}-cdn`,
            outputFormat: "json",
            deliveryDestinationConfiguration: { destinationResourceArn: destinationArn },
        },
        opts,
    );
    new aws.cloudwatch.LogDelivery(
        `${name}-access`,
        { deliverySourceName: source.name, deliveryDestinationArn: target.arn },
        { ...opts, parent: source },
    );
}
