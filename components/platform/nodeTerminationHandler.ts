import * as pulumi from "@pulumi/pulumi";
import { ownGroupsPolicy } from "../aws/nodeGroup";
import { awsNames } from "../core";
import { CHARTS } from "../core/versions";
import { irsaRelease } from "./irsaRelease";

export const NODE_TERMINATION_HANDLER_SERVICE_ACCOUNT = {
    namespace: "kube-system",
    name: "aws-node-termination-handler",
} as const;

export interface NodeTerminationHandlerArgs {
    readonly clusterName: string;
    readonly region: string;
    /** The drain queue (`NodeDrainEvents`). */
    readonly queueUrl: pulumi.Input<string>;
    readonly queueArn: pulumi.Input<string>;
    /** The lifecycle hook's timeout: a drain gives up 60 seconds before it, so the action is still completed. */
    readonly heartbeatTimeoutSeconds: number;
    readonly oidcProviderArn: pulumi.Input<string>;
    readonly oidcIssuer: pulumi.Input<string>;
    readonly chartVersion?: string;
    readonly tags?: Record<string, string>;
}

/**
 * The handler's IAM policy: read the queue, look up instances and groups, and complete lifecycle
 * actions only in the groups that carry this cluster's ownership tag.
 */
export function nodeTerminationHandlerPolicy(clusterName: string, queueArn: string): string {
    return ownGroupsPolicy(
        clusterName,
        ["autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeTags", "ec2:DescribeInstances"],
        {
            sid: "CompleteOwnGroups",
            actions: ["autoscaling:CompleteLifecycleAction", "autoscaling:RecordLifecycleActionHeartbeat"],
        },
        [{ Sid: "Queue", Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], Resource: queueArn }],
    );
}

/**
 * The Helm values: queue-processor mode (a Deployment that reads the drain queue; no IMDS
 * access). A drain evicts pods through the Eviction API, so disruption budgets hold, gives each
 * pod its own grace period, and gives up before the lifecycle hook would time out.
 */
export function nodeTerminationHandlerValues(
    args: NodeTerminationHandlerArgs,
    roleArn: pulumi.Input<string>,
): Record<string, unknown> {
    return {
        enableSqsTerminationDraining: true,
        queueURL: args.queueUrl,
        awsRegion: args.region,
        // Each pod gets its own terminationGracePeriodSeconds.
        podTerminationGracePeriod: -1,
        nodeTerminationGracePeriod: args.heartbeatTimeoutSeconds - 60,
        // Two replicas: a handler draining its own node hands the event to the other one.
        replicas: 2,
        emitKubernetesEvents: true,
        serviceAccount: {
            create: true,
            name: NODE_TERMINATION_HANDLER_SERVICE_ACCOUNT.name,
            annotations: { "eks.amazonaws.com/role-arn": roleArn },
        },
        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
    };
}

/** aws-node-termination-handler in queue mode with its IRSA role, from the official OCI chart. */
export class NodeTerminationHandler extends pulumi.ComponentResource {
    public readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: NodeTerminationHandlerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:platform:NodeTerminationHandler", name, {}, opts);
        const { role } = irsaRelease(
            {
                names: { role: awsNames.terminationHandlerRole(args.clusterName), release: name },
                serviceAccount: NODE_TERMINATION_HANDLER_SERVICE_ACCOUNT,
                oidcProviderArn: args.oidcProviderArn,
                oidcIssuer: args.oidcIssuer,
                policy: pulumi
                    .output(args.queueArn)
                    .apply((arn) => nodeTerminationHandlerPolicy(args.clusterName, arn)),
                releaseName: "aws-node-termination-handler",
                chart: CHARTS.nodeTerminationHandler,
                chartVersion: args.chartVersion,
                values: (roleArn) => nodeTerminationHandlerValues(args, roleArn),
                tags: args.tags,
            },
            this,
        );
        this.roleArn = role.arn;
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
