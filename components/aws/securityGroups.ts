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
        const rule = (
            id: string,
            securityGroupId: pulumi.Input<string>,
            from: pulumi.Input<string>,
            ports: [number, number] | "all",
            description: string,
        ) =>
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-${id}`,
                {
                    securityGroupId,
                    referencedSecurityGroupId: from,
                    ipProtocol: ports === "all" ? "-1" : "tcp",
                    fromPort: ports === "all" ? undefined : ports[0],
                    toPort: ports === "all" ? undefined : ports[1],
                    description,
                },
                { parent: this },
            );
        rule("node-to-node", nodes.id, nodes.id, "all", "node to node: pod traffic, DNS, kubelet");
        rule(
            "control-plane-to-kubelet",
            nodes.id,
            controlPlane.id,
            [10250, 10250],
            "control plane to kubelet (logs, exec)",
        );
        rule(
            "control-plane-to-pods",
            nodes.id,
            controlPlane.id,
            [443, 443],
            "control plane to webhooks and aggregated APIs",
        );
        rule("nodes-to-api", controlPlane.id, nodes.id, [443, 443], "nodes to the Kubernetes API");
        // Egress: nodes pull images and call AWS APIs through the NAT gateways; the control plane
        // reaches the nodes. Both are stateful groups, so replies need no rule.
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-nodes-egress`,
            { securityGroupId: nodes.id, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", description: "nodes to anywhere" },
            { parent: this },
        );
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-control-plane-egress`,
            {
                securityGroupId: controlPlane.id,
                referencedSecurityGroupId: nodes.id,
                ipProtocol: "-1",
                description: "control plane to nodes",
            },
            { parent: this },
        );
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
