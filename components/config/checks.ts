import {
    type Cidr,
    cidrsOverlap,
    coverWholeInternet,
    formatCidr,
    parseCidr,
    SERVICE_CIDR,
    SMALLEST_SUBNET,
    subnetPrefixes,
} from "../core/cidr";
import { architectureChecks } from "./architecture";
import type { ConfigProblem } from "./errors";
import { appDataEnvNames, appNamespace, NAME_LIMITS, SHUTDOWN_TIMEOUT_ENV, workloadNames } from "../core/names";
import { crossRefChecks } from "./crossRefChecks";
import { assetsChecks, cdnChecks } from "./edgeChecks";
import { nameChecks, type StackName } from "./nameChecks";
import { envSizeChecks } from "./objectSize";
import { observabilityChecks } from "./observabilityChecks";
import { releaseChecks } from "./releaseChecks";
import { parseQuantity } from "../core/quantity";
import { costChecks } from "./costChecks";
import { appResourceChecks } from "./resourceChecks";
import { canaryTagProblem, duplicates, imageTagProblem } from "./rules";
import { DEFAULT_STICKY_COOKIE } from "./ingressSchema";
import { runningCanary, type RootConfig } from "./schema";
import { serviceChecks } from "./services";

/** What is known of the secret config without revealing it: the names of its entries. */
export interface SecretKeys {
    /** Names in `capstan:appSecrets`, or undefined when the value cannot be read (one opaque secret). */
    readonly appSecrets?: readonly string[];
    /** Users in `capstan:basicAuthPasswords`, or undefined when the value cannot be read. */
    readonly basicAuthPasswords?: readonly string[];
    /** Whether the secret `capstan:kubeconfig` is set. @default false */
    readonly kubeconfig?: boolean;
    /**
     * The size of each value of `capstan:appSecrets` in UTF-8 bytes, by name: what the app's
     * Secret will hold, without the values. Undefined where they cannot be read (the offline render).
     */
    readonly appSecretSizes?: Readonly<Record<string, number>>;
}

const at = (path: string, message: string): ConfigProblem => ({ path: `capstan:${path}`, message });

/**
 * The entries each secret map needs, read from the (unvalidated) root config: a value per name of
 * `app.secretEnv` and a password per user of `staging.basicAuth.users`.
 */
export function secretNamesNeeded(
    raw: Readonly<Record<string, unknown>>,
): Record<"appSecrets" | "basicAuthPasswords", string[]> {
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
    const app = (raw.app ?? {}) as { secretEnv?: unknown };
    const staging = (raw.staging ?? {}) as { basicAuth?: { users?: unknown } };
    return { appSecrets: strings(app.secretEnv), basicAuthPasswords: strings(staging.basicAuth?.users) };
}

/**
 * The rules that span more than one field. Each returns every problem it finds; the caller
 * reports them together with the schema's own.
 */
export function crossChecks(
    parts: Partial<RootConfig>,
    secrets: SecretKeys,
    names?: StackName,
    incomplete: ReadonlySet<string> = new Set(),
): ConfigProblem[] {
    // A rule runs when every key it reads parsed; the others' problems are already reported.
    const when = (keys: (keyof RootConfig)[], check: (cfg: RootConfig) => ConfigProblem[]) =>
        keys.every((k) => k in parts) ? check(parts as RootConfig) : [];
    // References across lists (which node group a worker lands on) need every entry of those lists.
    const whenComplete = (keys: (keyof RootConfig)[], check: (cfg: RootConfig) => ConfigProblem[]) =>
        keys.some((k) => incomplete.has(k)) ? [] : when(keys, check);
    return [
        ...when(["imageTag", "environment", "canary"], imageTagChecks),
        ...when(["cluster", "network", "nodeGroups", "region", "ingress", "dns"], (cfg) => clusterChecks(cfg, secrets)),
        ...when(["nodeGroups"], nodeGroupChecks),
        ...when(["nodeGroups"], architectureChecks),
        ...when(["ingress"], ingressChecks),
        ...when(["ingress", "cluster"], internalSourceChecks),
        ...when(["app"], (cfg) => appChecks(cfg, secrets)),
        ...when(["app", "environment"], productionWorkerChecks),
        ...when(["app"], appResourceChecks),
        ...when(["app"], (cfg) => envSizeChecks(cfg, secrets.appSecretSizes)),
        ...when(["app", "ingress", "cluster", "nodeGroups", "tenant", "staging"], (cfg) => nameChecks(cfg, names)),
        ...whenComplete(["app", "cluster", "nodeGroups", "ingress", "region", "tenant", "canary"], crossRefChecks),
        ...when(["staging"], (cfg) => stagingChecks(cfg, secrets)),
        ...when(["staging", "ingress"], internalAuthChecks),
        ...when(["tenant", "cluster", "app"], tenantChecks),
        ...when(["tenant", "cluster", "app"], egressChecks),
        ...when(["cluster", "app"], awsDataChecks),
        ...when(["cluster", "database", "cache", "dns"], externalServicesChecks),
        ...when(["app", "ingress", "database", "cache", "dns"], serviceChecks),
        ...when(["observability", "cluster", "ingress", "app"], observabilityChecks),
        ...when(["edge", "ingress", "cluster", "observability"], cdnChecks),
        ...when(["app", "edge"], assetsChecks),
        ...when(["cost"], costChecks),
        ...when(["release", "canary", "ingress", "environment"], releaseChecks),
    ];
}

function imageTagChecks(cfg: RootConfig): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const tag = imageTagProblem(cfg.imageTag, cfg.environment);
    if (tag) problems.push(at("imageTag", tag));
    const running = runningCanary(cfg.canary);
    if (running) {
        const canary = imageTagProblem(running.imageTag, cfg.environment);
        if (canary) problems.push(at("canary.imageTag", canary));
        const sameTag = canary ? undefined : canaryTagProblem(running.imageTag, cfg.imageTag);
        if (sameTag) problems.push(at("canary.imageTag", sameTag));
        if (!running.cookie && !running.header) {
            problems.push(at("canary", "needs a cookie or a header so that testers can reach the canary on purpose"));
        }
        const sticky = running.stickyCookie;
        if (sticky !== undefined && sticky.toLowerCase() === running.cookie?.name.toLowerCase())
            problems.push(
                at(
                    "canary.stickyCookie",
                    `${JSON.stringify(sticky)} is also the testers' cookie (canary.cookie.name), and the split would overwrite it; name another cookie, e.g. ${DEFAULT_STICKY_COOKIE}`,
                ),
            );
    } else if (cfg.canary) problems.push(...releaseOnlyChecks(cfg.canary));
    return problems;
}

/** Without `imageTag` no canary runs: what only a running canary reads is refused rather than ignored. */
function releaseOnlyChecks(c: NonNullable<RootConfig["canary"]>): ConfigProblem[] {
    const routing = [
        ...(c.cookie ? ["cookie"] : []),
        ...(c.header ? ["header"] : []),
        ...((c.weight ?? 0) > 0 ? ["weight"] : []),
    ];
    return routing.map((key) =>
        at(
            `canary.${key}`,
            `${JSON.stringify(c[key as "cookie"])} routes to a canary, but canary.imageTag is not set, so none runs; remove it, or start a canary with \`capstan canary <stack> start <tag>\``,
        ),
    );
}

/** The keys that only a cluster managed elsewhere (`mode: external`) takes. */
const EXTERNAL_ONLY = ["context", "local", "ingressClasses", "ingressNamespace", "oidcProviderArn"] as const;

function externalClusterChecks(cfg: RootConfig, secrets: SecretKeys): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const c = cfg.cluster;
    if (!c.context && !secrets.kubeconfig) {
        problems.push(
            at(
                "cluster.context",
                'is required with mode: external unless the secret capstan:kubeconfig is set; name a context of your kubeconfig, or: pulumi config set --secret kubeconfig "$(cat FILE)"',
            ),
        );
    }
    if (c.context && secrets.kubeconfig)
        problems.push(
            at(
                "cluster.context",
                "is set and so is capstan:kubeconfig; keep one of them, so that it is clear which cluster the stack changes",
            ),
        );
    if (c.sharedStack) problems.push(at("cluster.sharedStack", "is only used with mode: shared; remove it"));
    if (c.local && c.oidcProviderArn)
        problems.push(
            at(
                "cluster.local",
                "says the cluster is the local try-out cluster, which has no AWS, but cluster.oidcProviderArn gives it AWS data; remove one of them",
            ),
        );
    if (cfg.network)
        problems.push(
            at("network", "is set but mode is external: the network belongs to whoever manages the cluster; remove it"),
        );
    if (cfg.nodeGroups.length > 0)
        problems.push(
            at(
                "nodeGroups",
                "are set but mode is external: node groups belong to whoever manages the cluster; remove them",
            ),
        );
    if (cfg.ingress.internal && c.ingressClasses && !c.ingressClasses.internal) {
        problems.push(
            at(
                "cluster.ingressClasses.internal",
                "is required when ingress.internal is set: name the IngressClass of the cluster's internal controller",
            ),
        );
    }
    return problems;
}

/** On a cluster managed elsewhere, the app's AWS data needs the cluster's OIDC provider for its role. */
function awsDataChecks(cfg: RootConfig): ConfigProblem[] {
    if (cfg.cluster.mode !== "external" || cfg.cluster.oidcProviderArn || cfg.app.queues.length === 0) return [];
    return [
        at(
            "app.queues",
            "need the app's AWS data, which a cluster of mode external gets only with cluster.oidcProviderArn; set it, or remove the queues",
        ),
    ];
}

/** A cluster managed elsewhere has no network or load balancers of this project's for a database, cache or records. */
function externalServicesChecks(cfg: RootConfig): ConfigProblem[] {
    if (cfg.cluster.mode !== "external") return [];
    return (["database", "cache", "dns"] as const)
        .filter((key) => cfg[key] !== undefined)
        .map((key) =>
            at(
                key,
                "needs the network and load balancers of a cluster this project creates or shares; remove it with cluster mode external",
            ),
        );
}

function clusterChecks(cfg: RootConfig, secrets: SecretKeys): ConfigProblem[] {
    if (cfg.cluster.mode === "external") return externalClusterChecks(cfg, secrets);
    return [
        ...notExternalChecks(cfg, secrets),
        ...(cfg.cluster.mode === "shared" ? sharedClusterChecks(cfg) : createClusterChecks(cfg)),
    ];
}

/** The keys of a cluster managed elsewhere, set on a cluster this project creates or shares. */
function notExternalChecks(cfg: RootConfig, secrets: SecretKeys): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    for (const key of EXTERNAL_ONLY)
        if (cfg.cluster[key] !== undefined)
            problems.push(at(`cluster.${key}`, "is only used with mode: external; remove it"));
    if (secrets.kubeconfig)
        problems.push({
            path: "capstan:kubeconfig",
            message: "is only used with cluster mode external; remove it with: pulumi config rm kubeconfig",
        });
    return problems;
}

function sharedClusterChecks(cfg: RootConfig): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    if (!cfg.cluster.sharedStack)
        problems.push(
            at(
                "cluster.sharedStack",
                "is required with mode: shared; name the stack that owns the cluster, e.g. acme/capstan/prod",
            ),
        );
    if (cfg.network)
        problems.push(
            at("network", "is set but mode is shared: the network belongs to the cluster's own stack; remove it"),
        );
    if (cfg.nodeGroups.length > 0)
        problems.push(
            at("nodeGroups", "are set but mode is shared: node groups belong to the cluster's own stack; remove them"),
        );
    return problems;
}

/** What a cluster this stack creates needs: a version, an API endpoint that is not open to all, certificates, a network and nodes. */
function createClusterChecks(cfg: RootConfig): ConfigProblem[] {
    const c = cfg.cluster;
    const problems: ConfigProblem[] = [];
    if (c.sharedStack)
        problems.push(at("cluster.sharedStack", "is only used with mode: shared; remove it or set mode: shared"));
    if (!c.version) problems.push(at("cluster.version", 'is required with mode: create, e.g. "1.34"'));
    c.publicAccessCidrs.forEach((cidr, i) => {
        const parsed = parseCidr(cidr);
        if (parsed && parsed.prefix === 0) {
            problems.push(
                at(
                    `cluster.publicAccessCidrs[${i}]`,
                    `${JSON.stringify(cidr)} opens the Kubernetes API to the whole internet; list your office or VPN ranges, or none for a private endpoint`,
                ),
            );
        }
    });
    problems.push(...tlsCertificateChecks(cfg));
    if (!cfg.network) {
        problems.push(at("network", "is required with cluster mode create: set cidrBlock and availabilityZones"));
    } else {
        problems.push(...networkChecks(cfg, cfg.network));
    }
    if (cfg.nodeGroups.length === 0)
        problems.push(at("nodeGroups", "needs at least one node group with cluster mode create"));
    return problems;
}

/** The load balancers of a created cluster terminate TLS, so each entry needs a certificate. */
function tlsCertificateChecks(cfg: RootConfig): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    for (const [cls, entry] of [
        ["public", cfg.ingress.public],
        ["internal", cfg.ingress.internal],
    ] as const) {
        if (entry && !entry.certificateArn && !cfg.dns) {
            problems.push(
                at(
                    `ingress.${cls}.certificateArn`,
                    "is required with cluster mode create unless capstan:dns is set: the load balancer terminates TLS with this ACM certificate, and plain http is only redirected to https",
                ),
            );
        }
    }
    return problems;
}

function networkChecks(cfg: RootConfig, network: NonNullable<RootConfig["network"]>): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const zones = network.availabilityZones;
    const zonePattern = new RegExp(`^${cfg.region.replace(/[-]/g, "\\-")}[a-z]$`);
    zones.forEach((zone, i) => {
        if (!zonePattern.test(zone)) {
            problems.push(
                at(
                    `network.availabilityZones[${i}]`,
                    `${JSON.stringify(zone)} is not a zone of aws:region ${cfg.region}; use ${cfg.region}a, ${cfg.region}b, ...`,
                ),
            );
        }
    });
    for (const d of duplicates(zones))
        problems.push(at("network.availabilityZones", `${JSON.stringify(d)} is listed twice`));
    const block = parseCidr(network.cidrBlock);
    if (block && (block.prefix < 16 || block.prefix > 24)) {
        problems.push(
            at(
                "network.cidrBlock",
                `${JSON.stringify(network.cidrBlock)} has prefix /${block.prefix}; a VPC block must be /16 to /24 (AWS allows /16 to /28, and each zone needs two subnets)`,
            ),
        );
    }
    // Asks the very carving the Network performs.
    if (block && zones.length > 0 && !subnetPrefixes(block, zones.length)) {
        problems.push(
            at(
                "network.cidrBlock",
                `${JSON.stringify(network.cidrBlock)} is too small for ${zones.length} zones: each needs two subnets of at least /${SMALLEST_SUBNET}; use a larger block or fewer zones`,
            ),
        );
    }
    if (block && cidrsOverlap(block, parseCidr(SERVICE_CIDR)!)) {
        problems.push(
            at(
                "network.cidrBlock",
                `${JSON.stringify(network.cidrBlock)} overlaps the cluster's Service range ${SERVICE_CIDR}; pick a block outside it, e.g. 10.20.0.0/16`,
            ),
        );
    }
    return problems;
}

function nodeGroupChecks(cfg: RootConfig): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    cfg.nodeGroups.forEach((g, i) => {
        if (g.minSize > g.maxSize)
            problems.push(
                at(
                    `nodeGroups[${i}].minSize`,
                    `${g.minSize} is greater than maxSize ${g.maxSize}; set minSize <= maxSize`,
                ),
            );
    });
    for (const d of duplicates(cfg.nodeGroups.map((g) => g.name)))
        problems.push(at("nodeGroups", `name ${JSON.stringify(d)} is used twice; node group names must be unique`));
    return problems;
}

function ingressChecks(cfg: RootConfig): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const ports: [string, number][] = [
        ["ingress.public.nodePorts.http", cfg.ingress.public.nodePorts.http],
        ["ingress.public.nodePorts.https", cfg.ingress.public.nodePorts.https],
        ["ingress.public.nodePorts.healthCheck", cfg.ingress.public.nodePorts.healthCheck],
    ];
    if (cfg.ingress.internal) {
        ports.push(["ingress.internal.nodePorts.http", cfg.ingress.internal.nodePorts.http]);
        ports.push(["ingress.internal.nodePorts.https", cfg.ingress.internal.nodePorts.https]);
        ports.push(["ingress.internal.nodePorts.healthCheck", cfg.ingress.internal.nodePorts.healthCheck]);
        const publicHosts = new Set(cfg.ingress.public.hosts);
        cfg.ingress.internal.hosts.forEach((h, i) => {
            if (publicHosts.has(h))
                problems.push(
                    at(
                        `ingress.internal.hosts[${i}]`,
                        `${JSON.stringify(h)} is also a public host; a host is served by one entry only`,
                    ),
                );
        });
    }
    for (const d of duplicates(ports.map(([, p]) => String(p)))) {
        const paths = ports.filter(([, p]) => String(p) === d).map(([k]) => k);
        problems.push(at(paths[1], `${d} is also used by ${paths[0]}; every NodePort must be distinct`));
    }
    for (const [k, hosts] of [
        ["ingress.public.hosts", cfg.ingress.public.hosts],
        ["ingress.internal.hosts", cfg.ingress.internal?.hosts ?? []],
    ] as const) {
        for (const d of duplicates(hosts)) problems.push(at(k, `${JSON.stringify(d)} is listed twice`));
    }
    return problems;
}

/** The internal entry's sources: only on a load balancer this stack creates, and never the whole internet. */
function internalSourceChecks(cfg: RootConfig): ConfigProblem[] {
    const sources = cfg.ingress.internal?.sourceCidrs;
    if (!sources) return [];
    if (cfg.cluster.mode !== "create")
        return [
            at(
                "ingress.internal.sourceCidrs",
                `is only used with cluster mode create: the internal load balancer of a ${cfg.cluster.mode} cluster is not this stack's; remove it`,
            ),
        ];
    const problems: ConfigProblem[] = [];
    const blocks = sources.map(parseCidr).filter((b): b is Cidr => b !== undefined);
    sources.forEach((cidr, i) => {
        if (parseCidr(cidr)?.prefix === 0)
            problems.push(
                at(
                    `ingress.internal.sourceCidrs[${i}]`,
                    `${JSON.stringify(cidr)} opens the VPN-only entry to the whole internet; list the VPN's client range (and the VPC's block if clients inside it use the entry)`,
                ),
            );
    });
    if (problems.length === 0 && coverWholeInternet(blocks))
        problems.push(
            at(
                "ingress.internal.sourceCidrs",
                `${blocks.map(formatCidr).join(" + ")} together cover the whole internet, as open as 0.0.0.0/0; list the VPN's client range (and the VPC's block if clients inside it use the entry)`,
            ),
        );
    for (const d of duplicates(sources))
        problems.push(at("ingress.internal.sourceCidrs", `${JSON.stringify(d)} is listed twice`));
    return problems;
}

function replicaChecks(path: string, w: { minReplicas: number; maxReplicas: number }): ConfigProblem[] {
    return w.minReplicas > w.maxReplicas
        ? [
              at(
                  `${path}.minReplicas`,
                  `${w.minReplicas} is greater than maxReplicas ${w.maxReplicas}; set minReplicas <= maxReplicas`,
              ),
          ]
        : [];
}

function nameLength(path: string, name: string, limit: number, what: string): ConfigProblem[] {
    return name.length > limit
        ? [
              at(
                  path,
                  `makes the ${what} name ${JSON.stringify(name)} ${name.length} characters long; Kubernetes allows ${limit}: shorten it`,
              ),
          ]
        : [];
}

type App = RootConfig["app"];

/** The app's own rules, in the order their problems are reported. */
function appChecks(cfg: RootConfig, secrets: SecretKeys): ConfigProblem[] {
    const app = cfg.app;
    return [
        ...workloadChecks(app),
        ...duplicateChecks(app),
        ...secretEnvChecks(app, secrets),
        ...generatedEnvChecks(app),
        ...livenessChecks(app),
        ...workerLivenessChecks(app),
    ];
}

/** Replica ranges, and the Kubernetes names of the app's workloads against their length limits. */
function workloadChecks(app: App): ConfigProblem[] {
    const problems: ConfigProblem[] = [...replicaChecks("app.web", app.web)];
    problems.push(...nameLength("app.name", workloadNames.canary(app.name), NAME_LIMITS.label, "canary Deployment"));
    const migration = workloadNames.migration(app.name, "x".repeat(NAME_LIMITS.migrationHash));
    problems.push(...nameLength("app.name", migration, NAME_LIMITS.label, "migration Job"));
    app.workers.forEach((w, i) => {
        problems.push(...replicaChecks(`app.workers[${i}]`, w));
        const worker = workloadNames.worker(app.name, w.name);
        problems.push(...nameLength(`app.workers[${i}].name`, worker, NAME_LIMITS.label, "worker Deployment"));
    });
    app.cron.forEach((c, i) => {
        const cron = workloadNames.cron(app.name, c.name);
        problems.push(...nameLength(`app.cron[${i}].name`, cron, NAME_LIMITS.cronJob, "CronJob"));
    });
    return problems;
}

const listedTwice = (d: string) => `${JSON.stringify(d)} is listed twice`;

/** The app's lists whose entries must be unique: the key, its entries, the message for a repeat. */
const UNIQUE_LISTS: readonly (readonly [string, (app: App) => readonly string[], (d: string) => string])[] = [
    [
        "app.workers",
        (app) => app.workers.map((w) => w.name),
        (d) => `name ${JSON.stringify(d)} is used twice; worker names must be unique`,
    ],
    [
        "app.cron",
        (app) => app.cron.map((c) => c.name),
        (d) => `name ${JSON.stringify(d)} is used twice; cron names must be unique`,
    ],
    ["app.queues", (app) => app.queues, listedTwice],
    ["app.secretEnv", (app) => app.secretEnv, listedTwice],
    ["app.writablePaths", (app) => app.writablePaths, listedTwice],
];

function duplicateChecks(app: App): ConfigProblem[] {
    return UNIQUE_LISTS.flatMap(([path, entries, message]) =>
        duplicates(entries(app)).map((d) => at(path, message(d))),
    );
}

/** A secret variable is not also a plain one, and has a value in capstan:appSecrets (when readable). */
function secretEnvChecks(app: App, secrets: SecretKeys): ConfigProblem[] {
    return app.secretEnv.flatMap((name, i) => {
        const problems: ConfigProblem[] = [];
        if (name in app.env)
            problems.push(
                at(`app.secretEnv[${i}]`, `${name} is also set in app.env; a variable is either plain or secret`),
            );
        if (secrets.appSecrets && !secrets.appSecrets.includes(name)) {
            problems.push(
                at(
                    `app.secretEnv[${i}]`,
                    `${name} has no value in capstan:appSecrets; set it with: pulumi config set --secret --path 'appSecrets.${name}' <value>`,
                ),
            );
        }
        return problems;
    });
}

/** The variables Capstan sets itself (the bucket, the queue URLs, the workers' shutdown timeout) are set by nothing else. */
function generatedEnvChecks(app: App): ConfigProblem[] {
    const generated = new Set([
        appDataEnvNames.bucket,
        ...app.queues.map(appDataEnvNames.queueUrl),
        ...(app.workers.length > 0 ? [SHUTDOWN_TIMEOUT_ENV] : []),
    ]);
    const what = (name: string) =>
        name === appDataEnvNames.bucket
            ? "the app's bucket"
            : name === SHUTDOWN_TIMEOUT_ENV
              ? "each worker's shutdownTimeoutSeconds (set that instead)"
              : "the app's queue URL";
    const problems: ConfigProblem[] = [];
    for (const name of Object.keys(app.env)) {
        if (generated.has(name))
            problems.push(at(`app.env.${name}`, `is set by Capstan to ${what(name)}; remove it or use another name`));
    }
    app.secretEnv.forEach((name, i) => {
        if (generated.has(name))
            problems.push(at(`app.secretEnv[${i}]`, `${name} is set by Capstan to ${what(name)}; use another name`));
    });
    return problems;
}

function livenessChecks(app: App): ConfigProblem[] {
    if (app.web.livenessPath === undefined || app.web.livenessPath !== app.web.healthPath) return [];
    return [
        at(
            "app.web.livenessPath",
            `equals healthPath; liveness should not depend on what readiness checks, or a slow database restarts every pod`,
        ),
    ];
}

/** A worker's liveness check is a command or an HTTP GET, never both and never neither. */
function workerLivenessChecks(app: App): ConfigProblem[] {
    return app.workers.flatMap((w, i) => {
        const l = w.liveness;
        const path = `app.workers[${i}].liveness`;
        if (!l) return [];
        if (l.command && l.port !== undefined)
            return [
                at(path, "sets both command and port; a check is either a command (exec) or an HTTP GET: keep one"),
            ];
        if (!l.command && l.port === undefined)
            return [
                at(
                    path,
                    "needs command (a check run in the container, e.g. [bundle, exec, sidekiqmon]) or port (an HTTP GET, e.g. 7433 of the sidekiq_alive gem)",
                ),
            ];
        if (l.command && l.path !== undefined)
            return [
                at(`${path}.path`, "is only used with port (an HTTP check); remove it or set port instead of command"),
            ];
        return [];
    });
}

/**
 * In production a worker keeps a second pod: its disruption budget lets one pod go at a time, so a
 * single pod stops the queue during every node drain (an AMI roll, a scale-down).
 */
function productionWorkerChecks(cfg: RootConfig): ConfigProblem[] {
    if (cfg.environment !== "production") return [];
    return cfg.app.workers.flatMap((w, i) =>
        w.minReplicas < 2
            ? [
                  at(
                      `app.workers[${i}].minReplicas`,
                      `${w.minReplicas} in a production environment stops the ${JSON.stringify(w.name)} queue during every node drain (one pod is evicted at a time); set minReplicas: 2 or more`,
                  ),
              ]
            : [],
    );
}

function stagingChecks(cfg: RootConfig, secrets: SecretKeys): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const basicAuth = cfg.staging?.basicAuth;
    if (!basicAuth) return problems;
    for (const d of duplicates(basicAuth.users))
        problems.push(at("staging.basicAuth.users", `${JSON.stringify(d)} is listed twice`));
    if (secrets.basicAuthPasswords === undefined) return problems;
    basicAuth.users.forEach((user, i) => {
        if (!secrets.basicAuthPasswords?.includes(user)) {
            problems.push(
                at(
                    `staging.basicAuth.users[${i}]`,
                    `user ${JSON.stringify(user)} has no password; set it with: pulumi config set --secret --path 'basicAuthPasswords.${user}' <password>`,
                ),
            );
        }
    });
    return problems;
}

function internalAuthChecks(cfg: RootConfig): ConfigProblem[] {
    return cfg.ingress.internal?.basicAuth && !cfg.staging?.basicAuth
        ? [
              at(
                  "ingress.internal.basicAuth",
                  "is true but capstan:staging.basicAuth is not set, so there is no login to put in front of the internal entry; set staging.basicAuth or remove this",
              ),
          ]
        : [];
}

/**
 * The app's egress: in a tenant stack the namespace is the tenant's, whose egress is
 * `tenant.egress`; elsewhere a list without HTTPS would cut the app off from the AWS APIs its
 * bucket, queues and role are reached through.
 */
function egressChecks(cfg: RootConfig): ConfigProblem[] {
    const egress = cfg.app.egress;
    if (!egress) return [];
    if (cfg.tenant)
        return [
            at(
                "app.egress",
                "is set in a tenant stack, whose namespace is the tenant's: move these rules to capstan:tenant.egress",
            ),
        ];
    const hasAwsData = cfg.cluster.mode !== "external" || cfg.cluster.oidcProviderArn !== undefined;
    if (hasAwsData && !egress.some((e) => e.ports.includes(443)))
        return [
            at(
                "app.egress",
                "has no HTTPS (443) rule, but the app reaches its bucket, queues and IAM role through the AWS APIs over HTTPS: add { cidr: 0.0.0.0/0, ports: [443] } (or the AWS ranges of the region)",
            ),
        ];
    return [];
}

function tenantChecks(cfg: RootConfig): ConfigProblem[] {
    const tenant = cfg.tenant;
    if (!tenant) return [];
    const problems: ConfigProblem[] = [];
    if (cfg.cluster.mode === "create") {
        problems.push(
            at(
                "tenant",
                "requires cluster.mode: shared (or external); a tenant runs in a cluster another stack or another tool manages",
            ),
        );
    }
    const { memoryRequest, memoryLimit } = tenant.limits;
    if ((parseQuantity(memoryRequest) ?? 0) > (parseQuantity(memoryLimit) ?? Infinity)) {
        problems.push(
            at(
                "tenant.limits.memoryRequest",
                `${memoryRequest} is more than memoryLimit ${memoryLimit}; a container's default request must fit in its default limit`,
            ),
        );
    }
    const { ephemeralStorageRequest, ephemeralStorageLimit } = tenant.limits;
    if ((parseQuantity(ephemeralStorageRequest) ?? 0) > (parseQuantity(ephemeralStorageLimit) ?? Infinity)) {
        problems.push(
            at(
                "tenant.limits.ephemeralStorageRequest",
                `${ephemeralStorageRequest} is more than ephemeralStorageLimit ${ephemeralStorageLimit}; a container's default request must fit in its default limit`,
            ),
        );
    }
    if (!cfg.app.namespace) {
        problems.push(...nameLength("tenant.name", appNamespace(cfg).namespace, NAME_LIMITS.label, "tenant namespace"));
    }
    return problems;
}
