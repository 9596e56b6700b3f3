import type * as pulumi from "@pulumi/pulumi";

/** Where a stack's own database and cache go: the network of the cluster's nodes. */
export interface PlatformNetwork {
    readonly vpcId: pulumi.Input<string>;
    readonly privateSubnetIds: pulumi.Input<string>[];
    /** The private subnets' blocks: a database or cache in those subnets has its addresses there. */
    readonly privateSubnetCidrs: readonly string[];
    /** The zones of the private subnets, in the same order. */
    readonly availabilityZones: readonly string[];
    /** The nodes' security group: what a database or cache lets in (pods leave through their node). */
    readonly nodeSecurityGroupId: pulumi.Input<string>;
}

/** One entry's load balancer, as records and certificates of another stack need it. */
export interface PlatformEntry {
    readonly dnsName: pulumi.Input<string>;
    /** The load balancer's own Route 53 zone, for alias records. */
    readonly zoneId: pulumi.Input<string>;
    /** The TLS:443 listener, to which a tenant adds its certificate. */
    readonly tlsListenerArn: pulumi.Input<string>;
}

/** What a cluster-owning stack exports (as the output `platform`) for the database, cache and DNS of every stack on its cluster. */
export interface PlatformExports {
    readonly network: PlatformNetwork;
    readonly entries: { readonly public: PlatformEntry; readonly internal?: PlatformEntry };
}

/** The stack output that carries {@link PlatformExports}. */
export const PLATFORM_OUTPUT = "platform";

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");
const isEntry = (v: unknown): boolean => {
    const e = v as Partial<Record<keyof PlatformEntry, unknown>> | undefined;
    return typeof e?.dnsName === "string" && typeof e.zoneId === "string" && typeof e.tlsListenerArn === "string";
};

/**
 * The owner's {@link PlatformExports} as read back from its stack output, or the reason it cannot
 * be used. `internal` says whether this stack serves an internal entry, which then must be there.
 */
export function parsePlatformExports(
    value: unknown,
    internal: boolean,
): { exports?: PlatformExports; problem?: string } {
    const v = value as
        | {
              network?: Partial<Record<keyof PlatformNetwork, unknown>>;
              entries?: { public?: unknown; internal?: unknown };
          }
        | undefined;
    const n = v?.network;
    if (!n)
        return {
            problem:
                "exports no platform output (network and load balancers); is its cluster.mode create, and has it been updated since it gained one?",
        };
    const networkOk =
        typeof n.vpcId === "string" &&
        isStrings(n.privateSubnetIds) &&
        isStrings(n.privateSubnetCidrs) &&
        isStrings(n.availabilityZones) &&
        typeof n.nodeSecurityGroupId === "string";
    if (!networkOk || !isEntry(v.entries?.public))
        return { problem: "exports a platform output of another shape; update that stack" };
    if (internal && !isEntry(v.entries?.internal))
        return { problem: "exports no internal load balancer, which ingress.internal needs" };
    return { exports: v as PlatformExports };
}
