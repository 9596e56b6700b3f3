import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { appDataEnvNames } from "../config/names";
import { serviceAccountRole } from "./irsa";

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

/**
 * The app's data in AWS: an S3 bucket (encrypted, versioned, public access blocked, TLS only,
 * `protect`ed), SQS queues each with a dead-letter queue, and an IRSA role for the app's
 * ServiceAccount allowed exactly those bucket and queue actions on exactly those ARNs.
 *
 * `env` and `serviceAccountAnnotations` go to the app's pods. Physical names are Pulumi's
 * auto-names (logical name plus a suffix), so stacks in one account never collide; renaming the
 * component replaces the queues (and would replace the bucket, which `protect` stops).
 */
export class AppData extends pulumi.ComponentResource {
    public readonly bucketName: pulumi.Output<string>;
    public readonly bucketArn: pulumi.Output<string>;
    /** Queue name (as configured) -> URL. */
    public readonly queueUrls: Record<string, pulumi.Output<string>>;
    /** Queue name (as configured) -> ARN of its dead-letter queue. */
    public readonly deadLetterQueueArns: Record<string, pulumi.Output<string>>;
    public readonly roleArn: pulumi.Output<string>;
    /** `S3_BUCKET` and `SQS_<QUEUE>_URL`, for the app's env. */
    public readonly env: Record<string, pulumi.Output<string>>;
    /** The IRSA annotation of the app's ServiceAccount. */
    public readonly serviceAccountAnnotations: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: AppDataArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:aws:AppData", name, {}, opts);
        const queues = args.queues ?? [];
        const maxReceiveCount = args.maxReceiveCount ?? 5;
        const deadLetterRetentionSeconds = args.deadLetterRetentionSeconds ?? 14 * 24 * 3600;
        const tags = args.tags ?? {};

        // The bucket holds the app's files: `protect` makes deleting it a deliberate, separate step.
        const bucket = new aws.s3.Bucket(
            `${name}-bucket`,
            { forceDestroy: false, tags },
            { parent: this, protect: true },
        );
        const child = { parent: bucket };
        new aws.s3.BucketPublicAccessBlock(
            `${name}-bucket`,
            {
                bucket: bucket.id,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            child,
        );
        new aws.s3.BucketOwnershipControls(
            `${name}-bucket`,
            { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
            child,
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-bucket`,
            {
                bucket: bucket.id,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
            },
            child,
        );
        new aws.s3.BucketVersioning(
            `${name}-bucket`,
            { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
            child,
        );
        new aws.s3.BucketPolicy(
            `${name}-bucket`,
            { bucket: bucket.id, policy: bucket.arn.apply((a) => JSON.stringify(bucketTlsPolicy(a))) },
            child,
        );

        this.queueUrls = {};
        this.deadLetterQueueArns = {};
        const queueArns: pulumi.Output<string>[] = [];
        for (const q of queues) {
            const dlq = new aws.sqs.Queue(
                `${name}-${q}-dlq`,
                { messageRetentionSeconds: deadLetterRetentionSeconds, sqsManagedSseEnabled: true, tags },
                { parent: this },
            );
            const queue = new aws.sqs.Queue(
                `${name}-${q}`,
                {
                    sqsManagedSseEnabled: true,
                    redrivePolicy: dlq.arn.apply((deadLetterTargetArn) =>
                        JSON.stringify({ deadLetterTargetArn, maxReceiveCount }),
                    ),
                    tags,
                },
                { parent: this },
            );
            this.queueUrls[q] = queue.url;
            this.deadLetterQueueArns[q] = dlq.arn;
            queueArns.push(queue.arn);
        }

        const role = serviceAccountRole(
            `${name}-irsa`,
            {
                oidcProviderArn: args.oidcProviderArn,
                oidcIssuer: args.oidcIssuer,
                namespace: args.namespace,
                serviceAccount: args.serviceAccountName,
            },
            this,
            tags,
        );
        new aws.iam.RolePolicy(
            `${name}-irsa`,
            {
                role: role.name,
                policy: pulumi
                    .all([bucket.arn, pulumi.all(queueArns)])
                    .apply(([b, qs]) => JSON.stringify(appDataPolicy(b, qs))),
            },
            { parent: role },
        );

        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.roleArn = role.arn;
        this.env = { [appDataEnvNames.bucket]: bucket.bucket };
        for (const q of queues) this.env[appDataEnvNames.queueUrl(q)] = this.queueUrls[q];
        this.serviceAccountAnnotations = { "eks.amazonaws.com/role-arn": role.arn };
        this.registerOutputs({
            bucketName: this.bucketName,
            roleArn: this.roleArn,
            queueUrls: this.queueUrls,
            env: this.env,
        });
    }
}
