import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { splitSubnets } from "../config/cidr";

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
        const tags = args.tags ?? {};
        const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };
        const layout = splitSubnets(args.cidrBlock, args.availabilityZones);

        const vpc = new aws.ec2.Vpc(
            name,
            {
                cidrBlock: args.cidrBlock,
                // EKS needs both: nodes register by private DNS name, and the endpoint resolves privately.
                enableDnsHostnames: true,
                enableDnsSupport: true,
                tags: { ...tags, Name: name },
            },
            { parent: this },
        );
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

        const publicSubnets = layout.map((l) => {
            const subnet = new aws.ec2.Subnet(
                `${name}-public-${l.zone}`,
                {
                    vpcId: vpc.id,
                    cidrBlock: l.public,
                    availabilityZone: l.zone,
                    // Nothing launched here needs a public address by default: NAT and NLB bring their own.
                    mapPublicIpOnLaunch: false,
                    tags: { ...tags, ...clusterTag, Name: `${name}-public-${l.zone}`, "kubernetes.io/role/elb": "1" },
                },
                { parent: vpc },
            );
            new aws.ec2.RouteTableAssociation(
                `${name}-public-${l.zone}`,
                { subnetId: subnet.id, routeTableId: publicRoutes.id },
                { parent: subnet },
            );
            return subnet;
        });

        const natZones = args.natGateways === "perZone" ? layout.map((l) => l.zone) : [layout[0].zone];
        const nats = natZones.map((zone) => {
            const eip = new aws.ec2.Eip(
                `${name}-nat-${zone}`,
                { domain: "vpc", tags: { ...tags, Name: `${name}-nat-${zone}` } },
                { parent: vpc, dependsOn: [igw] },
            );
            const subnet = publicSubnets[layout.findIndex((l) => l.zone === zone)];
            return new aws.ec2.NatGateway(
                `${name}-nat-${zone}`,
                {
                    allocationId: eip.id,
                    subnetId: subnet.id,
                    tags: { ...tags, Name: `${name}-nat-${zone}` },
                },
                { parent: subnet, dependsOn: [igw] },
            );
        });

        const privateSubnets = layout.map((l, i) => {
            const subnet = new aws.ec2.Subnet(
                `${name}-private-${l.zone}`,
                {
                    vpcId: vpc.id,
                    cidrBlock: l.private,
                    availabilityZone: l.zone,
                    mapPublicIpOnLaunch: false,
                    tags: {
                        ...tags,
                        ...clusterTag,
                        Name: `${name}-private-${l.zone}`,
                        "kubernetes.io/role/internal-elb": "1",
                    },
                },
                { parent: vpc },
            );
            const nat = nats[args.natGateways === "perZone" ? i : 0];
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
