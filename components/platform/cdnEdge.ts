import * as pulumi from "@pulumi/pulumi";
import { AssetsBucket, Cdn, OriginSecret } from "../aws/cdn";
import type { CapstanConfig } from "../config";
import { workloadNames } from "../core";
import type { ClusterAccess } from "./access";

/** What the CDN gives the rest of the stack: the records' target, the ingress's origin header, the assets' bucket. */
export interface CdnEdge {
    readonly cdn: Cdn;
    readonly bucket: AssetsBucket;
    /** Where the public hosts' records point once DNS moves (`switchOver` other than `prepare`). */
    readonly publicEntry?: { readonly dnsName: pulumi.Output<string>; readonly zoneId: pulumi.Output<string> };
    /** The header the public VirtualServers require once the origin is locked. */
    readonly originHeader?: { readonly name: string; readonly values: pulumi.Output<string>[] };
    /** The assets Job's ServiceAccount name and the bucket it writes. */
    readonly assets: {
        readonly bucketName: pulumi.Output<string>;
        readonly serviceAccountName: string;
        readonly roleArn?: pulumi.Output<string>;
    };
}

/** The assets Job's ServiceAccount: its own, so its IRSA role is not the app's. */
export const assetsServiceAccount = (app: string) => workloadNames.assetsInstance(app);

/**
 * `capstan:edge.cdn`: the origin secret, the assets bucket (with the uploader's IRSA role where the
 * cluster has an OIDC provider), and the distribution in front of the cluster's public load
 * balancer. Undefined when the CDN is off: nothing is declared.
 */
export async function cdnEdge(
    cfg: CapstanConfig,
    cluster: ClusterAccess,
    tags: Record<string, string>,
): Promise<CdnEdge | undefined> {
    const c = cfg.edge.cdn;
    if (!c) return undefined;
    const name = cfg.namespace;
    const identifier = `${cfg.project}-${cfg.stack}`;
    const secret = new OriginSecret(`${name}-origin`, {
        generation: c.originHeader.generation,
        acceptPrevious: c.originHeader.acceptPrevious,
        acceptNext: c.originHeader.acceptNext,
    });
    const serviceAccountName = assetsServiceAccount(cfg.app.name);
    const bucket = new AssetsBucket(`${name}-assets`, {
        urlPrefixes: cfg.app.assets.urlPrefixes,
        uploader: cluster.oidc && {
            oidcProviderArn: cluster.oidc.providerArn,
            oidcIssuer: cluster.oidc.issuer,
            namespace: cfg.namespace,
            serviceAccount: serviceAccountName,
        },
        tags,
    });
    const platform = await cluster.platform();
    const cdn = new Cdn(`${name}-cdn`, {
        identifier,
        originDomain: platform.entries.public.dnsName,
        bucket: bucket.bucket,
        aliases: cfg.ingress.public.hosts,
        certificateArn: c.certificateArn,
        minimumProtocolVersion: c.minimumProtocolVersion,
        priceClass: c.priceClass,
        assetBehaviors: c.assetBehaviors,
        originHeader: { name: c.originHeader.name, value: secret.sent },
        waf: c.waf,
        // The policy pack reads where the switch-over is, and which rules of the environment apply.
        distributionTags: { "capstan:switchOver": c.switchOver, "capstan:environment": cfg.environment },
        logs: {
            destination: c.accessLogs,
            retentionDays: cfg.observability.logRetentionDays,
            group: pulumi.interpolate`/capstan/${cluster.clusterName}/cdn/${cfg.namespace}`,
        },
        tags,
    });
    return {
        cdn,
        bucket,
        publicEntry: c.switchOver === "prepare" ? undefined : { dnsName: cdn.domainName, zoneId: cdn.zoneId },
        originHeader: c.switchOver === "locked" ? { name: c.originHeader.name, values: secret.accepted } : undefined,
        assets: { bucketName: bucket.bucketName, serviceAccountName, roleArn: bucket.uploaderRoleArn },
    };
}
