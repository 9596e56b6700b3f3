import { formatCidr, parseCidr } from "../config/rules";

/** The subnets of one availability zone. */
export interface ZoneSubnets {
    readonly zone: string;
    /** Holds the NAT gateway and the internet-facing load balancer's interfaces only. */
    readonly public: string;
    /** Holds the nodes and, through the VPC CNI, every pod: it needs most of the addresses. */
    readonly private: string;
}

/** AWS allows subnets of /16 to /28. */
const SMALLEST_SUBNET = 28;
/** A public subnet is a quarter of a private one: it holds a handful of interfaces, no pods. */
const PUBLIC_SIZE_STEPS = 2;

/**
 * Carves a VPC block into one private and one public subnet per zone. The private subnets are as
 * large as the block allows, because every pod takes a VPC address; the public ones are a quarter
 * of that (never smaller than /28). The private subnets come first, then the public ones, packed
 * one after the other with no gap between them; what remains at the end of the block is one
 * contiguous spare range for later subnets. Every subnet is aligned to its own size.
 */
export function splitSubnets(cidrBlock: string, zones: readonly string[]): ZoneSubnets[] {
    const block = parseCidr(cidrBlock);
    if (!block) throw new Error(`${JSON.stringify(cidrBlock)} is not an IPv4 CIDR block`);
    if (zones.length === 0) throw new Error("needs at least one availability zone");
    const blockSize = 2 ** (32 - block.prefix);
    for (let privatePrefix = block.prefix; privatePrefix <= SMALLEST_SUBNET; privatePrefix++) {
        const publicPrefix = Math.min(privatePrefix + PUBLIC_SIZE_STEPS, SMALLEST_SUBNET);
        const privateSize = 2 ** (32 - privatePrefix);
        const publicSize = 2 ** (32 - publicPrefix);
        if (zones.length * (privateSize + publicSize) > blockSize) continue;
        const publicStart = block.base + zones.length * privateSize;
        return zones.map((zone, i) => ({
            zone,
            private: formatCidr({ base: block.base + i * privateSize, prefix: privatePrefix }),
            public: formatCidr({ base: publicStart + i * publicSize, prefix: publicPrefix }),
        }));
    }
    throw new Error(
        `${cidrBlock} is too small for two subnets of at least /${SMALLEST_SUBNET} in each of ${zones.length} zones`,
    );
}
