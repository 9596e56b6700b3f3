import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { ZoneSubnets } from "../core/cidr";

export interface NetworkArgs {
    /** The VPC's IPv4 block; every subnet is carved from it (see `splitSubnets`). */
    readonly cidrBlock: string;
    /** The zones to spread over; one public and one private subnet each. */
    readonly availabilityZones: readonly string[];
    /**
     * `perZone`: a NAT gateway in every zone, each private subnet routing through its own zone's,
     * so that losing one zone does not cut the others off the internet (ECR pulls, AWS APIs).
     * `single`: one for the whole VPC, cheaper, for stacks that can live with that risk.
     */
    readonly natGateways: "perZone" | "single";
    /**
     * The EKS cluster name the subnets are tagged for (`kubernetes.io/cluster/<name>: shared`).
     * The subnets also carry the role tags the load balancers look for:
     * `kubernetes.io/role/elb` on public and `kubernetes.io/role/internal-elb` on private subnets.
     */
    readonly clusterName: string;
    /** Tags of every resource. @default none */
    readonly tags?: Record<string, string>;
}

/** The VPC itself. */
export function vpcArgs(name: string, cidrBlock: string, tags: Record<string, string> = {}): aws.ec2.VpcArgs {
    return {
        cidrBlock,
        // EKS needs both: nodes register by private DNS name, and the endpoint resolves privately.
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags: { ...tags, Name: name },
    };
}

/** The tag that lets the cluster's load balancer controllers use a subnet. */
export function clusterSubnetTag(clusterName: string): Record<string, string> {
    return { [`kubernetes.io/cluster/${clusterName}`]: "shared" };
}

/** A subnet of one zone: public (internet-facing load balancers) or private (nodes, internal ones). */
export function subnetArgs(
    name: string,
    kind: "public" | "private",
    zone: ZoneSubnets,
    clusterName: string,
    vpcId: pulumi.Input<string>,
    tags: Record<string, string> = {},
): aws.ec2.SubnetArgs {
    const role = kind === "public" ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb";
    return {
        vpcId,
        cidrBlock: kind === "public" ? zone.public : zone.private,
        availabilityZone: zone.zone,
        // Nothing launched here needs a public address by default: NAT and NLB bring their own.
        mapPublicIpOnLaunch: false,
        tags: { ...tags, ...clusterSubnetTag(clusterName), Name: `${name}-${kind}-${zone.zone}`, [role]: "1" },
    };
}

/** The zones that get a NAT gateway: every zone, or the first one only. */
export function natZones(natGateways: NetworkArgs["natGateways"], zones: readonly string[]): string[] {
    return natGateways === "perZone" ? [...zones] : [zones[0]];
}

/** Which of the NAT gateways (in `natZones` order) the private subnet of the `i`-th zone routes through. */
export function natIndexOfZone(natGateways: NetworkArgs["natGateways"], i: number): number {
    return natGateways === "perZone" ? i : 0;
}
