import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { dataSecurityGroup } from "./dataNetwork";
import { awsName, AWS_NAME_LIMITS } from "./names";

/** The port of the cache, Valkey's and Redis's own. */
export const CACHE_PORT = 6379;
/**
 * The AUTH token: letters and digits (ElastiCache allows only a few specials, and a URL would
 * need them escaped), 64 characters, within ElastiCache's 16 to 128.
 */
export const AUTH_TOKEN_LENGTH = 64;

export interface CacheArgs {
    /** Base of the replication group id (`<project>-<stack>`); shortened with a hash to ElastiCache's 40 characters. */
    readonly identifier: string;
    readonly engine: "valkey" | "redis";
    /** @default ElastiCache's default version for the engine */
    readonly engineVersion?: string;
    /** @default cache.t4g.small */
    readonly nodeType?: string;
    /** Replicas of the primary; with any, a failed primary fails over to one in another zone. @default 0 */
    readonly replicas?: number;
    /** Days of daily snapshots; 0 takes none. @default 1 */
    readonly snapshotRetentionDays?: number;
    readonly vpcId: pulumi.Input<string>;
    /** The cluster's private subnets: the cache's addresses are in them. */
    readonly subnetIds: pulumi.Input<string>[];
    /** The cluster nodes' security group: the only clients let in, on the cache port. */
    readonly clientSecurityGroupId: pulumi.Input<string>;
    readonly tags?: Record<string, string>;
}

/** The app's connection URL: TLS (`rediss`), the token as the password of the default user, database 0. */
export function cacheUrl(p: { token: string; host: string; port: number }): string {
    return `rediss://:${p.token}@${p.host}:${p.port}/0`;
}

/**
 * The stack's own Redis-compatible cache: an ElastiCache replication group (Valkey or Redis OSS,
 * cluster mode off) in the given private subnets, behind a security group that admits only the
 * cluster's nodes on 6379, encrypted at rest and in transit, with AUTH: a generated token that
 * stays a secret Output end to end, like `url` (the app's REDIS_URL).
 *
 * The replication group's id is set (`identifier` shortened to ElastiCache's limit), so a change
 * that replaces it deletes the old group first: the preview says `replace`, and what the cache
 * held (Sidekiq's queues among it) is gone unless restored from a snapshot.
 */
export class Cache extends pulumi.ComponentResource {
    /** REDIS_URL: secret. */
    public readonly url: pulumi.Output<string>;
    /** The primary's endpoint. */
    public readonly host: pulumi.Output<string>;
    public readonly port: number;
    public readonly replicationGroupId: string;
    public readonly securityGroupId: pulumi.Output<string>;

    constructor(name: string, args: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:aws:Cache", name, {}, opts);
        const tags = args.tags ?? {};
        const id = awsName(args.identifier, AWS_NAME_LIMITS.elastiCacheReplicationGroup);

        const token = new random.RandomPassword(
            `${name}-token`,
            { length: AUTH_TOKEN_LENGTH, special: false },
            { parent: this },
        );
        const secretToken = pulumi.secret(token.result);
        const sg = dataSecurityGroup(
            name,
            {
                vpcId: args.vpcId,
                port: CACHE_PORT,
                clientSecurityGroupId: args.clientSecurityGroupId,
                what: `cache ${id}`,
                tags,
            },
            this,
        );
        const subnetGroup = new aws.elasticache.SubnetGroup(
            name,
            { subnetIds: args.subnetIds, description: `cache ${id}: cluster private subnets`, tags },
            { parent: this },
        );
        const group = new aws.elasticache.ReplicationGroup(
            name,
            replicationGroupArgs(args, {
                id,
                subnetGroupName: subnetGroup.name,
                securityGroupId: sg.id,
                authToken: secretToken,
            }),
            { parent: this, deleteBeforeReplace: true },
        );

        this.replicationGroupId = id;
        this.host = group.primaryEndpointAddress;
        this.port = CACHE_PORT;
        this.securityGroupId = sg.id;
        this.url = pulumi.secret(
            pulumi
                .all([group.primaryEndpointAddress, secretToken])
                .apply(([host, t]) => cacheUrl({ token: t, host, port: CACHE_PORT })),
        );
        this.registerOutputs({
            host: this.host,
            port: this.port,
            replicationGroupId: this.replicationGroupId,
            securityGroupId: this.securityGroupId,
        });
    }
}

/**
 * The replication group: encrypted at rest and in transit behind the auth token; with replicas,
 * spread over zones with automatic failover.
 */
export function replicationGroupArgs(
    args: CacheArgs,
    on: {
        id: string;
        subnetGroupName: pulumi.Input<string>;
        securityGroupId: pulumi.Input<string>;
        authToken: pulumi.Input<string>;
    },
): aws.elasticache.ReplicationGroupArgs {
    const replicas = args.replicas ?? 0;
    return {
        replicationGroupId: on.id,
        description: `cache of ${args.identifier}`,
        engine: args.engine,
        engineVersion: args.engineVersion,
        nodeType: args.nodeType ?? "cache.t4g.small",
        port: CACHE_PORT,
        numCacheClusters: 1 + replicas,
        automaticFailoverEnabled: replicas > 0,
        multiAzEnabled: replicas > 0,
        subnetGroupName: on.subnetGroupName,
        securityGroupIds: [on.securityGroupId],
        atRestEncryptionEnabled: true,
        transitEncryptionEnabled: true,
        authToken: on.authToken,
        snapshotRetentionLimit: args.snapshotRetentionDays ?? 1,
        autoMinorVersionUpgrade: true,
        tags: args.tags ?? {},
    };
}
