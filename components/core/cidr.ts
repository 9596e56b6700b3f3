/**
 * IPv4 network arithmetic: CIDR blocks, and how a VPC block is carved into subnets. It sits at the
 * bottom, in the core layer, because both the config checks and the Network need it: the check
 * that a block is large enough asks the same carving the Network then performs.
 */

export interface Cidr {
    readonly base: number; // network address as an unsigned 32-bit integer
    readonly prefix: number;
}

export function parseCidr(value: string): Cidr | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
    if (!m) return undefined;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) return undefined;
    const base = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if ((base & ~mask) >>> 0 !== 0) return undefined; // host bits set: 10.0.0.1/16 is not a network
    return { base, prefix };
}

export function formatCidr(c: Cidr): string {
    const b = c.base;
    return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${c.prefix}`;
}

/**
 * The cluster's Service CIDR, fixed rather than chosen by EKS so that node user data can name it
 * without a lookup. A VPC block must not overlap it.
 */
export const SERVICE_CIDR = "172.20.0.0/16";

/** Whether two CIDR blocks share any address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
    const end = (c: Cidr) => c.base + 2 ** (32 - c.prefix);
    return a.base < end(b) && b.base < end(a);
}

/** Whether the blocks together cover every IPv4 address. */
export function coverWholeInternet(blocks: readonly Cidr[]): boolean {
    const spans = blocks.map((b) => [b.base, b.base + 2 ** (32 - b.prefix)] as const).sort((a, b) => a[0] - b[0]);
    let reached = 0;
    for (const [start, end] of spans) {
        if (start > reached) return false;
        reached = Math.max(reached, end);
    }
    return reached >= 2 ** 32;
}

// ---------- subnets ----------

/** The subnets of one availability zone. */
export interface ZoneSubnets {
    readonly zone: string;
    /** Holds the NAT gateway and the internet-facing load balancer's interfaces only. */
    readonly public: string;
    /** Holds the nodes and, through the VPC CNI, every pod: it needs most of the addresses. */
    readonly private: string;
}

/** AWS allows subnets of /16 to /28. */
export const SMALLEST_SUBNET = 28;
/** A public subnet is a quarter of a private one: it holds a handful of interfaces, no pods. */
const PUBLIC_SIZE_STEPS = 2;

/**
 * The prefixes of the private and public subnets a block is carved into for `zoneCount` zones:
 * the private ones as large as the block allows, the public ones a quarter of that (never smaller
 * than /28). Undefined when the block cannot hold two subnets of at least /28 per zone.
 */
export function subnetPrefixes(block: Cidr, zoneCount: number): { private: number; public: number } | undefined {
    const blockSize = 2 ** (32 - block.prefix);
    for (let privatePrefix = block.prefix; privatePrefix <= SMALLEST_SUBNET; privatePrefix++) {
        const publicPrefix = Math.min(privatePrefix + PUBLIC_SIZE_STEPS, SMALLEST_SUBNET);
        if (zoneCount * (2 ** (32 - privatePrefix) + 2 ** (32 - publicPrefix)) <= blockSize)
            return { private: privatePrefix, public: publicPrefix };
    }
    return undefined;
}

/**
 * Carves a VPC block into one private and one public subnet per zone, sized by
 * {@link subnetPrefixes}. The private subnets come first, then the public ones, packed one after
 * the other with no gap between them; what remains at the end of the block is one contiguous spare
 * range for later subnets. Every subnet is aligned to its own size.
 */
export function splitSubnets(cidrBlock: string, zones: readonly string[]): ZoneSubnets[] {
    const block = parseCidr(cidrBlock);
    if (!block) throw new Error(`${JSON.stringify(cidrBlock)} is not an IPv4 CIDR block`);
    if (zones.length === 0) throw new Error("needs at least one availability zone");
    const prefixes = subnetPrefixes(block, zones.length);
    if (!prefixes)
        throw new Error(
            `${cidrBlock} is too small for two subnets of at least /${SMALLEST_SUBNET} in each of ${zones.length} zones`,
        );
    const privateSize = 2 ** (32 - prefixes.private);
    const publicSize = 2 ** (32 - prefixes.public);
    const publicStart = block.base + zones.length * privateSize;
    return zones.map((zone, i) => ({
        zone,
        private: formatCidr({ base: block.base + i * privateSize, prefix: prefixes.private }),
        public: formatCidr({ base: publicStart + i * publicSize, prefix: prefixes.public }),
    }));
}
