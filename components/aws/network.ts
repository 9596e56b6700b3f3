import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { splitSubnets, type ZoneSubnets } from "../core/cidr";
import { natIndexOfZone, natZones, subnetArgs, vpcArgs, type NetworkArgs } from "./networkArgs";

export { clusterSubnetTag, natIndexOfZone, natZones, subnetArgs, vpcArgs, type NetworkArgs } from "./networkArgs";

/**
 * The VPC: per zone a public subnet (internet gateway route, NAT gateway) and a private subnet
 * (route through a NAT gateway) where the nodes run. Child names carry the zone, so adding a zone
 * adds resources without renaming the others.
 */
export class Network extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    public readonly cidrBlock: string;
    public readonly publicSubnetIds: pulumi.Output<string>[];
    public readonly privateSubnetIds: pulumi.Output<string>[];

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:aws:Network", name, {}, opts);
        const layout = splitSubnets(args.cidrBlock, args.availabilityZones);

        const vpc = new aws.ec2.Vpc(name, vpcArgs(name, args.cidrBlock, args.tags), { parent: this });
        const { igw, subnets: publicSubnets } = createPublicSubnets(name, args, layout, vpc);
        const nats = createNatGateways(name, args, { layout, publicSubnets, igw, vpc });
        const privateSubnets = createPrivateSubnets(name, args, { layout, nats, vpc });

        this.vpcId = vpc.id;
        this.cidrBlock = args.cidrBlock;
        this.publicSubnetIds = publicSubnets.map((s) => s.id);
        this.privateSubnetIds = privateSubnets.map((s) => s.id);
        this.registerOutputs({
            vpcId: this.vpcId,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
        });
    }
}

/** The internet gateway, the public route table and a public subnet per zone, under the VPC. */
export function createPublicSubnets(
    name: string,
    args: NetworkArgs,
    layout: readonly ZoneSubnets[],
    vpc: aws.ec2.Vpc,
): { igw: aws.ec2.InternetGateway; subnets: aws.ec2.Subnet[] } {
    const tags = args.tags ?? {};
    const igw = new aws.ec2.InternetGateway(
        `${name}-igw`,
        { vpcId: vpc.id, tags: { ...tags, Name: `${name}-igw` } },
        { parent: vpc },
    );
    const publicRoutes = new aws.ec2.RouteTable(
        `${name}-public`,
        {
            vpcId: vpc.id,
            routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
            tags: { ...tags, Name: `${name}-public` },
        },
        { parent: vpc },
    );
    const subnets = layout.map((l) => {
        const subnet = new aws.ec2.Subnet(
            `${name}-public-${l.zone}`,
            subnetArgs(name, "public", l, args.clusterName, vpc.id, tags),
            { parent: vpc },
        );
        new aws.ec2.RouteTableAssociation(
            `${name}-public-${l.zone}`,
            { subnetId: subnet.id, routeTableId: publicRoutes.id },
            { parent: subnet },
        );
        return subnet;
    });
    return { igw, subnets };
}

/** A NAT gateway with its Elastic IP in the public subnet of each NAT zone (see `natZones`). */
export function createNatGateways(
    name: string,
    args: NetworkArgs,
    parts: {
        layout: readonly ZoneSubnets[];
        publicSubnets: aws.ec2.Subnet[];
        igw: aws.ec2.InternetGateway;
        vpc: aws.ec2.Vpc;
    },
): aws.ec2.NatGateway[] {
    const tags = args.tags ?? {};
    const { layout, publicSubnets, igw, vpc } = parts;
    const zones = natZones(
        args.natGateways,
        layout.map((l) => l.zone),
    );
    return zones.map((zone) => {
        const eip = new aws.ec2.Eip(
            `${name}-nat-${zone}`,
            { domain: "vpc", tags: { ...tags, Name: `${name}-nat-${zone}` } },
            { parent: vpc, dependsOn: [igw] },
        );
        const subnet = publicSubnets[layout.findIndex((l) => l.zone === zone)];
        return new aws.ec2.NatGateway(
            `${name}-nat-${zone}`,
            { allocationId: eip.id, subnetId: subnet.id, tags: { ...tags, Name: `${name}-nat-${zone}` } },
            { parent: subnet, dependsOn: [igw] },
        );
    });
}

/** A private subnet per zone, with its own route table to the internet through a NAT gateway. */
export function createPrivateSubnets(
    name: string,
    args: NetworkArgs,
    parts: { layout: readonly ZoneSubnets[]; nats: aws.ec2.NatGateway[]; vpc: aws.ec2.Vpc },
): aws.ec2.Subnet[] {
    const tags = args.tags ?? {};
    const { layout, nats, vpc } = parts;
    return layout.map((l, i) => {
        const subnet = new aws.ec2.Subnet(
            `${name}-private-${l.zone}`,
            subnetArgs(name, "private", l, args.clusterName, vpc.id, tags),
            { parent: vpc },
        );
        const nat = nats[natIndexOfZone(args.natGateways, i)];
        const routes = new aws.ec2.RouteTable(
            `${name}-private-${l.zone}`,
            {
                vpcId: vpc.id,
                routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
                tags: { ...tags, Name: `${name}-private-${l.zone}` },
            },
            { parent: subnet },
        );
        new aws.ec2.RouteTableAssociation(
            `${name}-private-${l.zone}`,
            { subnetId: subnet.id, routeTableId: routes.id },
            { parent: subnet },
        );
        return subnet;
    });
}
