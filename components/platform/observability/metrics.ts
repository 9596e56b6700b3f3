import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { accountOf } from "../../aws/logGroups";
import { NODE_PORT_RANGE } from "../../core/ingress";
import { CHARTS } from "../../core/versions";
import { clusterRules, rulesFile, type AlertThresholds } from "./alertRules";
import { TOLERATE_EVERY_TAINT } from "./logShipping";
import { scrapeAnnotations } from "../../core/names";
import { scrapeConfig } from "./scrape";
import { AlertRouting, type AlertRoute } from "./routing";

/**
 * The ports the scraper may reach on the nodes (node-exporter on the node's address, pods on
 * theirs): the unprivileged ports outside the NodePort range.
 */
export const SCRAPED_PORT_RANGES: readonly [string, number, number][] = [
    ["low", 1024, NODE_PORT_RANGE.min - 1],
    ["high", NODE_PORT_RANGE.max + 1, 65535],
];

/** node-exporter's port: it runs on the node's network, so the node's address and this port. */
export const NODE_EXPORTER_PORT = 9100;

export interface MetricsArgs {
    readonly clusterName: string;
    readonly region: string;
    /** The stack, as every alert's `stack` label. */
    readonly stack: string;
    /** Any ARN of the stack's account (the cluster's OIDC provider). */
    readonly accountArn: pulumi.Input<string>;
    readonly vpcCidr: string;
    readonly vpcId: pulumi.Input<string>;
    readonly privateSubnetIds: pulumi.Input<string>[];
    readonly nodeSecurityGroupId: pulumi.Input<string>;
    readonly controlPlaneSecurityGroupId: pulumi.Input<string>;
    readonly thresholds: AlertThresholds;
    readonly route: AlertRoute;
    readonly tags?: Record<string, string>;
}

/** node-exporter on every node (all taints tolerated), annotated for the collector. */
export function nodeExporterValues(): Record<string, unknown> {
    return {
        tolerations: TOLERATE_EVERY_TAINT,
        podAnnotations: scrapeAnnotations(NODE_EXPORTER_PORT),
        priorityClassName: "system-node-critical",
        resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { memory: "64Mi" } },
    };
}

/** kube-state-metrics: one replica is enough; its metrics are read from the API server's watch cache. */
export function kubeStateMetricsValues(): Record<string, unknown> {
    return {
        replicas: 1,
        priorityClassName: "system-cluster-critical",
        resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
    };
}

/**
 * The cluster's metrics and alerts: node-exporter and kube-state-metrics (official charts,
 * pinned), an Amazon Managed Service for Prometheus workspace, the AWS managed scraper that
 * collects from the cluster (no agent, no volume to run), the cluster's own alert rules in the
 * workspace, and where alerts go.
 */
export class Metrics extends pulumi.ComponentResource {
    public readonly workspaceId: pulumi.Output<string>;
    public readonly workspaceArn: pulumi.Output<string>;
    public readonly prometheusEndpoint: pulumi.Output<string>;

    constructor(name: string, args: MetricsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:platform:Metrics", name, {}, opts);
        this.collectors(name);
        const workspace = new aws.amp.Workspace(name, { alias: args.clusterName, tags: args.tags }, { parent: this });
        const scraperGroup = this.scraperNetwork(name, args);
        const clusterArn = accountOf(args.accountArn).apply(
            (a) => `arn:aws:eks:${args.region}:${a}:cluster/${args.clusterName}`,
        );
        // The scraper's access entry (the read-only access it needs) is created by the service itself.
        new aws.amp.Scraper(
            name,
            {
                alias: args.clusterName,
                source: {
                    eks: { clusterArn, subnetIds: args.privateSubnetIds, securityGroupIds: [scraperGroup.id] },
                },
                destination: { amp: { workspaceArn: workspace.arn } },
                scrapeConfiguration: scrapeConfig(args.clusterName),
                tags: args.tags,
            },
            { parent: this },
        );
        new aws.amp.RuleGroupNamespace(
            `${name}-cluster`,
            {
                workspaceId: workspace.id,
                name: "capstan-cluster",
                data: rulesFile([clusterRules({ stack: args.stack, thresholds: args.thresholds })]),
            },
            { parent: workspace },
        );
        new AlertRouting(
            name,
            {
                workspaceId: workspace.id,
                accountArn: args.accountArn,
                region: args.region,
                route: args.route,
                tags: args.tags,
            },
            { parent: this },
        );
        this.workspaceId = workspace.id;
        this.workspaceArn = workspace.arn;
        this.prometheusEndpoint = workspace.prometheusEndpoint;
        this.registerOutputs({ workspaceId: this.workspaceId, workspaceArn: this.workspaceArn });
    }

    /** node-exporter and kube-state-metrics, in kube-system. */
    private collectors(name: string): void {
        const charts: [string, "nodeExporter" | "kubeStateMetrics", Record<string, unknown>][] = [
            ["node-exporter", "nodeExporter", nodeExporterValues()],
            ["kube-state-metrics", "kubeStateMetrics", kubeStateMetricsValues()],
        ];
        for (const [release, chart, values] of charts)
            new k8s.helm.v3.Release(
                `${name}-${release}`,
                {
                    name: release,
                    chart: CHARTS[chart].chart,
                    version: CHARTS[chart].version,
                    repositoryOpts: { repo: CHARTS[chart].repo },
                    namespace: "kube-system",
                    values,
                    atomic: true,
                },
                { parent: this },
            );
    }

    /**
     * The scraper's security group: it reaches the nodes (node-exporter on the node's address, pods
     * on theirs, which carry the nodes' group) on the unprivileged TCP ports outside the NodePort
     * range, and the API server on 443; nothing else reaches it.
     */
    private scraperNetwork(name: string, args: MetricsArgs): aws.ec2.SecurityGroup {
        const group = new aws.ec2.SecurityGroup(
            `${name}-scraper`,
            {
                vpcId: args.vpcId,
                description: "Amazon Managed Service for Prometheus scraper",
                tags: { ...args.tags, Name: `${name}-scraper` },
            },
            { parent: this },
        );
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-scraper-egress`,
            {
                securityGroupId: group.id,
                cidrIpv4: args.vpcCidr,
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 65535,
                description: "scraper to the API server and the metrics ports in the VPC",
            },
            { parent: group },
        );
        // Around the NodePort range, which only the load balancers may reach.
        for (const [id, from, to] of SCRAPED_PORT_RANGES)
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-scraper-to-nodes-${id}`,
                {
                    securityGroupId: args.nodeSecurityGroupId,
                    referencedSecurityGroupId: group.id,
                    ipProtocol: "tcp",
                    fromPort: from,
                    toPort: to,
                    description: "metrics scraper to node-exporter and pods' metrics ports",
                },
                { parent: group },
            );
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-scraper-to-api`,
            {
                securityGroupId: args.controlPlaneSecurityGroupId,
                referencedSecurityGroupId: group.id,
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                description: "metrics scraper to the Kubernetes API (discovery)",
            },
            { parent: group },
        );
        return group;
    }
}
