import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * The instance tag aws-node-termination-handler looks for before it drains a node (its default
 * `managedTag`, checked by default): only instances of Capstan's node groups carry it.
 */
export const DRAIN_MANAGED_TAG = "aws-node-termination-handler/managed";

/** The tags that put a node group's instances under the termination handler. */
export function drainTags(): Record<string, string> {
    return { [DRAIN_MANAGED_TAG]: "true" };
}

/** The EventBridge rules that feed the drain queue: event patterns by rule id. */
export function drainEventPatterns(autoScalingGroupNames: readonly string[]): Record<string, Record<string, unknown>> {
    return {
        // Every termination by the group (scale-in, instance refresh, unhealthy replacement),
        // paused by the lifecycle hook until the node is drained. Only this cluster's groups.
        "asg-terminate": {
            source: ["aws.autoscaling"],
            "detail-type": ["EC2 Instance-terminate Lifecycle Action"],
            detail: { AutoScalingGroupName: [...autoScalingGroupNames] },
        },
        // EC2 maintenance that will stop or retire an instance: drained ahead of time.
        "scheduled-change": {
            source: ["aws.health"],
            "detail-type": ["AWS Health Event"],
            detail: { service: ["EC2"], eventTypeCategory: ["scheduledChange"] },
        },
        // An instance stopped or terminated outside the group's lifecycle (console, API): drained
        // as it goes, as well as it can be.
        "state-change": {
            source: ["aws.ec2"],
            "detail-type": ["EC2 Instance State-change Notification"],
            detail: { state: ["stopping", "shutting-down"] },
        },
    };
}

export interface NodeDrainEventsArgs {
    /** The EKS cluster name: the prefix of the queue's and rules' names. */
    readonly clusterName: string;
    /** The Auto Scaling group of each node group, by node-group name: each gets the termination lifecycle hook. */
    readonly autoScalingGroups: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * Seconds a terminating instance waits in `Terminating:Wait` for the drain. When it runs out
     * (the handler is down, or a drain hangs) the instance terminates anyway. @default 600: time
     * for pods that must start elsewhere before the disruption budgets let the next one go
     */
    readonly heartbeatTimeoutSeconds?: number;
    readonly tags?: Record<string, string>;
}

/**
 * What lets a node be drained before EC2 takes it away: a termination lifecycle hook on every node
 * group, and an SQS queue that EventBridge fills with those lifecycle actions (and with EC2
 * maintenance and state-change events). aws-node-termination-handler in queue mode reads the
 * queue, cordons and drains the node (the Eviction API, so PodDisruptionBudgets hold), then
 * completes the lifecycle action.
 */
export class NodeDrainEvents extends pulumi.ComponentResource {
    public readonly queueUrl: pulumi.Output<string>;
    public readonly queueArn: pulumi.Output<string>;
    /** The hook's timeout: the handler must finish a drain within it. */
    public readonly heartbeatTimeoutSeconds: number;

    constructor(name: string, args: NodeDrainEventsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:aws:NodeDrainEvents", name, {}, opts);
        const tags = args.tags ?? {};
        const heartbeatTimeout = args.heartbeatTimeoutSeconds ?? 600;

        // Events older than 5 minutes describe a node that is already gone.
        const queue = new aws.sqs.Queue(
            `${name}-drain`,
            { messageRetentionSeconds: 300, sqsManagedSseEnabled: true, tags },
            { parent: this },
        );
        const names = pulumi.all(Object.values(args.autoScalingGroups));
        const rules = Object.entries(drainEventPatterns([])).map(([id]) => {
            const rule = new aws.cloudwatch.EventRule(
                `${name}-${id}`,
                {
                    description: `${args.clusterName}: ${id} events for aws-node-termination-handler`,
                    eventPattern: names.apply((n) => JSON.stringify(drainEventPatterns(n)[id])),
                    tags,
                },
                { parent: this },
            );
            new aws.cloudwatch.EventTarget(`${name}-${id}`, { rule: rule.name, arn: queue.arn }, { parent: rule });
            return rule;
        });
        new aws.sqs.QueuePolicy(
            `${name}-drain`,
            {
                queueUrl: queue.url,
                policy: pulumi
                    .all([queue.arn, ...rules.map((r) => r.arn)])
                    .apply(([queueArn, ...ruleArns]) => drainQueuePolicy(queueArn, ruleArns)),
            },
            { parent: queue },
        );

        for (const [group, autoScalingGroup] of Object.entries(args.autoScalingGroups)) {
            new aws.autoscaling.LifecycleHook(
                `${name}-${group}-drain`,
                {
                    name: "drain-node",
                    autoscalingGroupName: autoScalingGroup,
                    lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
                    heartbeatTimeout,
                    // Also when the handler never answers: a node that cannot be drained still goes.
                    defaultResult: "CONTINUE",
                },
                { parent: this },
            );
        }

        this.queueUrl = queue.url;
        this.queueArn = queue.arn;
        this.heartbeatTimeoutSeconds = heartbeatTimeout;
        this.registerOutputs({ queueUrl: this.queueUrl, queueArn: this.queueArn });
    }
}

/** The queue's policy: EventBridge may send to it, and only on behalf of the drain rules. */
export function drainQueuePolicy(queueArn: string, ruleArns: readonly string[]): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: queueArn,
                Condition: { ArnEquals: { "aws:SourceArn": ruleArns } },
            },
        ],
    });
}
