import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/**
 * AWS managed CloudFront policies, by the ids AWS gives them in every account.
 * Source: Amazon CloudFront Developer Guide, "Use managed cache policies" (using-managed-cache-policies.html)
 * and "Use managed origin request policies" (using-managed-origin-request-policies.html).
 */
export const MANAGED_POLICIES = {
    /** CachingDisabled: nothing cached, no header, cookie or query string in the cache key. */
    cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
    /** AllViewer: every viewer header (Host included), cookie and query string reaches the origin. */
    allViewer: "216adef6-5c7f-47e4-b989-5492eafa07d3",
} as const;

/** The AWS-managed prefix list of CloudFront's origin-facing addresses. */
export const CLOUDFRONT_ORIGIN_FACING = "com.amazonaws.global.cloudfront.origin-facing";
/** Route 53's hosted zone of every CloudFront distribution, for alias records (AWS General Reference, cf_region.html). */
export const CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2";
/** A year, in seconds: what an asset is cached for, by CloudFront and by browsers. */
export const ASSET_MAX_AGE = 31536000;
/** The Cache-Control the uploader gives every asset. */
export const ASSET_CACHE_CONTROL = `public, max-age=${ASSET_MAX_AGE}, immutable`;
/** Origin ids inside the distribution. */
export const ORIGINS = { app: "app", assets: "assets" } as const;
/** Where the uploader records which files each release uses; never served (no behaviour matches it). */
export const RELEASES_PREFIX = "_releases/";

export interface DistributionInput {
    /** The public load balancer's DNS name: the app's origin, reached over HTTPS. */
    readonly originDomain: pulumi.Input<string>;
    /** The assets bucket's regional domain name. */
    readonly bucketDomain: pulumi.Input<string>;
    readonly originAccessControlId: pulumi.Input<string>;
    readonly assetsCachePolicyId: pulumi.Input<string>;
    readonly corsPolicyId: pulumi.Input<string>;
    /** The secret origin header CloudFront adds to every request to the load balancer. */
    readonly originHeader: { readonly name: string; readonly value: pulumi.Input<string> };
    readonly aliases: readonly string[];
    readonly certificateArn: string;
    readonly minimumProtocolVersion: string;
    readonly priceClass: string;
    readonly assetBehaviors: readonly string[];
    readonly webAclArn?: pulumi.Input<string>;
    readonly tags: Record<string, string>;
}

const ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];

/** The distribution: the app through the load balancer, uncached; each asset pattern from the bucket, cached a year. */
export function distributionArgs(d: DistributionInput): aws.cloudfront.DistributionArgs {
    return {
        enabled: true,
        comment: `${d.aliases[0]}: app and assets`,
        aliases: [...d.aliases],
        httpVersion: "http2and3",
        isIpv6Enabled: true,
        priceClass: d.priceClass,
        webAclId: d.webAclArn,
        origins: [
            {
                originId: ORIGINS.app,
                domainName: d.originDomain,
                customOriginConfig: {
                    httpPort: 80,
                    httpsPort: 443,
                    originProtocolPolicy: "https-only",
                    originSslProtocols: ["TLSv1.2"],
                    originReadTimeout: 60,
                    originKeepaliveTimeout: 60,
                },
                customHeaders: [{ name: d.originHeader.name, value: d.originHeader.value }],
            },
            {
                originId: ORIGINS.assets,
                domainName: d.bucketDomain,
                originAccessControlId: d.originAccessControlId,
                s3OriginConfig: { originAccessIdentity: "" },
            },
        ],
        defaultCacheBehavior: {
            targetOriginId: ORIGINS.app,
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: ALL_METHODS,
            cachedMethods: ["GET", "HEAD"],
            cachePolicyId: MANAGED_POLICIES.cachingDisabled,
            originRequestPolicyId: MANAGED_POLICIES.allViewer,
            compress: true,
        },
        orderedCacheBehaviors: d.assetBehaviors.map((pathPattern) => ({
            pathPattern,
            targetOriginId: ORIGINS.assets,
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: ["GET", "HEAD", "OPTIONS"],
            cachedMethods: ["GET", "HEAD", "OPTIONS"],
            cachePolicyId: d.assetsCachePolicyId,
            responseHeadersPolicyId: d.corsPolicyId,
            compress: true,
        })),
        viewerCertificate: {
            acmCertificateArn: d.certificateArn,
            sslSupportMethod: "sni-only",
            minimumProtocolVersion: d.minimumProtocolVersion,
        },
        restrictions: { geoRestriction: { restrictionType: "none" } },
        tags: d.tags,
    };
}

/** The assets' cache policy: a year, whatever the object says, with nothing but the path in the key; gzip and brotli. */
export function assetsCachePolicyArgs(name: string): aws.cloudfront.CachePolicyArgs {
    return {
        name,
        comment: "Fingerprinted assets: immutable, cached a year",
        minTtl: ASSET_MAX_AGE,
        defaultTtl: ASSET_MAX_AGE,
        maxTtl: ASSET_MAX_AGE,
        parametersInCacheKeyAndForwardedToOrigin: {
            enableAcceptEncodingGzip: true,
            enableAcceptEncodingBrotli: true,
            headersConfig: { headerBehavior: "none" },
            cookiesConfig: { cookieBehavior: "none" },
            queryStringsConfig: { queryStringBehavior: "none" },
        },
    };
}

/** CORS on the assets, so that a page of any public host may load the fonts (browsers ask CORS for fonts). */
export function corsPolicyArgs(name: string, hosts: readonly string[]): aws.cloudfront.ResponseHeadersPolicyArgs {
    return {
        name,
        comment: "CORS for fonts and other assets, from the public hosts",
        corsConfig: {
            accessControlAllowCredentials: false,
            accessControlAllowHeaders: { items: ["*"] },
            accessControlAllowMethods: { items: ["GET", "HEAD", "OPTIONS"] },
            accessControlAllowOrigins: { items: hosts.map((h) => `https://${h}`) },
            accessControlMaxAgeSec: 86400,
            originOverride: true,
        },
    };
}

/** The bucket admits reads by this distribution only (its ARN as `AWS:SourceArn`), and TLS requests only. */
export function assetsBucketPolicy(bucketArn: string, distributionArn: string): Record<string, unknown> {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ThisDistributionReads",
                Effect: "Allow",
                Principal: { Service: "cloudfront.amazonaws.com" },
                Action: "s3:GetObject",
                Resource: `${bucketArn}/*`,
                Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
            },
            {
                Sid: "TlsOnly",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

/** The key prefixes the uploader writes: each URL prefix without its leading `/`, and the release records. */
export function uploaderPrefixes(urlPrefixes: readonly string[]): string[] {
    return [...urlPrefixes.map((p) => p.slice(1)), RELEASES_PREFIX];
}

/** The uploader's IRSA policy: read, write and delete under its prefixes, list only those; nothing else of the bucket. */
export function uploaderPolicy(bucketArn: string, urlPrefixes: readonly string[]): Record<string, unknown> {
    const prefixes = uploaderPrefixes(urlPrefixes);
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AssetObjects",
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                Resource: prefixes.map((p) => `${bucketArn}/${p}*`),
            },
            {
                Sid: "ListAssetPrefixes",
                Effect: "Allow",
                Action: "s3:ListBucket",
                Resource: bucketArn,
                Condition: { StringLike: { "s3:prefix": prefixes.map((p) => `${p}*`) } },
            },
        ],
    };
}
