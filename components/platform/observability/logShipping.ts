import * as pulumi from "@pulumi/pulumi";
import { accountOf, logGroupArn, logGroupNames, LogGroups } from "../../aws/logGroups";
import { INGRESS_NAMESPACE, PLATFORM_NAMESPACES } from "../../core/ingress";
import { awsNames } from "../../core/names";
import { CHARTS } from "../../core/versions";
import { irsaRelease } from "../irsaRelease";

export const LOG_SHIPPER_SERVICE_ACCOUNT = { namespace: "kube-system", name: "fluent-bit" } as const;

/** A toleration of every taint: the shipper runs on every node, whatever its group's taints. */
export const TOLERATE_EVERY_TAINT = [{ operator: "Exists" }];

export interface LogShippingArgs {
    readonly clusterName: string;
    readonly region: string;
    readonly oidcProviderArn: pulumi.Input<string>;
    readonly oidcIssuer: pulumi.Input<string>;
    /** Days the cluster's log groups keep their events. */
    readonly retentionDays: number;
    readonly chartVersion?: string;
    readonly tags?: Record<string, string>;
}

/**
 * The shipper's IAM policy: create streams in, and put events into, the cluster's log groups
 * only (`/capstan/<cluster>/platform`, `/ingress`, and the app groups each stack on the cluster
 * creates below `/app/`). It cannot create groups, so none escapes its retention and key.
 */
export function logWriterPolicy(region: string, account: string, clusterName: string): string {
    const groups = [
        logGroupNames.platform(clusterName),
        logGroupNames.ingress(clusterName),
        logGroupNames.app(clusterName, "*"),
    ];
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "WriteClusterLogGroups",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                Resource: groups.flatMap((g) => [
                    logGroupArn(region, account, g),
                    logGroupArn(region, account, `${g}:*`),
                ]),
            },
        ],
    });
}

/** One cloudwatch_logs output: records tagged `<tag>.*` into one group (or the group its template names). */
function output(tag: string, region: string, group: string, template?: string): string {
    return [
        "[OUTPUT]",
        "    Name cloudwatch_logs",
        `    Match ${tag}.*`,
        `    region ${region}`,
        `    log_group_name ${group}`,
        ...(template ? [`    log_group_template ${template}`] : []),
        "    log_stream_prefix node-",
        "    log_stream_template $kubernetes['host'].$kubernetes['pod_name'].$kubernetes['container_name']",
        "    auto_create_group Off",
        "    retry_limit 5",
    ].join("\n");
}

/**
 * Fluent Bit's pipeline. Every container's log file is tailed (the CRI format's partial lines
 * joined), a Ruby backtrace (`from app.rb:12:in ...` lines) is joined to the line it belongs to,
 * the record gets its pod, namespace, container and node, a JSON line (the access log, a JSON
 * Rails log) is merged into the record's fields, and each namespace's records go to its group:
 * the controllers' namespace to `ingress`, Kubernetes' own to `platform`, any other to
 * `app/<namespace>`.
 */
export function fluentBitConfig(clusterName: string, region: string): Record<string, string> {
    const platform = PLATFORM_NAMESPACES.filter((n) => n !== INGRESS_NAMESPACE).join("|");
    return {
        inputs: [
            "[INPUT]",
            "    Name tail",
            "    Path /var/log/containers/*.log",
            "    multiline.parser cri, docker",
            "    Tag kube.*",
            "    DB /var/log/capstan-fluent-bit.db",
            "    Mem_Buf_Limit 50MB",
            "    Skip_Long_Lines On",
            "    Refresh_Interval 10",
        ].join("\n"),
        filters: [
            "[FILTER]",
            "    Name multiline",
            "    Match kube.*",
            "    multiline.key_content log",
            "    multiline.parser ruby",
            "",
            "[FILTER]",
            "    Name kubernetes",
            "    Match kube.*",
            "    Merge_Log On",
            "    Keep_Log Off",
            "    K8S-Logging.Exclude On",
            "    Labels Off",
            "    Annotations Off",
            "",
            "[FILTER]",
            "    Name rewrite_tag",
            "    Match kube.*",
            `    Rule $kubernetes['namespace_name'] ^${INGRESS_NAMESPACE}$ ingress.$TAG false`,
            `    Rule $kubernetes['namespace_name'] ^(${platform})$ platform.$TAG false`,
            "    Rule $kubernetes['namespace_name'] ^.+$ app.$TAG false",
            "    Emitter_Name capstan_route",
            "    Emitter_Mem_Buf_Limit 50MB",
        ].join("\n"),
        outputs: [
            output("ingress", region, logGroupNames.ingress(clusterName)),
            output("platform", region, logGroupNames.platform(clusterName)),
            output(
                "app",
                region,
                logGroupNames.app(clusterName, "unrouted"),
                `${logGroupNames.app(clusterName, "$kubernetes['namespace_name']")}`,
            ),
        ].join("\n\n"),
    };
}

/** The chart's values: a DaemonSet on every node with the IRSA role, the pipeline above. */
export function fluentBitValues(args: LogShippingArgs, roleArn: pulumi.Input<string>): Record<string, unknown> {
    return {
        kind: "DaemonSet",
        serviceAccount: {
            create: true,
            name: LOG_SHIPPER_SERVICE_ACCOUNT.name,
            annotations: { "eks.amazonaws.com/role-arn": roleArn },
        },
        tolerations: TOLERATE_EVERY_TAINT,
        priorityClassName: "system-node-critical",
        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
        testFramework: { enabled: false },
        // Merged with the chart's own `config`: its [SERVICE] section (HTTP server, health check) stays.
        config: fluentBitConfig(args.clusterName, args.region),
    };
}

/**
 * Log shipping of a cluster: its `platform` and `ingress` log groups (encrypted, with the
 * configured retention), Fluent Bit as a DaemonSet (the official chart, pinned) on every node
 * with an IRSA role that may write only to the cluster's groups.
 */
export class LogShipping extends pulumi.ComponentResource {
    public readonly roleArn: pulumi.Output<string>;
    public readonly groups: LogGroups;

    constructor(name: string, args: LogShippingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:platform:LogShipping", name, {}, opts);
        this.groups = new LogGroups(
            name,
            {
                region: args.region,
                clusterName: args.clusterName,
                accountArn: args.oidcProviderArn,
                groups: { platform: "platform", ingress: "ingress" },
                retentionDays: args.retentionDays,
                tags: args.tags,
            },
            { parent: this },
        );
        const { role } = irsaRelease(
            {
                names: {
                    role: awsNames.logShipperRole(args.clusterName),
                    policy: `${name}-fluent-bit`,
                    release: `${name}-fluent-bit`,
                },
                serviceAccount: LOG_SHIPPER_SERVICE_ACCOUNT,
                oidcProviderArn: args.oidcProviderArn,
                oidcIssuer: args.oidcIssuer,
                policy: accountOf(args.oidcProviderArn).apply((a) => logWriterPolicy(args.region, a, args.clusterName)),
                releaseName: "fluent-bit",
                chart: CHARTS.fluentBit,
                chartVersion: args.chartVersion,
                values: (roleArn) => fluentBitValues(args, roleArn),
                tags: args.tags,
                // The groups first: a record for a group that does not exist yet is retried, then dropped.
                dependsOn: [this.groups],
            },
            this,
        );
        this.roleArn = role.arn;
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
