import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface DataSecurityGroupArgs {
    readonly vpcId: pulumi.Input<string>;
    /** The one port clients may reach. */
    readonly port: number;
    /** The only clients: the cluster nodes' security group (pods leave through the node's interfaces). */
    readonly clientSecurityGroupId: pulumi.Input<string>;
    /** What the group guards, for its description, e.g. `database capstan-prod`. */
    readonly what: string;
    readonly tags?: Record<string, string>;
}

/**
 * The security group of a database or cache: ingress from the nodes' security group on exactly
 * `port`, nothing else, and no egress (a stateful group answers without one; a database starts
 * no connection of its own).
 */
export function dataSecurityGroup(
    name: string,
    args: DataSecurityGroupArgs,
    parent: pulumi.Resource,
): aws.ec2.SecurityGroup {
    const sg = new aws.ec2.SecurityGroup(
        name,
        {
            vpcId: args.vpcId,
            description: `${args.what}: cluster nodes on port ${args.port} only`,
            tags: { ...(args.tags ?? {}), Name: name },
        },
        { parent },
    );
    new aws.vpc.SecurityGroupIngressRule(
        `${name}-from-nodes`,
        {
            securityGroupId: sg.id,
            referencedSecurityGroupId: args.clientSecurityGroupId,
            ipProtocol: "tcp",
            fromPort: args.port,
            toPort: args.port,
            description: `cluster nodes to ${args.what}`,
        },
        { parent: sg },
    );
    return sg;
}
