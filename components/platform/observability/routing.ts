import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { accountOf } from "../../aws/logGroups";

/** Where alerts go (capstan:observability.alerts.route): a topic of one's own, or a webhook. */
export interface AlertRoute {
    readonly snsTopicArn?: string;
    readonly webhookUrl?: string;
}

/**
 * The workspace's alert manager configuration: every alert, grouped by rule and namespace, to one
 * SNS topic (the only receiver Amazon Managed Service for Prometheus supports), re-sent every 4
 * hours while it fires.
 */
export function alertManagerDefinition(topicArn: string, region: string): string {
    const config = stringify(
        {
            route: {
                receiver: "sns",
                group_by: ["alertname", "namespace", "tenant"],
                group_wait: "30s",
                group_interval: "5m",
                repeat_interval: "4h",
            },
            receivers: [
                {
                    name: "sns",
                    sns_configs: [{ topic_arn: topicArn, sigv4: { region }, send_resolved: true }],
                },
            ],
        },
        { lineWidth: 0 },
    );
    return stringify({ alertmanager_config: config }, { lineWidth: 0 });
}

/** The policy of a topic Capstan creates: the account's Prometheus workspaces may publish to it. */
export function alertTopicPolicy(topicArn: string, account: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "PrometheusAlertManagerPublishes",
                Effect: "Allow",
                Principal: { Service: "aps.amazonaws.com" },
                Action: ["sns:Publish", "sns:GetTopicAttributes"],
                Resource: topicArn,
                Condition: { StringEquals: { "AWS:SourceAccount": account } },
            },
        ],
    });
}

export interface AlertRoutingArgs {
    readonly workspaceId: pulumi.Input<string>;
    readonly accountArn: pulumi.Input<string>;
    readonly region: string;
    readonly route: AlertRoute;
    readonly tags?: Record<string, string>;
}

/**
 * Routes the workspace's alerts: to the configured topic, or to a topic created here with the
 * webhook subscribed (the endpoint must confirm the subscription SNS sends it). With no route the
 * rules still evaluate; firing alerts are the workspace's `ALERTS` series.
 */
export class AlertRouting extends pulumi.ComponentResource {
    constructor(name: string, args: AlertRoutingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:platform:AlertRouting", name, {}, opts);
        const { snsTopicArn, webhookUrl } = args.route;
        let topicArn: pulumi.Input<string> | undefined = snsTopicArn;
        if (webhookUrl) {
            const topic = new aws.sns.Topic(`${name}-alerts`, { tags: args.tags }, { parent: this });
            new aws.sns.TopicPolicy(
                `${name}-alerts`,
                {
                    arn: topic.arn,
                    policy: pulumi
                        .all([topic.arn, accountOf(args.accountArn)])
                        .apply(([arn, account]) => alertTopicPolicy(arn, account)),
                },
                { parent: topic },
            );
            new aws.sns.TopicSubscription(
                `${name}-webhook`,
                { topic: topic.arn, protocol: "https", endpoint: webhookUrl },
                { parent: topic },
            );
            topicArn = topic.arn;
        }
        if (topicArn !== undefined)
            new aws.amp.AlertManagerDefinition(
                name,
                {
                    workspaceId: args.workspaceId,
                    definition: pulumi.output(topicArn).apply((arn) => alertManagerDefinition(arn, args.region)),
                },
                { parent: this },
            );
        this.registerOutputs({});
    }
}
