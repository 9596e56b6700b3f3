import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    clientIngressRules,
    edgeSettings,
    httpListenerArgs,
    loadBalancerArgs,
    nodePortEgressRules,
    prefixListIngressRules,
    targetGroupArgs,
    tlsListenerArgs,
    unhealthyAfterSeconds,
    type EdgeLoadBalancerArgs,
    type EdgeSettings,
} from "./edgeArgs";

export { TARGET_HEALTH_CHECK, TLS_POLICY, unhealthyAfterSeconds, type EdgeLoadBalancerArgs } from "./edgeArgs";

/**
 * A Network Load Balancer in front of one ingress-controller class: TCP:80 to the controller's
 * `http` NodePort (answered with a redirect to https) and TLS:443, ended here with the ACM
 * certificate, to its `https` NodePort (served as https). Targets are the node-group instances
 * (the ASGs attach themselves with `targetGroupArns`), health-checked on kube-proxy's health-check
 * NodePort, so a node leaves the rotation as soon as its controller pod starts stopping, while
 * that pod still serves. A target that turns unhealthy keeps its open connections for the
 * deregistration delay instead of having them reset. Cross-zone balancing is on, since the
 * controller pods are not on every node.
 */
export class EdgeLoadBalancer extends pulumi.ComponentResource {
    public readonly securityGroupId: pulumi.Output<string>;
    public readonly dnsName: pulumi.Output<string>;
    public readonly zoneId: pulumi.Output<string>;
    public readonly targetGroupArns: pulumi.Output<string>[];
    /** The TLS:443 listener, where other stacks add their certificates (SNI). */
    public readonly tlsListenerArn: pulumi.Output<string>;
    /** The NodePorts the targets are reached on: exactly the controller Service's, health check included. */
    public readonly targetPorts: readonly number[];
    /** Seconds after which no new connection reaches a node whose controller pod started stopping. */
    public readonly unhealthyAfterSeconds: number;

    constructor(name: string, args: EdgeLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:aws:EdgeLoadBalancer", name, {}, opts);
        const settings = edgeSettings(name, args);

        const sg = createEdgeSecurityGroup(name, args, settings, this);
        const lb = new aws.lb.LoadBalancer(name, loadBalancerArgs(args, settings, sg.id), { parent: this });
        const { http, https, tls } = createTargetsAndListeners(name, args, settings, lb);

        this.securityGroupId = sg.id;
        this.dnsName = lb.dnsName;
        this.zoneId = lb.zoneId;
        this.targetGroupArns = [http.arn, https.arn];
        this.tlsListenerArn = tls.arn;
        this.targetPorts = settings.targetPorts;
        this.unhealthyAfterSeconds = unhealthyAfterSeconds();
        this.registerOutputs({
            securityGroupId: this.securityGroupId,
            dnsName: this.dnsName,
            targetGroupArns: this.targetGroupArns,
        });
    }
}

/**
 * The load balancer's security group, under `parent`: clients in on the listener ports, out only
 * to the nodes' security group on the controller's NodePorts. Its rules are its children.
 */
export function createEdgeSecurityGroup(
    name: string,
    args: EdgeLoadBalancerArgs,
    settings: EdgeSettings,
    parent: pulumi.Resource,
): aws.ec2.SecurityGroup {
    const sg = new aws.ec2.SecurityGroup(
        `${name}-lb`,
        { vpcId: args.vpcId, description: `NLB ${name}`, tags: { ...settings.tags, Name: `${name}-lb` } },
        { parent },
    );
    const clients = args.clientPrefixListId
        ? prefixListIngressRules(name, args.clientPrefixListId)
        : clientIngressRules(name, settings.clientCidrs);
    for (const rule of clients)
        new aws.vpc.SecurityGroupIngressRule(rule.name, { securityGroupId: sg.id, ...rule.args }, { parent: sg });
    for (const rule of nodePortEgressRules(name, settings.targetPorts, args.nodeSecurityGroupId))
        new aws.vpc.SecurityGroupEgressRule(rule.name, { securityGroupId: sg.id, ...rule.args }, { parent: sg });
    return sg;
}

/** The `http` and `https` target groups and the TCP:80 and TLS:443 listeners, under the load balancer. */
export function createTargetsAndListeners(
    name: string,
    args: EdgeLoadBalancerArgs,
    settings: EdgeSettings,
    lb: aws.lb.LoadBalancer,
): { http: aws.lb.TargetGroup; https: aws.lb.TargetGroup; tls: aws.lb.Listener } {
    const http = new aws.lb.TargetGroup(`${name}-http`, targetGroupArgs(args, settings, "http"), { parent: lb });
    const https = new aws.lb.TargetGroup(`${name}-https`, targetGroupArgs(args, settings, "https"), { parent: lb });
    new aws.lb.Listener(`${name}-80`, httpListenerArgs(lb.arn, http.arn, settings.tags), { parent: lb });
    const tls = new aws.lb.Listener(
        `${name}-443`,
        tlsListenerArgs(lb.arn, https.arn, args.certificateArn, settings.tags),
        { parent: lb },
    );
    return { http, https, tls };
}
