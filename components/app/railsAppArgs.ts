/**
 * What each part of a RailsApp gets, computed from the RailsApp's Args: plain functions, so the
 * mapping is tested without building the component.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type AppConfig, type CanaryConfig, type ReleaseConfig } from "../config";
import { scrapeAnnotations, workloadNames } from "../core";
import type { AssetsJobBase, AssetsTarget } from "./assetsJob";
import type { AppEnvArgs } from "./env";
import type { CanaryArgs } from "./canary";
import type { CronTaskArgs } from "./cron";
import type { MigrationArgs } from "./migration";
import type { EnvSources, ImageRef, PodBase } from "./pod";
import type { CanaryRoute, OriginHeader, WebRoutesArgs } from "./routes";
import type { WebServiceArgs } from "./web";
import type { WorkerPoolArgs } from "./worker";

export interface RailsAppArgs {
    /** The validated `capstan:app`. */
    readonly app: AppConfig;
    /** The image tag every workload runs (`capstan:imageTag`). */
    readonly imageTag: string;
    /** An EXISTING namespace; nothing of the app is created anywhere else. */
    readonly namespace: pulumi.Input<string>;
    /** Values of `app.secretEnv`, by name: a secret Output. @default none */
    readonly secrets?: pulumi.Input<Record<string, string>>;
    /** Hosts per ingress class; one VirtualServer each. */
    readonly hosts: { readonly public: readonly string[]; readonly internal?: readonly string[] };
    /** The VirtualServers' `spec.ingressClassName` per class; `internal` only where that controller exists. */
    readonly ingressClasses: { readonly public: string; readonly internal?: string };
    /** The controllers' listener for traffic whose TLS the load balancer ended (the cluster's access gives it). */
    readonly offloadedListener: string;
    /** Extra plain env merged into the ConfigMap (e.g. bucket name, queue URLs). @default {} */
    readonly extraEnv?: Record<string, pulumi.Input<string>>;
    /** Extra secret env merged into the Secret (e.g. DATABASE_URL, REDIS_URL), each a secret Output. @default {} */
    readonly extraSecretEnv?: Record<string, pulumi.Input<string>>;
    /** Annotations of the ServiceAccount, e.g. the IRSA role ARN. @default {} */
    readonly serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
    /** NGINX `Policy` names in the namespace, attached to every VirtualServer of a class. @default none */
    readonly routePolicies?: { readonly public?: pulumi.Input<string>[]; readonly internal?: pulumi.Input<string>[] };
    /** The largest request body NGINX passes to the app, in NGINX's size syntax (`100m`). @default the controller's (1m) */
    readonly clientMaxBodySize?: string;
    /**
     * The CDN's secret origin header: the public VirtualServers pass a request only when it carries
     * one of `values` (the one CloudFront sends, and during a rotation its neighbour), and answer 403
     * otherwise. @default none: every request is passed
     */
    readonly originHeader?: OriginHeader;
    /** A canary release (`capstan:canary`). @default none: no canary object exists */
    readonly canary?: CanaryConfig;
    /**
     * Where each tag's precompiled assets go (the CDN's bucket, or `app.assets.bucket`): an assets
     * Job per tag gates its workloads as the migration does. @default none: no assets Job
     */
    readonly assets?: AssetsTarget;
    /** The tag that served before `imageTag`: the assets Jobs never remove its files. @default none */
    readonly previousImageTag?: string;
    /** How a new tag reaches the web pods (`capstan:release`). @default rolling: one web Deployment */
    readonly release?: ReleaseConfig;
    /** Whether the ServiceAccount's token is mounted. @default false: the app does not call the Kubernetes API */
    readonly automountServiceAccountToken?: boolean;
}

/**
 * Problems with how the app's env was composed: a variable the stack adds (the bucket, the queue
 * URLs, DATABASE_URL, REDIS_URL) that is also set another way. The config checks refuse every such
 * name in `app.env` and `app.secretEnv` first, with its key path; this guards the composition.
 */
export function railsAppProblems(args: Pick<RailsAppArgs, "app" | "extraEnv" | "extraSecretEnv">): string[] {
    const problems: string[] = [];
    for (const k of Object.keys(args.extraEnv ?? {})) {
        if (k in args.app.env) problems.push(`extraEnv.${k}: is also set in app.env`);
        if (args.app.secretEnv.includes(k)) problems.push(`extraEnv.${k}: is also a secret variable`);
    }
    for (const k of Object.keys(args.extraSecretEnv ?? {})) {
        if (k in args.app.env || k in (args.extraEnv ?? {}))
            problems.push(`extraSecretEnv.${k}: is also a plain variable`);
        if (args.app.secretEnv.includes(k)) problems.push(`extraSecretEnv.${k}: is also in app.secretEnv`);
    }
    return problems;
}

/** What the workloads of the app share, made before any of them. */
export interface WorkloadBase {
    /** Env, service account, user and writable paths of every pod. */
    readonly pod: PodBase;
    /** The migration Job (and the assets Job) every workload waits for. */
    readonly gate: pulumi.Input<pulumi.Resource>[];
}

/** The canary's objects the stable routes send traffic to. */
export type CanaryTarget = Pick<CanaryRoute, "serviceName" | "deployment">;

/** The labels of the app's shared objects (ServiceAccount, ConfigMap, Secret). */
export function appLabels(app: Pick<AppConfig, "name">): Record<string, string> {
    return { "app.kubernetes.io/name": app.name };
}

export function serviceAccountArgs(
    args: Pick<RailsAppArgs, "app" | "namespace" | "serviceAccountAnnotations" | "automountServiceAccountToken">,
): k8s.core.v1.ServiceAccountArgs {
    return {
        metadata: {
            name: workloadNames.serviceAccount(args.app.name),
            namespace: args.namespace,
            labels: appLabels(args.app),
            annotations: args.serviceAccountAnnotations ?? {},
        },
        automountServiceAccountToken: args.automountServiceAccountToken ?? false,
    };
}

/** The ConfigMap's and Secret's content: the app's env with the composed extras merged in. */
export function envArgs(
    args: Pick<RailsAppArgs, "app" | "namespace" | "secrets" | "extraEnv" | "extraSecretEnv">,
): AppEnvArgs {
    const extraSecretEnv = args.extraSecretEnv ?? {};
    return {
        namespace: args.namespace,
        labels: appLabels(args.app),
        env: { ...args.app.env, ...(args.extraEnv ?? {}) },
        secretEnv: [...args.app.secretEnv, ...Object.keys(extraSecretEnv)],
        secretValues: pulumi
            .all([args.secrets ?? {}, extraSecretEnv])
            .apply(([configured, composed]) => ({ ...configured, ...composed })),
    };
}

/** What every pod of the app shares, given the names of the env objects and the ServiceAccount. */
export function podBase(
    app: Pick<AppConfig, "runAsUser" | "writablePaths">,
    env: EnvSources,
    serviceAccountName: pulumi.Input<string>,
): PodBase {
    return {
        env: { configMapName: env.configMapName, secretName: env.secretName },
        serviceAccountName,
        runAsUser: app.runAsUser,
        writablePaths: app.writablePaths,
    };
}

/** The app's image at a tag: `app.image` is the repository, the tag comes from the stack or the canary. */
export function appImage(app: Pick<AppConfig, "image">, tag: string): ImageRef {
    return { repository: app.image, tag };
}

/** The migration's Args without its image: the stable and the canary migration differ only there. */
export function migrationBaseArgs(
    args: Pick<RailsAppArgs, "app" | "namespace">,
    pod: PodBase,
): Omit<MigrationArgs, "image" | "track"> {
    const app = args.app;
    return {
        app: app.name,
        namespace: args.namespace,
        command: app.migrate.command,
        pod,
        // Unless it has its own, the migration runs as a web pod would, with the same requests and limits.
        resources: app.migrate.resources ?? app.web.resources,
        activeDeadlineSeconds: app.migrate.activeDeadlineSeconds,
        backoffLimit: app.migrate.backoffLimit,
    };
}

/** The migration of `imageTag`, which gates every stable workload. */
export function migrationArgs(args: Pick<RailsAppArgs, "app" | "namespace" | "imageTag">, pod: PodBase): MigrationArgs {
    return { ...migrationBaseArgs(args, pod), image: appImage(args.app, args.imageTag) };
}

/** The web pods' Args shared by the stable and the canary Deployment. */
export function webBaseArgs(
    args: Pick<RailsAppArgs, "app" | "namespace">,
    pod: PodBase,
): Omit<WebServiceArgs, "image" | "dependsOn" | "routes" | "workload"> {
    const web = args.app.web;
    return {
        app: args.app.name,
        namespace: args.namespace,
        command: web.command,
        port: web.port,
        healthPath: web.healthPath,
        livenessPath: web.livenessPath,
        scaling: web,
        resources: web.resources,
        preStopSleepSeconds: web.preStopSleepSeconds,
        drainSeconds: web.drainSeconds,
        pod,
        podAnnotations: metricsAnnotations(args.app),
    };
}

/** The annotations that get a pod scraped, when the app serves metrics (`app.metrics`). */
export function metricsAnnotations(app: Pick<AppConfig, "metrics">): Record<string, string> | undefined {
    return app.metrics ? scrapeAnnotations(app.metrics.port, app.metrics.path) : undefined;
}

/**
 * The canary: the stable web pods at the canary's tag, its own Deployment name, migration and
 * assets Job; that Job keeps the stable tags' files too, which serve beside it.
 */
export function canaryArgs(
    args: Pick<RailsAppArgs, "app" | "namespace" | "imageTag" | "previousImageTag">,
    canary: CanaryConfig,
    pod: PodBase,
    assets?: AssetsJobBase,
): CanaryArgs {
    const stable = [args.imageTag, ...(args.previousImageTag ? [args.previousImageTag] : [])];
    return {
        web: { ...webBaseArgs(args, pod), workload: workloadNames.canary(args.app.name) },
        migration: migrationBaseArgs(args, pod),
        image: appImage(args.app, canary.imageTag),
        ...(assets ? { assets: { ...assets, protect: [canary.imageTag, ...stable] } } : {}),
    };
}

/** The VirtualServers' routes: the app's hosts and policies, and the canary's split when one runs. */
export function routesArgs(
    args: Pick<
        RailsAppArgs,
        | "hosts"
        | "ingressClasses"
        | "offloadedListener"
        | "routePolicies"
        | "canary"
        | "clientMaxBodySize"
        | "originHeader"
    >,
    canary?: CanaryTarget,
): WebRoutesArgs {
    return {
        hosts: args.hosts,
        ingressClasses: args.ingressClasses,
        offloadedListener: args.offloadedListener,
        policies: args.routePolicies,
        clientMaxBodySize: args.clientMaxBodySize,
        originHeader: args.originHeader,
        canary:
            canary && args.canary
                ? {
                      serviceName: canary.serviceName,
                      deployment: canary.deployment,
                      cookie: args.canary.cookie,
                      header: args.canary.header,
                      weight: args.canary.weight,
                      sticky: { name: args.canary.stickyCookie, release: args.canary.imageTag },
                  }
                : undefined,
    };
}

/** The stable web pods at `imageTag`, after the migration, behind the routes. */
export function webArgs(args: RailsAppArgs, base: WorkloadBase, canary?: CanaryTarget): WebServiceArgs {
    return {
        ...webBaseArgs(args, base.pod),
        workload: workloadNames.web(args.app.name),
        image: appImage(args.app, args.imageTag),
        dependsOn: base.gate,
        routes: routesArgs(args, canary),
    };
}

/** One worker pool of `app.workers`, at `imageTag`, after the migration. */
export function workerArgs(
    args: Pick<RailsAppArgs, "app" | "namespace" | "imageTag">,
    worker: AppConfig["workers"][number],
    base: WorkloadBase,
): WorkerPoolArgs {
    return {
        app: args.app.name,
        workload: workloadNames.worker(args.app.name, worker.name),
        namespace: args.namespace,
        image: appImage(args.app, args.imageTag),
        command: worker.command,
        scaling: worker,
        resources: worker.resources,
        shutdownTimeoutSeconds: worker.shutdownTimeoutSeconds,
        nodeSelector: worker.nodeSelector,
        tolerations: worker.tolerations,
        liveness: worker.liveness,
        podAnnotations: metricsAnnotations(args.app),
        pod: base.pod,
        dependsOn: base.gate,
    };
}

/** One task of `app.cron`, at `imageTag`, after the migration. */
export function cronArgs(
    args: Pick<RailsAppArgs, "app" | "namespace" | "imageTag">,
    cron: AppConfig["cron"][number],
    base: WorkloadBase,
): CronTaskArgs {
    return {
        app: args.app.name,
        workload: workloadNames.cron(args.app.name, cron.name),
        namespace: args.namespace,
        image: appImage(args.app, args.imageTag),
        schedule: cron.schedule,
        command: cron.command,
        timeZone: cron.timeZone,
        startingDeadlineSeconds: cron.startingDeadlineSeconds,
        activeDeadlineSeconds: cron.activeDeadlineSeconds,
        backoffLimit: cron.backoffLimit,
        resources: cron.resources,
        pod: base.pod,
        dependsOn: base.gate,
    };
}
