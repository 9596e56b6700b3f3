import type { ConfigProblem } from "./errors";
import { appNamespace, AUTONAME_SUFFIX, awsNames, NAME_LIMITS, nodeTemplateTagKey, workloadNames } from "../core/names";
import type { RootConfig } from "./schema";

/** The Pulumi project and stack: the cluster a stack creates is named after them. */
export interface StackName {
    readonly project: string;
    readonly stack: string;
}

const at = (path: string, message: string): ConfigProblem => ({ path: `capstan:${path}`, message });

interface Built {
    /** The key path that sets (part of) the name. */
    readonly path: string;
    readonly what: string;
    readonly name: string;
    readonly limit: number;
    /** Pulumi appends {@link AUTONAME_SUFFIX} characters to the name. */
    readonly autoNamed: boolean;
    /** How to fix it. */
    readonly fix: string;
}

function tooLong(b: Built): ConfigProblem[] {
    const length = b.name.length + (b.autoNamed ? AUTONAME_SUFFIX : 0);
    if (length <= b.limit) return [];
    const shown = b.autoNamed
        ? `${JSON.stringify(b.name)} plus Pulumi's ${AUTONAME_SUFFIX}-character suffix`
        : JSON.stringify(b.name);
    return [at(b.path, `makes the ${b.what} ${shown} ${length} characters long; ${b.limit} is the limit: ${b.fix}`)];
}

/** The names a stack that creates its cluster gives AWS, from its stack name and node groups. */
/** The cluster's own AWS names, in the order they are reported: what, name and limit. */
const CLUSTER_NAMES: readonly [string, (cluster: string) => string, number, boolean][] = [
    ["EKS cluster name", (c) => c, NAME_LIMITS.eksCluster, false],
    ["IAM role name", awsNames.clusterRole, NAME_LIMITS.iamRole, true],
    ["IAM role name", awsNames.cniRole, NAME_LIMITS.iamRole, true],
    ["IAM role name", awsNames.autoscalerRole, NAME_LIMITS.iamRole, true],
    ["IAM role name", awsNames.terminationHandlerRole, NAME_LIMITS.iamRole, true],
    ["IAM role name", awsNames.logShipperRole, NAME_LIMITS.iamRole, true],
    ["SQS queue name", awsNames.drainQueue, NAME_LIMITS.sqsQueue, true],
];

/** Each node group's AWS names: what, name and limit, every one auto-named. */
const NODE_GROUP_NAMES: readonly [string, (cluster: string, group: string) => string, number][] = [
    ["IAM role name", awsNames.nodeRole, NAME_LIMITS.iamRole],
    ["instance profile name", awsNames.nodeRole, NAME_LIMITS.instanceProfile],
    ["launch template name", awsNames.nodeGroup, NAME_LIMITS.launchTemplate],
];

/** EKS takes only letters, digits, '-' and '_' in a cluster name. */
function clusterNameCharacters(cluster: string): ConfigProblem[] {
    if (/^[0-9A-Za-z][A-Za-z0-9_-]*$/.test(cluster)) return [];
    return [
        at(
            "cluster.mode",
            `create names the EKS cluster ${JSON.stringify(cluster)} after the stack, and EKS allows only letters, digits, '-' and '_' in it: use a stack name without '.'`,
        ),
    ];
}

function clusterNames(cfg: RootConfig, names: StackName): ConfigProblem[] {
    const cluster = awsNames.cluster(names.project, names.stack);
    const stackFix = `use a shorter stack name (the cluster is named ${JSON.stringify(cluster)}, <project>-<stack>)`;
    const groupFix = `shorten the node group's name (or the stack's: the names are <project>-<stack>-<group>)`;
    const built: Built[] = [
        ...CLUSTER_NAMES.map(([what, name, limit, autoNamed]) => ({
            path: "cluster.mode",
            what,
            name: name(cluster),
            limit,
            autoNamed,
            fix: stackFix,
        })),
        ...cfg.nodeGroups.flatMap((g, i) =>
            NODE_GROUP_NAMES.map(([what, name, limit]) => ({
                path: `nodeGroups[${i}].name`,
                what,
                name: name(cluster, g.name),
                limit,
                autoNamed: true,
                fix: groupFix,
            })),
        ),
    ];
    return [...clusterNameCharacters(cluster), ...oncePerKey(built)];
}

/** Label and taint keys travel as tags of the node group's Auto Scaling group, whose keys are at most 128. */
function nodeTemplateTagChecks(cfg: RootConfig): ConfigProblem[] {
    return cfg.nodeGroups.flatMap((g, i) =>
        [
            ...Object.keys(g.labels).map((k) => ({
                path: `nodeGroups[${i}].labels.${k}`,
                tag: nodeTemplateTagKey("label", k),
            })),
            ...g.taints.map((t, j) => ({
                path: `nodeGroups[${i}].taints[${j}].key`,
                tag: nodeTemplateTagKey("taint", t.key),
            })),
        ].flatMap(({ path, tag }) =>
            tag.length > NAME_LIMITS.tagKey
                ? [
                      at(
                          path,
                          `becomes the Auto Scaling group tag ${JSON.stringify(tag)}, ${tag.length} characters; AWS allows ${NAME_LIMITS.tagKey}: use a shorter key`,
                      ),
                  ]
                : [],
        ),
    );
}

/** The names of the app's AWS resources, all named after its namespace, and of its Kubernetes objects. */
function appNames(cfg: RootConfig): ConfigProblem[] {
    const { namespace, path } = appNamespace(cfg);
    const fix = `shorten ${path} (the app's AWS resources are named after the namespace ${JSON.stringify(namespace)})`;
    const built: Built[] = [
        {
            path,
            what: "IAM role name",
            name: awsNames.appRole(namespace),
            limit: NAME_LIMITS.iamRole,
            autoNamed: true,
            fix,
        },
        {
            path,
            what: "S3 bucket name",
            name: awsNames.bucket(namespace),
            limit: NAME_LIMITS.s3Bucket,
            autoNamed: true,
            fix,
        },
    ];
    cfg.app.queues.forEach((q, i) => {
        built.push({
            path: `app.queues[${i}]`,
            what: "SQS queue name",
            name: awsNames.deadLetterQueue(namespace, q),
            limit: NAME_LIMITS.sqsQueue,
            autoNamed: true,
            fix: `shorten the queue's name or ${path}`,
        });
    });
    return oncePerKey(built);
}

/** The names that break their limit, reported once per key: the first that breaks, in the order built. */
function oncePerKey(built: readonly Built[]): ConfigProblem[] {
    const seen = new Set<string>();
    const problems: ConfigProblem[] = [];
    for (const b of built) {
        const [problem] = tooLong(b);
        if (problem && !seen.has(problem.path)) {
            seen.add(problem.path);
            problems.push(problem);
        }
    }
    return problems;
}

/** Host names: each label at most 63 characters, the whole at most 253, and the VirtualServer named after it. */
function hostChecks(cfg: RootConfig): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    for (const [cls, entry] of [
        ["public", cfg.ingress.public],
        ["internal", cfg.ingress.internal],
    ] as const) {
        entry?.hosts.forEach((host, i) => {
            const path = `ingress.${cls}.hosts[${i}]`;
            const long = host.split(".").find((l) => l.length > NAME_LIMITS.dnsLabel);
            if (long)
                problems.push(
                    at(
                        path,
                        `${JSON.stringify(host)} has the label ${JSON.stringify(long)} of ${long.length} characters; DNS allows ${NAME_LIMITS.dnsLabel} per label`,
                    ),
                );
            else if (host.length > NAME_LIMITS.dnsName)
                problems.push(
                    at(path, `${JSON.stringify(host)} is ${host.length} characters; DNS allows ${NAME_LIMITS.dnsName}`),
                );
            else
                problems.push(
                    ...tooLong({
                        path,
                        what: "VirtualServer name",
                        name: `${cfg.app.name}-${cls}-${host}`,
                        limit: NAME_LIMITS.subdomain,
                        autoNamed: false,
                        fix: "use a shorter host or app.name",
                    }),
                );
        });
    }
    return problems;
}

/**
 * Every name the program builds from the config, against the limit of what is really created: AWS
 * names (auto-names included), DNS names and the Kubernetes names not covered by the app checks.
 */
export function nameChecks(cfg: RootConfig, names: StackName | undefined): ConfigProblem[] {
    const problems = [...appNames(cfg), ...hostChecks(cfg)];
    if (cfg.cluster.mode === "create") {
        problems.push(...nodeTemplateTagChecks(cfg));
        if (names) problems.push(...clusterNames(cfg, names));
    }
    // A Service name is a DNS-1035 label: it starts with a letter.
    if (/^[0-9]/.test(cfg.app.name)) {
        problems.push(
            at(
                "app.name",
                `${JSON.stringify(cfg.app.name)} starts with a digit, but it names the Service ${JSON.stringify(workloadNames.web(cfg.app.name))}, which must start with a letter`,
            ),
        );
    }
    if (cfg.staging?.basicAuth) {
        problems.push(
            ...tooLong({
                path: "app.name",
                what: "staging access Policy, a label value,",
                name: `${cfg.app.name}-staging-access`,
                limit: NAME_LIMITS.label,
                autoNamed: false,
                fix: "shorten app.name",
            }),
        );
    }
    return problems;
}
