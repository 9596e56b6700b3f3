/**
 * What each part of a RailsApp gets, computed from the RailsApp's Args: plain functions, so the
 * mapping is tested without building the component.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type AppConfig, type CanaryConfig, scrapeAnnotations, workloadNames } from "../config";
import type { AppEnvArgs } from "./env";
import type { CanaryArgs } from "./canary";
import type { CronTaskArgs } from "./cron";
import type { MigrationArgs } from "./migration";
import { type EnvSources, imageRef, type PodBase } from "./pod";
import type { RailsAppArgs } from "./railsApp";
import type { CanaryRoute, WebRoutesArgs } from "./routes";
import type { WebServiceArgs } from "./web";
import type { WorkerPoolArgs } from "./worker";

/** What the workloads of the app share, made before any of them. */
export interface WorkloadBase {
    /** Env, service account, user and writable paths of every pod. */
    readonly pod: PodBase;
    /** The migration Job every workload waits for. */
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

/** The migration's Args without its tag: the stable and the canary migration differ only there. */
export function migrationBaseArgs(
    args: Pick<RailsAppArgs, "app" | "namespace">,
    pod: PodBase,
): Omit<MigrationArgs, "imageTag" | "track"> {
    const app = args.app;
    return {
        app: app.name,
        namespace: args.namespace,
        image: app.image,
        command: app.migrate.command,
        pod,
        // The migration runs as a web pod would, with the same requests and memory limit.
        resources: app.web.resources,
        activeDeadlineSeconds: app.migrate.activeDeadlineSeconds,
        backoffLimit: app.migrate.backoffLimit,
    };
}

/** The migration of `imageTag`, which gates every stable workload. */
export function migrationArgs(args: Pick<RailsAppArgs, "app" | "namespace" | "imageTag">, pod: PodBase): MigrationArgs {
    return { ...migrationBaseArgs(args, pod), imageTag: args.imageTag };
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

/** The canary: the stable web pods at the canary's tag, its own Deployment name and migration. */
export function canaryArgs(
    args: Pick<RailsAppArgs, "app" | "namespace">,
    canary: CanaryConfig,
    pod: PodBase,
): CanaryArgs {
    return {
        web: { ...webBaseArgs(args, pod), workload: workloadNames.canary(args.app.name) },
        migration: migrationBaseArgs(args, pod),
        image: args.app.image,
        imageTag: canary.imageTag,
    };
}

/** The VirtualServers' routes: the app's hosts and policies, and the canary's split when one runs. */
export function routesArgs(
    args: Pick<
        RailsAppArgs,
        "hosts" | "ingressClasses" | "offloadedListener" | "routePolicies" | "canary" | "clientMaxBodySize"
    >,
    canary?: CanaryTarget,
): WebRoutesArgs {
    return {
        hosts: args.hosts,
        ingressClasses: args.ingressClasses,
        offloadedListener: args.offloadedListener,
        policies: args.routePolicies,
        clientMaxBodySize: args.clientMaxBodySize,
        canary:
            canary && args.canary
                ? {
                      serviceName: canary.serviceName,
                      deployment: canary.deployment,
                      cookie: args.canary.cookie,
                      header: args.canary.header,
                      weight: args.canary.weight,
                  }
                : undefined,
    };
}

/** The stable web pods at `imageTag`, after the migration, behind the routes. */
export function webArgs(args: RailsAppArgs, base: WorkloadBase, canary?: CanaryTarget): WebServiceArgs {
    return {
        ...webBaseArgs(args, base.pod),
        workload: workloadNames.web(args.app.name),
        image: imageRef(args.app.image, args.imageTag),
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
        image: imageRef(args.app.image, args.imageTag),
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
        image: imageRef(args.app.image, args.imageTag),
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
