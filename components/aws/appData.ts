import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { appDataEnvNames } from "../core/names";
import {
    appDataPolicy,
    bucketSettingsArgs,
    bucketTlsPolicy,
    queueSettings,
    redrivePolicy,
    type AppDataArgs,
} from "./appDataArgs";
import { irsaRole } from "./irsa";

export {
    appDataPolicy,
    BUCKET_ACTIONS,
    bucketSettingsArgs,
    bucketTlsPolicy,
    OBJECT_ACTIONS,
    QUEUE_ACTIONS,
    queueSettings,
    redrivePolicy,
    type AppDataArgs,
} from "./appDataArgs";

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
        const queueNames = args.queues ?? [];
        const tags = args.tags ?? {};

        const bucket = createBucket(name, tags, this);
        const queues = createQueues(name, queueNames, queueSettings(args), tags, this);
        this.queueUrls = Object.fromEntries(queues.map((q) => [q.name, q.queue.url]));
        this.deadLetterQueueArns = Object.fromEntries(queues.map((q) => [q.name, q.deadLetter.arn]));
        const role = createAppRole(name, args, {
            bucketArn: bucket.arn,
            queueArns: queues.map((q) => q.queue.arn),
            parent: this,
        });

        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.roleArn = role.arn;
        this.env = { [appDataEnvNames.bucket]: bucket.bucket };
        for (const q of queueNames) this.env[appDataEnvNames.queueUrl(q)] = this.queueUrls[q];
        this.serviceAccountAnnotations = { "eks.amazonaws.com/role-arn": role.arn };
        this.registerOutputs({
            bucketName: this.bucketName,
            roleArn: this.roleArn,
            queueUrls: this.queueUrls,
            env: this.env,
        });
    }
}

/** The app's bucket and its settings (each under the bucket), under `parent`. */
export function createBucket(name: string, tags: Record<string, string>, parent: pulumi.Resource): aws.s3.Bucket {
    // The bucket holds the app's files: `protect` makes deleting it a deliberate, separate step.
    const bucket = new aws.s3.Bucket(`${name}-bucket`, { forceDestroy: false, tags }, { parent, protect: true });
    const child = { parent: bucket };
    const settings = bucketSettingsArgs(bucket.id);
    new aws.s3.BucketPublicAccessBlock(`${name}-bucket`, settings.publicAccessBlock, child);
    new aws.s3.BucketOwnershipControls(`${name}-bucket`, settings.ownershipControls, child);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-bucket`, settings.encryption, child);
    new aws.s3.BucketVersioning(`${name}-bucket`, settings.versioning, child);
    new aws.s3.BucketPolicy(
        `${name}-bucket`,
        { bucket: bucket.id, policy: bucket.arn.apply((a) => JSON.stringify(bucketTlsPolicy(a))) },
        child,
    );
    return bucket;
}

/** Each queue with its dead-letter queue, under `parent`, in the order configured. */
export function createQueues(
    name: string,
    queueNames: readonly string[],
    settings: ReturnType<typeof queueSettings>,
    tags: Record<string, string>,
    parent: pulumi.Resource,
): { name: string; queue: aws.sqs.Queue; deadLetter: aws.sqs.Queue }[] {
    return queueNames.map((q) => {
        const deadLetter = new aws.sqs.Queue(
            `${name}-${q}-dlq`,
            { messageRetentionSeconds: settings.deadLetterRetentionSeconds, sqsManagedSseEnabled: true, tags },
            { parent },
        );
        const queue = new aws.sqs.Queue(
            `${name}-${q}`,
            {
                sqsManagedSseEnabled: true,
                redrivePolicy: deadLetter.arn.apply((arn) => redrivePolicy(arn, settings.maxReceiveCount)),
                tags,
            },
            { parent },
        );
        return { name: q, queue, deadLetter };
    });
}

/** The IRSA role of the app's ServiceAccount and its policy (see `appDataPolicy`), under `parent`. */
export function createAppRole(
    name: string,
    args: AppDataArgs,
    data: { bucketArn: pulumi.Output<string>; queueArns: pulumi.Output<string>[]; parent: pulumi.Resource },
): aws.iam.Role {
    return irsaRole(
        `${name}-irsa`,
        {
            oidcProviderArn: args.oidcProviderArn,
            oidcIssuer: args.oidcIssuer,
            namespace: args.namespace,
            serviceAccount: args.serviceAccountName,
            policy: pulumi
                .all([data.bucketArn, pulumi.all(data.queueArns)])
                .apply(([b, qs]) => JSON.stringify(appDataPolicy(b, qs))),
            tags: args.tags ?? {},
        },
        data.parent,
    );
}
