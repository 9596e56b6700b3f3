import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** TLS 1.3 with TLS 1.2 fallback, forward-secret ciphers only. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/**
 * The targets' health check: kube-proxy's health-check NodePort of the controller's Service
 * (`spec.healthCheckNodePort`, path `/healthz`). kube-proxy answers 200 only while the node runs
 * a ready controller pod that is not terminating, and while its own rules are in sync; from the
 * moment the pod starts stopping it answers 503, although it still forwards traffic to that pod.
 */
export const TARGET_HEALTH_CHECK = {
    path: "/healthz",
    intervalSeconds: 5,
    timeoutSeconds: 3,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
} as const;

/**
 * Seconds after which the load balancer sends no new connection to a node whose controller pod
 * started stopping: up to one interval until the next check, `unhealthyThreshold` failed checks,
 * and 2 seconds for kube-proxy to see the pod terminating.
 */
export function unhealthyAfterSeconds(
    check: { intervalSeconds: number; unhealthyThreshold: number } = TARGET_HEALTH_CHECK,
): number {
    return check.intervalSeconds * (check.unhealthyThreshold + 1) + 2;
}

export interface EdgeLoadBalancerArgs {
    readonly vpcId: pulumi.Input<string>;
    /** The VPC's block: the clients of an internal load balancer. */
    readonly vpcCidr: string;
    /** The nodes' security group: the only destination the load balancer may send to. */
    readonly nodeSecurityGroupId: pulumi.Input<string>;
    /** Internal (VPN-only) or internet-facing. */
    readonly internal: boolean;
    /** Public subnets for an internet-facing load balancer, private ones for an internal one. */
    readonly subnetIds: pulumi.Input<string>[];
    /**
     * Who may connect to the listeners. @default 0.0.0.0/0 when internet-facing; the VPC block
     * when internal (add the VPN's client range if it is not translated into the VPC)
     */
    readonly clientCidrs?: readonly string[];
    /**
     * The controller Service's NodePorts: `http` takes plain http, `https` takes the traffic whose
     * TLS this load balancer ended, and `healthCheck` is kube-proxy's health check of that Service
     * (its `healthCheckNodePort`), which both target groups use.
     */
    readonly nodePorts: { readonly http: number; readonly https: number; readonly healthCheck: number };
    /**
     * Whether the targets see the client's address as the source (client IP preservation). A
     * client inside the VPC whose connection lands on its own node cannot connect with it: the
     * target answers it directly, around the load balancer (no hairpin). Without it the targets
     * see the load balancer's address. No PROXY protocol header replaces it: the load balancer
     * would send the header on its health checks too, which kube-proxy does not understand.
     * @default true when internet-facing (its clients are never its targets), false when internal
     */
    readonly preserveClientIp?: boolean;
    /**
     * ACM certificate of the TLS:443 listener, which terminates TLS and forwards to the `https`
     * NodePort. Every entry has one: TCP:80 only ever redirects to https.
     */
    readonly certificateArn: pulumi.Input<string>;
    /**
     * Seconds a deregistering node keeps its open connections. @default 30: long enough for
     * requests in flight, short enough that node replacement is not slowed much. The ingress
     * controller's shutdown must last longer (see `IngressController`).
     */
    readonly deregistrationDelaySeconds?: number;
    readonly tags?: Record<string, string>;
}

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
        const tags = args.tags ?? {};
        const clientCidrs = args.clientCidrs ?? (args.internal ? [args.vpcCidr] : ["0.0.0.0/0"]);
        const deregistrationDelay = args.deregistrationDelaySeconds ?? 30;
        const preserveClientIp = args.preserveClientIp ?? !args.internal;
        const listenerPorts = [80, 443];
        const targetPorts = [args.nodePorts.http, args.nodePorts.https, args.nodePorts.healthCheck];
        if (new Set(targetPorts).size !== targetPorts.length)
            throw new Error(
                `EdgeLoadBalancer ${name}: nodePorts ${JSON.stringify(args.nodePorts)} must be three different ports`,
            );

        const sg = new aws.ec2.SecurityGroup(
            `${name}-lb`,
            { vpcId: args.vpcId, description: `NLB ${name}`, tags: { ...tags, Name: `${name}-lb` } },
            { parent: this },
        );
        clientCidrs.forEach((cidr, i) => {
            for (const port of listenerPorts) {
                new aws.vpc.SecurityGroupIngressRule(
                    `${name}-lb-${port}-${i}`,
                    {
                        securityGroupId: sg.id,
                        cidrIpv4: cidr,
                        ipProtocol: "tcp",
                        fromPort: port,
                        toPort: port,
                        description: `clients to listener ${port}`,
                    },
                    { parent: sg },
                );
            }
        });
        for (const port of targetPorts) {
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-lb-to-${port}`,
                {
                    securityGroupId: sg.id,
                    referencedSecurityGroupId: args.nodeSecurityGroupId,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    description: `to the controller NodePort ${port}`,
                },
                { parent: sg },
            );
        }

        // Load balancer and target group names are at most 32 characters and unique per account
        // and region: a short prefix plus the provider's random suffix keeps them valid for any
        // stack name and lets a replacement be created before the old one is deleted.
        const prefix = args.internal ? "int" : "pub";
        const lb = new aws.lb.LoadBalancer(
            name,
            {
                namePrefix: `${prefix}-`,
                loadBalancerType: "network",
                internal: args.internal,
                subnets: args.subnetIds,
                securityGroups: [sg.id],
                enableCrossZoneLoadBalancing: true,
                tags,
            },
            { parent: this },
        );

        const targetGroup = (id: "http" | "https", port: number) =>
            new aws.lb.TargetGroup(
                `${name}-${id}`,
                {
                    namePrefix: `${prefix}${id === "https" ? "s" : "h"}-`,
                    vpcId: args.vpcId,
                    port,
                    protocol: "TCP",
                    targetType: "instance",
                    deregistrationDelay,
                    preserveClientIp: String(preserveClientIp),
                    proxyProtocolV2: false,
                    connectionTermination: true,
                    // Both groups ask kube-proxy about the Service that serves them: 503 once the node's
                    // controller pod is terminating or not ready, while kube-proxy still forwards to it.
                    healthCheck: {
                        protocol: "HTTP",
                        port: String(args.nodePorts.healthCheck),
                        path: TARGET_HEALTH_CHECK.path,
                        matcher: "200",
                        interval: TARGET_HEALTH_CHECK.intervalSeconds,
                        timeout: TARGET_HEALTH_CHECK.timeoutSeconds,
                        healthyThreshold: TARGET_HEALTH_CHECK.healthyThreshold,
                        unhealthyThreshold: TARGET_HEALTH_CHECK.unhealthyThreshold,
                    },
                    // An unhealthy node gets no new connections but keeps its open ones for a while
                    // (the default resets them at once, mid-request).
                    targetHealthStates: [
                        { enableUnhealthyConnectionTermination: false, unhealthyDrainingInterval: deregistrationDelay },
                    ],
                    tags,
                },
                { parent: lb },
            );
        const http = targetGroup("http", args.nodePorts.http);
        const https = targetGroup("https", args.nodePorts.https);

        new aws.lb.Listener(
            `${name}-80`,
            {
                loadBalancerArn: lb.arn,
                port: 80,
                protocol: "TCP",
                defaultActions: [{ type: "forward", targetGroupArn: http.arn }],
                tags,
            },
            { parent: lb },
        );
        const tls = new aws.lb.Listener(
            `${name}-443`,
            {
                loadBalancerArn: lb.arn,
                port: 443,
                protocol: "TLS",
                certificateArn: args.certificateArn,
                sslPolicy: TLS_POLICY,
                alpnPolicy: "HTTP1Only",
                defaultActions: [{ type: "forward", targetGroupArn: https.arn }],
                tags,
            },
            { parent: lb },
        );

        this.securityGroupId = sg.id;
        this.dnsName = lb.dnsName;
        this.zoneId = lb.zoneId;
        this.targetGroupArns = [http.arn, https.arn];
        this.tlsListenerArn = tls.arn;
        this.targetPorts = targetPorts;
        this.unhealthyAfterSeconds = unhealthyAfterSeconds();
        this.registerOutputs({
            securityGroupId: this.securityGroupId,
            dnsName: this.dnsName,
            targetGroupArns: this.targetGroupArns,
        });
    }
}
