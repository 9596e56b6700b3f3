/**
 * Capstan: the whole platform of a Rails-style monolith, one stack per environment or tenant.
 * Reads the stack config once, composes the layers, and returns the stack outputs:
 * config -> cluster access (the platform this stack creates, or a cluster it runs on) -> the
 * stack's own services -> the app's namespace or the tenant -> the app's AWS data -> staging
 * access -> the app -> outputs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AppNamespace, type AssetsTarget, RailsApp } from "./components/app";
import { routePoliciesFor, StagingAccess } from "./components/app/stagingAccess";
import { AppData } from "./components/aws/appData";
import { HostCertificate } from "./components/aws/dns";
import { ConfigError } from "./components/config/errors";
import { nextTagHistory, tagReplacementProblem } from "./components/config/tagReplacement";
import { runningImageTags } from "./components/platform/stackState";
import { checkImageTags } from "./components/aws/imageTags";
import { LogGroups } from "./components/aws/logGroups";
import {
    type CapstanConfig,
    colourPods,
    configWarningsDelivered,
    durationSeconds,
    EGRESS_DEFAULT,
    loadConfig,
    type ReleaseConfig,
    stackHosts,
    workloadPlacements,
} from "./components/config";
import { workloadNames } from "./components/core";
import {
    type ClusterAccess,
    clusterOutputs,
    OBSERVABILITY_OUTPUT,
    externalClusterAccess,
    sharedClusterAccess,
} from "./components/platform/access";
import { PLATFORM_OUTPUT } from "./components/platform/exports";
import { OFFLOADED_LISTENER } from "./components/platform/ingressContract";
import { appRules, rulesFile } from "./components/platform/observability/alertRules";
import { cdnEdge, type CdnEdge } from "./components/platform/cdnEdge";
import { Platform } from "./components/platform/platform";
import { createStackServices, type StackServices, withDefaultCertificate } from "./components/platform/services";
import { Tenant } from "./components/tenant";

type Tags = Record<string, string>;

/** The cluster: created by this stack, read from the stack that owns it, or managed elsewhere. */
async function clusterAccess(cfg: CapstanConfig, certificate: HostCertificate | undefined, tags: Tags) {
    const clusterName = `${cfg.project}-${cfg.stack}`;
    if (cfg.cluster.mode === "external")
        return externalClusterAccess("cluster", {
            clusterName,
            context: cfg.cluster.context,
            kubeconfig: cfg.secrets.kubeconfig,
            ingressClasses: cfg.cluster.ingressClasses,
            internal: cfg.ingress.internal !== undefined,
            ingressNamespace: cfg.cluster.ingressNamespace,
            oidcProviderArn: cfg.cluster.oidcProviderArn,
        });
    if (cfg.cluster.mode === "create")
        return new Platform(clusterName, {
            clusterName,
            environment: cfg.environment,
            region: cfg.region,
            network: cfg.cluster.network,
            cluster: cfg.cluster,
            nodeGroups: cfg.cluster.nodeGroups,
            ingress: withDefaultCertificate(cfg.ingress, certificate?.arn),
            publicOriginLocked: cfg.edge.cdn?.switchOver === "locked",
            accessLog: cfg.observability.enabled
                ? { headers: cfg.ingress.logHeaders, redactQueryParams: cfg.observability.redactQueryParams }
                : undefined,
            observability: cfg.observability.enabled
                ? {
                      logRetentionDays: cfg.observability.logRetentionDays,
                      stack: cfg.stack,
                      thresholds: cfg.observability.alerts.thresholds,
                      route: cfg.observability.alerts.route,
                  }
                : undefined,
            tags,
        }).access;
    return sharedClusterAccess("cluster", {
        sharedStack: cfg.cluster.sharedStack,
        internal: cfg.ingress.internal !== undefined,
        workloads: workloadPlacements(cfg.app),
    });
}

/** The stack's own database, cache and host records, in the platform's network. */
async function stackServices(
    cfg: CapstanConfig,
    cluster: ClusterAccess,
    certificate: HostCertificate | undefined,
    tags: Tags,
    edge: CdnEdge | undefined,
): Promise<StackServices | undefined> {
    if (!cfg.database && !cfg.cache && !certificate) return undefined;
    return createStackServices(cfg.namespace, {
        identifier: `${cfg.project}-${cfg.stack}`,
        ingress: cfg.ingress,
        database: cfg.database,
        cache: cfg.cache,
        dns: cfg.dns && certificate && { zoneId: cfg.dns.zoneId, certificate },
        ownsCluster: cfg.cluster.mode === "create",
        platform: await cluster.platform(),
        publicEntry: edge?.publicEntry,
        tags,
    });
}

/** With blue/green checks: the controllers' port the checks' pods may reach. */
function releaseChecksPort(cfg: CapstanConfig): number | undefined {
    return cfg.release.strategy === "blueGreen" && cfg.release.checks.length > 0 ? OFFLOADED_LISTENER.port : undefined;
}

/** A tenant's namespace with quota, limits and network policies; other stacks give the app a namespace of its own. */
function appNamespace(
    cfg: CapstanConfig,
    cluster: ClusterAccess,
    services: StackServices | undefined,
    metrics: { port: number; sources: string[] } | undefined,
    opts: pulumi.ComponentResourceOptions,
): pulumi.Output<string> {
    if (!cfg.tenant) {
        const network = {
            app: cfg.app.name,
            webPort: cfg.app.web.port,
            ingressNamespace: cluster.ingressNamespace,
            egress: [...(cfg.app.egress ?? EGRESS_DEFAULT), ...(services?.egress ?? [])],
            metrics,
            releaseChecksPort: releaseChecksPort(cfg),
        };
        return new AppNamespace(cfg.namespace, { name: cfg.namespace, podSecurity: cluster.podSecurity, network }, opts)
            .name;
    }
    const tenant = {
        tenant: cfg.tenant.name,
        namespace: cfg.namespace,
        quota: cfg.tenant.quota,
        limits: cfg.tenant.limits,
        ingressNamespace: cluster.ingressNamespace,
        podSecurity: cluster.podSecurity,
        egress: [...cfg.tenant.egress, ...(services?.egress ?? [])],
        metrics,
        releaseChecksPort: releaseChecksPort(cfg),
    };
    return new Tenant(cfg.namespace, tenant, opts).namespaceName;
}

/**
 * Where the cluster's metrics collector scrapes the app's pods from: the private subnets its
 * interfaces are in, on the port of `app.metrics`. Only on a cluster with this project's
 * observability; a cluster managed elsewhere brings its own collector, which its NetworkPolicies
 * must admit.
 */
async function metricsIngress(cfg: CapstanConfig, cluster: ClusterAccess) {
    if (!cfg.app.metrics || !cfg.observability.enabled || !cluster.observability) return undefined;
    const platform = await cluster.platform();
    return { port: cfg.app.metrics.port, sources: [...platform.network.privateSubnetCidrs] };
}

/**
 * The app's bucket, queues and the IAM role its ServiceAccount assumes: wherever the cluster has an
 * OIDC provider for that role to trust (not on a cluster managed elsewhere without one).
 */
function appData(cfg: CapstanConfig, cluster: ClusterAccess, tags: Tags): AppData | undefined {
    if (!cluster.oidc) return undefined;
    return new AppData(cfg.namespace, {
        namespace: cfg.namespace,
        serviceAccountName: workloadNames.serviceAccount(cfg.app.name),
        queues: cfg.app.queues,
        oidcProviderArn: cluster.oidc.providerArn,
        oidcIssuer: cluster.oidc.issuer,
        tags,
    });
}

/**
 * The app's own log group, `/capstan/<cluster>/app/<namespace>`, where the cluster's log shipper
 * writes its pods' output, and its alert rules (limited to its namespace, labelled with its stack
 * and tenant) in the cluster's Prometheus workspace: on a cluster with this project's
 * observability (its own, or its owner's), unless observability is off here. Gives the log group's name.
 */
function appObservability(cfg: CapstanConfig, cluster: ClusterAccess, tags: Tags): pulumi.Output<string> | undefined {
    const obs = cluster.observability;
    if (!cfg.observability.enabled || !obs || !cluster.oidc) return undefined;
    const groups = new LogGroups(`${cfg.namespace}-logs`, {
        region: cfg.region,
        clusterName: cluster.clusterName,
        accountArn: cluster.oidc.providerArn,
        groups: { app: `app/${cfg.namespace}` },
        retentionDays: cfg.observability.logRetentionDays,
        keyArn: obs.logsKeyArn,
        tags,
    });
    const rules = appRules({
        app: cfg.app.name,
        namespace: cfg.namespace,
        stack: cfg.stack,
        tenant: cfg.tenant?.name,
        crons: cfg.app.cron,
        thresholds: cfg.observability.alerts.thresholds,
    });
    new aws.amp.RuleGroupNamespace(`${cfg.namespace}-alerts`, {
        workspaceId: obs.workspaceId,
        name: rules.name,
        data: rulesFile([rules]),
    });
    return groups.names.app;
}

/**
 * On a cluster this stack creates, NGINX objects wait for the controllers that install their CRDs,
 * and pods for nodes and CoreDNS. A component's dependsOn holds back all its children.
 */
function waitsFor(cluster: ClusterAccess) {
    const k8sOpts: pulumi.ComponentResourceOptions = { providers: [cluster.provider] };
    const { customResources, pods } = cluster.readiness;
    return {
        k8sOpts,
        needsCrds: { ...k8sOpts, dependsOn: [...customResources] },
        needsCrdsAndPods: { ...k8sOpts, dependsOn: [...customResources, ...pods] },
    };
}

/** Staging: basic auth in front of the public entry (and the internal one, if configured). */
function stagingAccess(cfg: CapstanConfig, namespace: pulumi.Output<string>, opts: pulumi.ComponentResourceOptions) {
    const basicAuth = cfg.staging?.basicAuth;
    if (!basicAuth) return undefined;
    return new StagingAccess(
        `${cfg.app.name}-staging-access`,
        { namespace, realm: basicAuth.realm, users: basicAuth.users, passwords: cfg.secrets.basicAuthPasswords },
        opts,
    );
}

interface AppInputs {
    readonly namespace: pulumi.Output<string>;
    readonly cluster: ClusterAccess;
    readonly services?: StackServices;
    readonly data?: AppData;
    readonly access?: StagingAccess;
    /** The app's log group, where its pods' output outlives them. */
    readonly logGroup?: pulumi.Output<string>;
    /** The CDN in front of the public entry. */
    readonly edge?: CdnEdge;
    /** The tag that served before `capstan:imageTag`, from the stack's tag history. */
    readonly previousImageTag?: string;
}

/**
 * Where each tag's precompiled assets go before its pods start: the CDN's bucket, written by the
 * uploader's IRSA role, or `app.assets.bucket` of an S3-compatible store. Neither: no assets Job.
 */
function assetsTarget(cfg: CapstanConfig, edge: CdnEdge | undefined): AssetsTarget | undefined {
    if (edge)
        return { bucket: edge.assets.bucketName, keyPrefix: "", region: cfg.region, roleArn: edge.assets.roleArn };
    const a = cfg.app.assets;
    if (a.bucket === undefined) return undefined;
    return { bucket: a.bucket, keyPrefix: a.keyPrefix ?? "", region: cfg.region, endpointUrl: a.endpointUrl };
}

function railsApp(cfg: CapstanConfig, i: AppInputs, opts: pulumi.ComponentResourceOptions): RailsApp {
    return new RailsApp(
        cfg.app.name,
        {
            app: cfg.app,
            imageTag: cfg.imageTag,
            namespace: i.namespace,
            secrets: cfg.secrets.appSecrets,
            hosts: { public: cfg.ingress.public.hosts, internal: cfg.ingress.internal?.hosts },
            ingressClasses: i.cluster.ingressClasses,
            offloadedListener: i.cluster.offloadedListener,
            canary: cfg.canary,
            assets: assetsTarget(cfg, i.edge),
            previousImageTag: i.previousImageTag,
            release: cfg.release,
            clientMaxBodySize: cfg.ingress.clientMaxBodySize,
            extraEnv: i.data?.env,
            extraSecretEnv: i.services?.secretEnv,
            serviceAccountAnnotations: i.data?.serviceAccountAnnotations,
            originHeader: i.edge?.originHeader,
            routePolicies: i.access
                ? routePoliciesFor(i.access.policyName, cfg.ingress.internal?.basicAuth ?? false)
                : undefined,
        },
        opts,
    );
}

/**
 * A blue/green release as the commands read it from the state: the colours, their tags, and when
 * the routes last moved (the switch back is possible until `scaleDownDelaySeconds` after it).
 */
/**
 * Blue/green's state as the commands read it, and where its checks enter: the public ingress
 * controller's Service, on the listener the load balancer's TLS ends on.
 */
function releaseOutput(release: ReleaseConfig, imageTag: string, cluster: ClusterAccess) {
    const { active, idle } = colourPods(release, imageTag);
    return {
        checkEntry: pulumi.interpolate`http://nginx-${cluster.ingressClasses.public}-edge.${cluster.ingressNamespace}.svc.cluster.local:${OFFLOADED_LISTENER.port}`,
        strategy: release.strategy,
        active: { colour: active.colour, imageTag: active.imageTag },
        ...(idle ? { idle: { colour: idle.colour, imageTag: idle.imageTag } } : {}),
        ...(release.switchedAt ? { switchedAt: release.switchedAt } : {}),
        scaleDownDelaySeconds: durationSeconds(release.scaleDownDelay),
        previewHosts: release.previewHosts,
    };
}

function stackOutputs(cfg: CapstanConfig, i: AppInputs, app: RailsApp) {
    const { cluster, data, services } = i;
    return {
        environment: cfg.environment,
        namespace: i.namespace,
        imageTag: cfg.imageTag,
        ...clusterOutputs(cluster),
        // How `capstan status`, `run`, `logs` reach a cluster that has no kubeconfig output.
        ...(cfg.cluster.mode === "external" && cfg.cluster.context ? { kubeContext: cfg.cluster.context } : {}),
        ...(cfg.canary ? { canary: { imageTag: cfg.canary.imageTag, weight: cfg.canary.weight } } : {}),
        ...(cfg.release.strategy === "blueGreen" ? { release: releaseOutput(cfg.release, cfg.imageTag, cluster) } : {}),
        ...(data ? { bucket: data.bucketName, queues: data.queueUrls } : {}),
        ...(i.edge
            ? {
                  cdn: {
                      distributionId: i.edge.cdn.distributionId,
                      domainName: i.edge.cdn.domainName,
                      assetsBucket: i.edge.assets.bucketName,
                  },
              }
            : {}),
        ...(services?.outputs ?? {}),
        ...("exports" in cluster ? { [PLATFORM_OUTPUT]: cluster.exports } : {}),
        ...("exports" in cluster && cluster.observability ? { [OBSERVABILITY_OUTPUT]: cluster.observability } : {}),
        app: {
            name: cfg.app.name,
            serviceAccount: app.serviceAccountName,
            migrationJob: app.migrationJobName,
            ...(app.assetsJobName ? { assetsJob: app.assetsJobName } : {}),
            webDeployment: app.webDeploymentName,
            webService: app.webServiceName,
            workloads: app.workloadNames,
            virtualServers: app.virtualServerNames,
            ...(app.canaryDeploymentName ? { canaryDeployment: app.canaryDeploymentName } : {}),
            ...(app.idleDeploymentName ? { idleDeployment: app.idleDeploymentName } : {}),
            workers: app.workerDeploymentNames,
            cronJobs: app.cronJobNames,
            ...(i.logGroup ? { logGroup: i.logGroup } : {}),
        },
    };
}

/**
 * Refuses an older stack file's tag (see components/config/tagReplacement.ts); gives the tag history
 * this update records.
 */
async function guardTagReplacement(cfg: CapstanConfig): Promise<string[]> {
    const running = await runningImageTags();
    // The running tag is the history's first entry; the older ones follow.
    const older = running.history.filter((t) => t !== running.imageTag);
    const problem = tagReplacementProblem({
        configured: cfg.imageTag,
        previous: cfg.previousImageTag,
        running: running.imageTag,
        history: older,
    });
    if (problem) throw new ConfigError([problem]);
    return nextTagHistory(cfg.imageTag, running.imageTag, older);
}

export = async () => {
    const cfg = loadConfig();
    await configWarningsDelivered();
    // Before anything is declared: a tag that is not in the registry changes nothing.
    await checkImageTags({
        image: cfg.app.image,
        tags: [
            { key: "capstan:imageTag", tag: cfg.imageTag },
            ...(cfg.canary ? [{ key: "capstan:canary.imageTag", tag: cfg.canary.imageTag }] : []),
        ],
        awsAccess: cfg.cluster.mode !== "external" || cfg.cluster.oidcProviderArn !== undefined,
    });
    const imageTagHistory = await guardTagReplacement(cfg);
    const tags = { "capstan:project": cfg.project, "capstan:stack": cfg.stack };
    // capstan:dns: the certificate of the stack's hosts, made first, since its own load balancers may use it.
    const certificate = cfg.dns
        ? new HostCertificate(`${cfg.namespace}-tls`, { zoneId: cfg.dns.zoneId, hosts: stackHosts(cfg.ingress), tags })
        : undefined;
    const cluster = await clusterAccess(cfg, certificate, tags);
    const waits = waitsFor(cluster);
    const edge = await cdnEdge(cfg, cluster, tags);
    const services = await stackServices(cfg, cluster, certificate, tags, edge);
    const metrics = await metricsIngress(cfg, cluster);
    const namespace = appNamespace(cfg, cluster, services, metrics, waits.k8sOpts);
    const data = appData(cfg, cluster, tags);
    const logGroup = appObservability(cfg, cluster, tags);
    const access = stagingAccess(cfg, namespace, waits.needsCrds);
    const previousImageTag = imageTagHistory[1];
    const inputs: AppInputs = { namespace, cluster, services, data, access, logGroup, edge, previousImageTag };
    const app = railsApp(cfg, inputs, waits.needsCrdsAndPods);
    return { ...stackOutputs(cfg, inputs, app), imageTagHistory };
};
