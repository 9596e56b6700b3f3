import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

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

/** The ports the listeners take connections on: 80 (redirected to https) and 443 (TLS ended here). */
export const LISTENER_PORTS = [80, 443] as const;

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
    /**
     * A managed prefix list (CloudFront's origin-facing addresses) that replaces `clientCidrs`:
     * only its addresses may connect, on 443 only. @default none: `clientCidrs` connect
     */
    readonly clientPrefixListId?: pulumi.Input<string>;
    readonly tags?: Record<string, string>;
}

/** The load balancer's settings with every default resolved. */
export interface EdgeSettings {
    readonly clientCidrs: readonly string[];
    readonly deregistrationDelay: number;
    readonly preserveClientIp: boolean;
    /** The NodePorts the load balancer sends to: http, https and the health check. */
    readonly targetPorts: readonly number[];
    /** The short name prefix of the load balancer and its target groups. */
    readonly prefix: "int" | "pub";
    readonly tags: Record<string, string>;
}

/** Resolves the defaults once; refuses NodePorts that are not three different ports. */
export function edgeSettings(name: string, args: EdgeLoadBalancerArgs): EdgeSettings {
    const targetPorts = [args.nodePorts.http, args.nodePorts.https, args.nodePorts.healthCheck];
    if (new Set(targetPorts).size !== targetPorts.length)
        throw new Error(
            `EdgeLoadBalancer ${name}: nodePorts ${JSON.stringify(args.nodePorts)} must be three different ports`,
        );
    return {
        clientCidrs: args.clientCidrs ?? (args.internal ? [args.vpcCidr] : ["0.0.0.0/0"]),
        deregistrationDelay: args.deregistrationDelaySeconds ?? 30,
        preserveClientIp: args.preserveClientIp ?? !args.internal,
        targetPorts,
        // Load balancer and target group names are at most 32 characters and unique per account
        // and region: a short prefix plus the provider's random suffix keeps them valid for any
        // stack name and lets a replacement be created before the old one is deleted.
        prefix: args.internal ? "int" : "pub",
        tags: args.tags ?? {},
    };
}

/** A security group rule's resource name and arguments, without the group it belongs to. */
export interface RuleArgs<T> {
    readonly name: string;
    readonly args: Omit<T, "securityGroupId">;
}

/** Every client network may reach every listener port, and nothing else. */
export function clientIngressRules(
    name: string,
    clientCidrs: readonly string[],
): RuleArgs<aws.vpc.SecurityGroupIngressRuleArgs>[] {
    return clientCidrs.flatMap((cidr, i) =>
        LISTENER_PORTS.map((port) => ({
            name: `${name}-lb-${port}-${i}`,
            args: {
                cidrIpv4: cidr,
                ipProtocol: "tcp",
                fromPort: port,
                toPort: port,
                description: `clients to listener ${port}`,
            },
        })),
    );
}

/**
 * Only the prefix list's addresses (CloudFront's origin-facing ones) may connect, and only to 443:
 * CloudFront reaches the origin over HTTPS only. The prefix list counts as its maximum number of
 * entries against the security group's rules quota.
 */
export function prefixListIngressRules(
    name: string,
    prefixListId: pulumi.Input<string>,
): RuleArgs<aws.vpc.SecurityGroupIngressRuleArgs>[] {
    return [
        {
            name: `${name}-lb-443-cloudfront`,
            args: {
                prefixListId,
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                description: "CloudFront origin-facing addresses to listener 443",
            },
        },
    ];
}

/** The load balancer sends only to the nodes' security group, and only on the controller's NodePorts. */
export function nodePortEgressRules(
    name: string,
    targetPorts: readonly number[],
    nodeSecurityGroupId: pulumi.Input<string>,
): RuleArgs<aws.vpc.SecurityGroupEgressRuleArgs>[] {
    return targetPorts.map((port) => ({
        name: `${name}-lb-to-${port}`,
        args: {
            referencedSecurityGroupId: nodeSecurityGroupId,
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            description: `to the controller NodePort ${port}`,
        },
    }));
}

/** The Network Load Balancer: cross-zone, since the controller pods are not on every node. */
export function loadBalancerArgs(
    args: EdgeLoadBalancerArgs,
    settings: EdgeSettings,
    securityGroupId: pulumi.Input<string>,
): aws.lb.LoadBalancerArgs {
    return {
        namePrefix: `${settings.prefix}-`,
        loadBalancerType: "network",
        internal: args.internal,
        subnets: args.subnetIds,
        securityGroups: [securityGroupId],
        enableCrossZoneLoadBalancing: true,
        tags: settings.tags,
    };
}

/** The target group of one NodePort (`http` or `https`) of the controller's Service. */
export function targetGroupArgs(
    args: EdgeLoadBalancerArgs,
    settings: EdgeSettings,
    id: "http" | "https",
): aws.lb.TargetGroupArgs {
    return {
        namePrefix: `${settings.prefix}${id === "https" ? "s" : "h"}-`,
        vpcId: args.vpcId,
        port: args.nodePorts[id],
        protocol: "TCP",
        targetType: "instance",
        deregistrationDelay: settings.deregistrationDelay,
        preserveClientIp: String(settings.preserveClientIp),
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
            { enableUnhealthyConnectionTermination: false, unhealthyDrainingInterval: settings.deregistrationDelay },
        ],
        tags: settings.tags,
    };
}

/** TCP:80 to the `http` target group (whose controller answers with a redirect to https). */
export function httpListenerArgs(
    loadBalancerArn: pulumi.Input<string>,
    targetGroupArn: pulumi.Input<string>,
    tags: Record<string, string>,
): aws.lb.ListenerArgs {
    return {
        loadBalancerArn,
        port: 80,
        protocol: "TCP",
        defaultActions: [{ type: "forward", targetGroupArn }],
        tags,
    };
}

/** TLS:443, ended here with the ACM certificate, to the `https` target group. */
export function tlsListenerArgs(
    loadBalancerArn: pulumi.Input<string>,
    targetGroupArn: pulumi.Input<string>,
    certificateArn: pulumi.Input<string>,
    tags: Record<string, string>,
): aws.lb.ListenerArgs {
    return {
        loadBalancerArn,
        port: 443,
        protocol: "TLS",
        certificateArn,
        sslPolicy: TLS_POLICY,
        alpnPolicy: "HTTP1Only",
        defaultActions: [{ type: "forward", targetGroupArn }],
        tags,
    };
}
