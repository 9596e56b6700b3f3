import type * as pulumi from "@pulumi/pulumi";
import { Cache } from "../aws/cache";
import { Database } from "../aws/database";
import { HostCertificate, HostRecords, type ServedHosts } from "../aws/dns";
import type { CacheConfig, DatabaseConfig, IngressConfig } from "../config";
import { serviceEnvNames } from "../core";
import type { EgressRule } from "../core/networkPolicies";
import type { PlatformExports } from "./exports";

type EntryClass = "public" | "internal";

export interface StackServicesArgs {
    /** Base of the physical identifiers: `<project>-<stack>`, as the cluster of a stack that owns one is named. */
    readonly identifier: string;
    /** The stack's entries: their hosts get records, and tell which listeners serve them. */
    readonly ingress: IngressConfig;
    readonly database?: DatabaseConfig;
    readonly cache?: CacheConfig;
    /** `capstan:dns` with the stack's certificate, which was made before the load balancers that may use it. */
    readonly dns?: { readonly zoneId: string; readonly certificate: HostCertificate };
    /** Whether this stack owns the cluster and its load balancers, or runs on another stack's. */
    readonly ownsCluster: boolean;
    /** The network and load balancers the services use: this stack's, or the owner's. */
    readonly platform: PlatformExports;
    /**
     * The CDN in front of the public entry once DNS moves to it: the public hosts' records name it.
     * @default none: they name the public load balancer
     */
    readonly publicEntry?: { readonly dnsName: pulumi.Input<string>; readonly zoneId: pulumi.Input<string> };
    readonly tags?: Record<string, string>;
}

export interface StackServices {
    /** DATABASE_URL and REDIS_URL, each a secret Output, for the app's Secret. */
    readonly secretEnv: Record<string, pulumi.Output<string>>;
    /** Where the app's pods must be let out to reach them: each private subnet, on each service's port. */
    readonly egress: EgressRule[];
    /** Stack outputs, none of them secret: endpoints, ports, identifiers, the certificate and the records. */
    readonly outputs: Record<string, unknown>;
}

/** The entries of a stack, with their hosts, in class order. */
function entries(ingress: IngressConfig): [EntryClass, readonly string[]][] {
    return ingress.internal
        ? [
              ["public", ingress.public.hosts],
              ["internal", ingress.internal.hosts],
          ]
        : [["public", ingress.public.hosts]];
}

/**
 * The entries whose TLS listener takes the stack's certificate as an extra (SNI) certificate: all
 * of them on another stack's load balancers; on its own, those with a configured `certificateArn`
 * (the others use the stack's certificate as their default).
 */
export function sniEntries(ingress: IngressConfig, ownsCluster: boolean): EntryClass[] {
    return entries(ingress)
        .map(([cls]) => cls)
        .filter((cls) => !ownsCluster || ingress[cls]?.certificateArn !== undefined);
}

/**
 * The entries with `certificateArn` defaulting to the stack's own certificate (capstan:dns), for the
 * load balancers a stack owns. The config checks refuse an entry with neither.
 */
export function withDefaultCertificate(ingress: IngressConfig, certificateArn: pulumi.Input<string> | undefined) {
    const entry = <T extends { certificateArn?: string }>(e: T, cls: string) => {
        const arn = e.certificateArn ?? certificateArn;
        if (arn === undefined)
            throw new Error(`capstan:ingress.${cls}.certificateArn: no certificate and no capstan:dns`);
        return { ...e, certificateArn: arn };
    };
    return {
        public: entry(ingress.public, "public"),
        ...(ingress.internal ? { internal: entry(ingress.internal, "internal") } : {}),
    };
}

/** Egress to every private subnet on `port`: where a database or cache in them has its addresses. */
export function egressTo(cidrs: readonly string[], port: number): EgressRule[] {
    return cidrs.map((cidr) => ({ cidr, ports: [port] }));
}

/** An alias record per host to its entry's load balancer, and the stack's certificate where the listener needs it. */
function createHostRecords(
    name: string,
    args: StackServicesArgs,
    dns: NonNullable<StackServicesArgs["dns"]>,
): Record<string, unknown> {
    const loadBalancer = (cls: EntryClass) => {
        const lb = args.platform.entries[cls];
        if (!lb) throw new Error(`capstan:ingress.${cls} has hosts, but the platform has no ${cls} load balancer`);
        return lb;
    };
    const served: ServedHosts[] = entries(args.ingress).map(([cls, hosts]) => {
        if (cls === "public" && args.publicEntry) return { hosts, ...args.publicEntry, evaluateTargetHealth: false };
        const lb = loadBalancer(cls);
        return { hosts, dnsName: lb.dnsName, zoneId: lb.zoneId };
    });
    const records = new HostRecords(`${name}-dns`, { zoneId: dns.zoneId, entries: served });
    for (const cls of sniEntries(args.ingress, args.ownsCluster))
        dns.certificate.attachTo(cls, loadBalancer(cls).tlsListenerArn);
    return { certificateArn: dns.certificate.arn, records: records.hosts };
}

/**
 * The stack's own database, cache and DNS, each when configured: the database and cache in the
 * platform's private subnets, open to its nodes; an alias record per host to the load balancer of
 * its entry; and the stack's certificate on the listeners that do not use it by default. Every
 * one is named after `name` (the app's namespace), like the app's other AWS resources.
 */
export function createStackServices(name: string, args: StackServicesArgs): StackServices {
    const net = args.platform.network;
    const tags = args.tags ?? {};
    const placement = {
        vpcId: net.vpcId,
        subnetIds: net.privateSubnetIds,
        clientSecurityGroupId: net.nodeSecurityGroupId,
        tags,
    };
    const secretEnv: Record<string, pulumi.Output<string>> = {};
    const egress: EgressRule[] = [];
    const outputs: Record<string, unknown> = {};

    if (args.database) {
        const d = args.database;
        const db = new Database(`${name}-db`, {
            ...placement,
            identifier: args.identifier,
            engine: d.engine,
            instanceClass: d.instanceClass,
            engineVersion: d.engineVersion,
            minCapacity: d.minCapacity,
            maxCapacity: d.maxCapacity,
            storageGiB: d.storageGiB,
            multiAz: d.multiAz,
            backupRetentionDays: d.backupRetentionDays,
            databaseName: d.name,
            username: d.username,
            availabilityZones: net.availabilityZones,
        });
        secretEnv[serviceEnvNames.database] = db.url;
        egress.push(...egressTo(net.privateSubnetCidrs, db.port));
        outputs.database = { engine: d.engine, identifier: db.identifier, host: db.host, port: db.port };
    }
    if (args.cache) {
        const c = args.cache;
        const cache = new Cache(`${name}-cache`, {
            ...placement,
            identifier: args.identifier,
            engine: c.engine,
            engineVersion: c.engineVersion,
            nodeType: c.nodeType,
            replicas: c.replicas,
            snapshotRetentionDays: c.snapshotRetentionDays,
        });
        secretEnv[serviceEnvNames.cache] = cache.url;
        egress.push(...egressTo(net.privateSubnetCidrs, cache.port));
        outputs.cache = {
            engine: c.engine,
            replicationGroupId: cache.replicationGroupId,
            host: cache.host,
            port: cache.port,
        };
    }
    if (args.dns) outputs.dns = createHostRecords(name, args, args.dns);
    return { secretEnv, egress, outputs };
}
