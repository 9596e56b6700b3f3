import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface ClusterSecurityGroupsArgs {
    readonly vpcId: pulumi.Input<string>;
    readonly tags?: Record<string, string>;
}

/**
 * The two security groups of the cluster: the control plane's (attached to the EKS cluster's
 * network interfaces) and the nodes'. Nodes talk to each other freely (pod-to-pod traffic crosses
 * nodes); the control plane reaches the kubelets (10250) and webhook/aggregated-API pods (443);
 * nodes reach the API server on 443. Nothing else is open to the nodes: load balancers are let in
 * on exactly their NodePorts with `allowNodePorts`.
 */
export class ClusterSecurityGroups extends pulumi.ComponentResource {
    public readonly controlPlaneSecurityGroupId: pulumi.Output<string>;
    public readonly nodeSecurityGroupId: pulumi.Output<string>;
    private readonly name: string;

    constructor(name: string, args: ClusterSecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:aws:ClusterSecurityGroups", name, {}, opts);
        this.name = name;
        const tags = args.tags ?? {};
        const controlPlane = new aws.ec2.SecurityGroup(
            `${name}-control-plane`,
            {
                vpcId: args.vpcId,
                description: "EKS control plane network interfaces",
                tags: { ...tags, Name: `${name}-control-plane` },
            },
            { parent: this },
        );
        const nodes = new aws.ec2.SecurityGroup(
            `${name}-nodes`,
            {
                vpcId: args.vpcId,
                description: "EKS worker nodes",
                tags: { ...tags, Name: `${name}-nodes` },
            },
            { parent: this },
        );
        createClusterRules(name, { controlPlane: controlPlane.id, nodes: nodes.id }, this);
        this.controlPlaneSecurityGroupId = controlPlane.id;
        this.nodeSecurityGroupId = nodes.id;
        this.registerOutputs({
            controlPlaneSecurityGroupId: this.controlPlaneSecurityGroupId,
            nodeSecurityGroupId: this.nodeSecurityGroupId,
        });
    }

    /**
     * Lets a load balancer's security group reach the nodes on the given NodePorts, and nothing
     * else. `id` names the rules (e.g. `public-http`).
     */
    public allowNodePorts(
        id: string,
        loadBalancerSecurityGroupId: pulumi.Input<string>,
        ports: readonly number[],
    ): void {
        for (const port of ports) {
            new aws.vpc.SecurityGroupIngressRule(
                `${this.name}-${id}-${port}`,
                {
                    securityGroupId: this.nodeSecurityGroupId,
                    referencedSecurityGroupId: loadBalancerSecurityGroupId,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    description: `load balancer ${id} to NodePort ${port}`,
                },
                { parent: this },
            );
        }
    }
}

/** The ids of the cluster's two security groups. */
export interface ClusterGroupIds {
    readonly controlPlane: pulumi.Input<string>;
    readonly nodes: pulumi.Input<string>;
}

/** A rule's resource name suffix and arguments. */
export interface ClusterRule<T> {
    readonly id: string;
    readonly args: T;
}

/** Who may reach whom inside the cluster, between the two groups; `undefined` ports: every protocol. */
export function clusterIngressRules(g: ClusterGroupIds): ClusterRule<aws.vpc.SecurityGroupIngressRuleArgs>[] {
    const table: [string, pulumi.Input<string>, pulumi.Input<string>, number | undefined, string][] = [
        ["node-to-node", g.nodes, g.nodes, undefined, "node to node: pod traffic, DNS, kubelet"],
        ["control-plane-to-kubelet", g.nodes, g.controlPlane, 10250, "control plane to kubelet (logs, exec)"],
        ["control-plane-to-pods", g.nodes, g.controlPlane, 443, "control plane to webhooks and aggregated APIs"],
        ["nodes-to-api", g.controlPlane, g.nodes, 443, "nodes to the Kubernetes API"],
    ];
    return table.map(([id, securityGroupId, from, port, description]) => ({
        id,
        args: {
            securityGroupId,
            referencedSecurityGroupId: from,
            ipProtocol: port === undefined ? "-1" : "tcp",
            fromPort: port,
            toPort: port,
            description,
        },
    }));
}

/**
 * Egress: nodes pull images and call AWS APIs through the NAT gateways; the control plane
 * reaches the nodes. Both are stateful groups, so replies need no rule.
 */
export function clusterEgressRules(g: ClusterGroupIds): ClusterRule<aws.vpc.SecurityGroupEgressRuleArgs>[] {
    return [
        {
            id: "nodes-egress",
            args: {
                securityGroupId: g.nodes,
                ipProtocol: "-1",
                cidrIpv4: "0.0.0.0/0",
                description: "nodes to anywhere",
            },
        },
        {
            id: "control-plane-egress",
            args: {
                securityGroupId: g.controlPlane,
                referencedSecurityGroupId: g.nodes,
                ipProtocol: "-1",
                description: "control plane to nodes",
            },
        },
    ];
}

/** The rules between the control plane's and the nodes' groups, under `parent`. */
export function createClusterRules(name: string, groups: ClusterGroupIds, parent: pulumi.Resource): void {
    for (const rule of clusterIngressRules(groups))
        new aws.vpc.SecurityGroupIngressRule(`${name}-${rule.id}`, rule.args, { parent });
    for (const rule of clusterEgressRules(groups))
        new aws.vpc.SecurityGroupEgressRule(`${name}-${rule.id}`, rule.args, { parent });
}
