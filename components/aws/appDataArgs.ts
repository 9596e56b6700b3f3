import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/** SQS actions the app needs to produce and consume messages. */
export const QUEUE_ACTIONS = [
    "sqs:SendMessage",
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
];
/** S3 actions on the bucket itself, and on its objects. */
export const BUCKET_ACTIONS = ["s3:ListBucket", "s3:GetBucketLocation"];
export const OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"];

export interface AppDataArgs {
    /** The namespace of the app's ServiceAccount. */
    readonly namespace: string;
    /** The app's ServiceAccount (named after the app): the only identity that may assume the role. */
    readonly serviceAccountName: string;
    /** Names of the app's SQS queues; each gets a dead-letter queue. @default none */
    readonly queues?: readonly string[];
    /** The cluster's IAM OIDC provider (IRSA). */
    readonly oidcProviderArn: pulumi.Input<string>;
    /** The cluster's OIDC issuer, without `https://`. */
    readonly oidcIssuer: pulumi.Input<string>;
    /** Receives before a message moves to its dead-letter queue. @default 5 */
    readonly maxReceiveCount?: number;
    /** How long a dead-letter queue keeps a message: the time to look at it. @default 14 days, SQS's maximum */
    readonly deadLetterRetentionSeconds?: number;
    /** Tags of every AWS resource. @default none */
    readonly tags?: Record<string, string>;
}

type Statement = { Sid: string; Effect: "Allow"; Action: string[]; Resource: string[] };

/** The role's permissions: the bucket and its objects, and the queues; nothing else. */
export function appDataPolicy(bucketArn: string, queueArns: readonly string[]) {
    const statements: Statement[] = [
        { Sid: "Bucket", Effect: "Allow", Action: BUCKET_ACTIONS, Resource: [bucketArn] },
        { Sid: "Objects", Effect: "Allow", Action: OBJECT_ACTIONS, Resource: [`${bucketArn}/*`] },
    ];
    if (queueArns.length > 0)
        statements.push({ Sid: "Queues", Effect: "Allow", Action: QUEUE_ACTIONS, Resource: [...queueArns] });
    return { Version: "2012-10-17", Statement: statements };
}

/** Refuses requests that are not over TLS. */
export function bucketTlsPolicy(bucketArn: string) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

/** The bucket's settings resources: public access blocked, owner-enforced, encrypted, versioned. */
export function bucketSettingsArgs(bucketId: pulumi.Input<string>) {
    return {
        publicAccessBlock: {
            bucket: bucketId,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        } satisfies aws.s3.BucketPublicAccessBlockArgs,
        ownershipControls: {
            bucket: bucketId,
            rule: { objectOwnership: "BucketOwnerEnforced" },
        } satisfies aws.s3.BucketOwnershipControlsArgs,
        encryption: {
            bucket: bucketId,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
        } satisfies aws.s3.BucketServerSideEncryptionConfigurationArgs,
        versioning: {
            bucket: bucketId,
            versioningConfiguration: { status: "Enabled" },
        } satisfies aws.s3.BucketVersioningArgs,
    };
}

/** How long a dead-letter queue keeps messages and how many receives move one there, defaults applied. */
export function queueSettings(args: Pick<AppDataArgs, "maxReceiveCount" | "deadLetterRetentionSeconds">) {
    return {
        maxReceiveCount: args.maxReceiveCount ?? 5,
        deadLetterRetentionSeconds: args.deadLetterRetentionSeconds ?? 14 * 24 * 3600,
    };
}

/** The queue's redrive policy: after `maxReceiveCount` receives a message moves to the dead-letter queue. */
export function redrivePolicy(deadLetterTargetArn: string, maxReceiveCount: number): string {
    return JSON.stringify({ deadLetterTargetArn, maxReceiveCount });
}
