import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * The CloudWatch Logs groups of a cluster: `/capstan/<cluster>/platform` (Kubernetes' own
 * namespaces), `/capstan/<cluster>/ingress` (the NGINX controllers) and one
 * `/capstan/<cluster>/app/<namespace>` per app namespace, created by the stack that owns that
 * namespace (a tenant's stack creates its own). The log shipper writes only below the prefix.
 */
export const logGroupNames = {
    prefix: (cluster: string) => `/capstan/${cluster}`,
    platform: (cluster: string) => `/capstan/${cluster}/platform`,
    ingress: (cluster: string) => `/capstan/${cluster}/ingress`,
    app: (cluster: string, namespace: string) => `/capstan/${cluster}/app/${namespace}`,
};

/** The AWS account of an ARN (its fifth field): no call to AWS needed. */
export function accountOf(arn: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.output(arn).apply((a) => a.split(":")[4]);
}

/** The ARN of a log group, or of every group below a prefix when `name` ends in `*`. */
export function logGroupArn(region: string, account: string, name: string): string {
    return `arn:aws:logs:${region}:${account}:log-group:${name}`;
}

/**
 * The policy of a key that encrypts log groups: the account administers it (IAM policies decide
 * who may use it), and CloudWatch Logs of the region may use it only for groups below `prefix`.
 */
export function logsKeyPolicy(region: string, account: string, prefix: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministers",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${account}:root` },
                Action: "kms:*",
                Resource: "*",
            },
            {
                Sid: "CloudWatchLogsEncrypts",
                Effect: "Allow",
                Principal: { Service: `logs.${region}.amazonaws.com` },
                Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                Resource: "*",
                Condition: {
                    ArnLike: { "kms:EncryptionContext:aws:logs:arn": logGroupArn(region, account, `${prefix}/*`) },
                },
            },
        ],
    });
}

export interface LogGroupsArgs {
    readonly region: string;
    /** The cluster whose prefix the groups are under. */
    readonly clusterName: pulumi.Input<string>;
    /** Any ARN of the stack's account (e.g. the cluster's OIDC provider), to name the account in policies. */
    readonly accountArn: pulumi.Input<string>;
    /** The groups to create, by id: each id's name below the prefix (`platform`, `app/phraseapp`). */
    readonly groups: Readonly<Record<string, string>>;
    /** Days each group keeps its events. */
    readonly retentionDays: number;
    /** The key that encrypts the groups. @default a key of their own, for the cluster's groups */
    readonly keyArn?: pulumi.Input<string>;
    readonly tags?: Record<string, string>;
}

/**
 * How the engine keeps the audit trail, in every environment (as the database is kept): a delete
 * that a renamed URN, a replacement, observability turned off or `pulumi destroy` would plan
 * never reaches AWS by accident.
 *
 * - A group is retained: deleting it from the stack only forgets it, and its events expire by
 *   their retention, as they would have in the stack. It is not protected: protecting it would
 *   stop those updates without keeping anything more.
 * - The key is protected and retained. Deleting it (after its 30-day window) makes every group it
 *   encrypts unreadable, the retained ones and the tenants' app groups included, so an update that
 *   would delete or replace it stops; and once that protection is lifted on purpose
 *   (`pulumi state unprotect`), the engine still leaves the key for the groups that outlive the
 *   stack. Its deletion is a step of its own, after theirs (docs/operating.md, "Tearing a stack down").
 */
const KEEP_LOG_GROUP: pulumi.CustomResourceOptions = { retainOnDelete: true };
const KEEP_LOGS_KEY: pulumi.CustomResourceOptions = { protect: true, retainOnDelete: true };

/**
 * Log groups of one stack, encrypted with the cluster's rotating key (its own, or the one given)
 * that only CloudWatch Logs of the region may use, and only for the cluster's groups; each keeps
 * its events for the configured retention, and outlives the stack ({@link KEEP_LOG_GROUP},
 * {@link KEEP_LOGS_KEY}).
 */
export class LogGroups extends pulumi.ComponentResource {
    /** Group id to group name. */
    public readonly names: Record<string, pulumi.Output<string>>;
    public readonly keyArn: pulumi.Output<string>;

    constructor(name: string, args: LogGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:aws:LogGroups", name, {}, opts);
        const account = accountOf(args.accountArn);
        const prefix = pulumi.output(args.clusterName).apply(logGroupNames.prefix);
        const keyArn =
            args.keyArn !== undefined
                ? pulumi.output(args.keyArn)
                : new aws.kms.Key(
                      `${name}-logs`,
                      {
                          description: pulumi.interpolate`CloudWatch Logs of ${prefix}`,
                          enableKeyRotation: true,
                          deletionWindowInDays: 30,
                          policy: pulumi.all([account, prefix]).apply(([a, p]) => logsKeyPolicy(args.region, a, p)),
                          tags: args.tags,
                      },
                      { ...KEEP_LOGS_KEY, parent: this },
                  ).arn;
        this.names = {};
        for (const [id, suffix] of Object.entries(args.groups)) {
            const group = new aws.cloudwatch.LogGroup(
                `${name}-${id.replace(/\//g, "-")}`,
                {
                    name: pulumi.interpolate`${prefix}/${suffix}`,
                    retentionInDays: args.retentionDays,
                    kmsKeyId: keyArn,
                    tags: args.tags,
                },
                { ...KEEP_LOG_GROUP, parent: this },
            );
            this.names[id] = group.name;
        }
        this.keyArn = keyArn;
        this.registerOutputs({ names: this.names, keyArn: this.keyArn });
    }
}
