import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type AppConfig, type CanaryConfig, canaryTagProblem, workloadNames } from "../config";
import { Canary } from "./canary";
import { CronTask } from "./cron";
import { AppEnv } from "./env";
import { Migration } from "./migration";
import { imageRef, type PodBase } from "./pod";
import type { WebRoutesArgs } from "./routes";
import { WebService, type WebServiceArgs } from "./web";
import { SHUTDOWN_TIMEOUT_ENV, WorkerPool } from "./worker";

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
    /** A canary release (`capstan:canary`). @default none: no canary object exists */
    readonly canary?: CanaryConfig;
    /** Whether the ServiceAccount's token is mounted. @default false: the app does not call the Kubernetes API */
    readonly automountServiceAccountToken?: boolean;
}

/** Problems with the Args as a whole, each naming the field. */
export function railsAppProblems(
    args: Pick<RailsAppArgs, "app" | "extraEnv" | "extraSecretEnv" | "canary" | "imageTag">,
): string[] {
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
    const sameTag = args.canary && canaryTagProblem(args.canary.imageTag, args.imageTag);
    if (sameTag) problems.push(`canary.imageTag: ${sameTag}`);
    if (
        args.app.workers.length > 0 &&
        (SHUTDOWN_TIMEOUT_ENV in args.app.env || SHUTDOWN_TIMEOUT_ENV in (args.extraEnv ?? {}))
    ) {
        problems.push(
            `app.env.${SHUTDOWN_TIMEOUT_ENV}: is set for every worker from its shutdownTimeoutSeconds; remove it here`,
        );
    }
    return problems;
}

/**
 * The Rails-style app: its ServiceAccount, env (ConfigMap and Secret), the migration that gates
 * every rollout, the web pods and their routes, the workers, the cron tasks, and a canary.
 */
export class RailsApp extends pulumi.ComponentResource {
    public readonly migrationJob: k8s.batch.v1.Job;
    public readonly migrationJobName: pulumi.Output<string>;
    public readonly webDeploymentName: pulumi.Output<string>;
    public readonly webServiceName: pulumi.Output<string>;
    public readonly serviceAccountName: pulumi.Output<string>;
    /** Every Deployment and CronJob of the app, the canary's included. */
    public readonly workloadNames: pulumi.Output<string[]>;
    public readonly virtualServerNames: pulumi.Output<string[]>;
    /** The canary's Deployment, when one runs. */
    public readonly canaryDeploymentName?: pulumi.Output<string>;

    constructor(name: string, args: RailsAppArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:app:RailsApp", name, {}, opts);
        const problems = railsAppProblems(args);
        if (problems.length > 0) throw new Error(`RailsApp ${name}: ${problems.join("; ")}`);
        const app = args.app;
        const ns = args.namespace;
        const labels = { "app.kubernetes.io/name": app.name };

        const serviceAccount = new k8s.core.v1.ServiceAccount(
            name,
            {
                metadata: {
                    name: workloadNames.serviceAccount(app.name),
                    namespace: ns,
                    labels,
                    annotations: args.serviceAccountAnnotations ?? {},
                },
                automountServiceAccountToken: args.automountServiceAccountToken ?? false,
            },
            { parent: this },
        );
        const extraSecretEnv = args.extraSecretEnv ?? {};
        const env = new AppEnv(
            `${name}-env`,
            {
                namespace: ns,
                labels,
                env: { ...app.env, ...(args.extraEnv ?? {}) },
                secretEnv: [...app.secretEnv, ...Object.keys(extraSecretEnv)],
                secretValues: pulumi
                    .all([args.secrets ?? {}, extraSecretEnv])
                    .apply(([configured, composed]) => ({ ...configured, ...composed })),
            },
            { parent: this },
        );
        const pod: PodBase = {
            env: { configMapName: env.configMapName, secretName: env.secretName },
            serviceAccountName: serviceAccount.metadata.name,
            runAsUser: app.runAsUser,
            writablePaths: app.writablePaths,
        };
        const migrationArgs = {
            app: app.name,
            namespace: ns,
            image: app.image,
            command: app.migrate.command,
            pod,
            resources: app.web.resources,
            activeDeadlineSeconds: app.migrate.activeDeadlineSeconds,
            backoffLimit: app.migrate.backoffLimit,
        };
        const migration = new Migration(
            `${name}-migrate`,
            { ...migrationArgs, imageTag: args.imageTag },
            { parent: this },
        );
        const gate = [migration.job];
        const image = imageRef(app.image, args.imageTag);

        const web = app.web;
        const webArgs: Omit<WebServiceArgs, "image" | "dependsOn" | "routes" | "workload"> = {
            app: app.name,
            namespace: ns,
            command: web.command,
            port: web.port,
            healthPath: web.healthPath,
            livenessPath: web.livenessPath,
            scaling: web,
            resources: web.resources,
            preStopSleepSeconds: web.preStopSleepSeconds,
            drainSeconds: web.drainSeconds,
            pod,
        };
        const canary = args.canary
            ? new Canary(
                  `${name}-canary`,
                  {
                      web: { ...webArgs, workload: workloadNames.canary(app.name) },
                      migration: migrationArgs,
                      image: app.image,
                      imageTag: args.canary.imageTag,
                  },
                  { parent: this },
              )
            : undefined;
        const routes: WebRoutesArgs = {
            hosts: args.hosts,
            ingressClasses: args.ingressClasses,
            offloadedListener: args.offloadedListener,
            policies: args.routePolicies,
            canary:
                canary && args.canary
                    ? {
                          serviceName: canary.serviceName,
                          deployment: canary.web.deployment,
                          cookie: args.canary.cookie,
                          header: args.canary.header,
                          weight: args.canary.weight,
                      }
                    : undefined,
        };
        const webService = new WebService(
            `${name}-web`,
            { ...webArgs, workload: workloadNames.web(app.name), image, dependsOn: gate, routes },
            { parent: this },
        );

        const workers = app.workers.map(
            (w) =>
                new WorkerPool(
                    `${name}-worker-${w.name}`,
                    {
                        app: app.name,
                        workload: workloadNames.worker(app.name, w.name),
                        namespace: ns,
                        image,
                        command: w.command,
                        scaling: w,
                        resources: w.resources,
                        shutdownTimeoutSeconds: w.shutdownTimeoutSeconds,
                        nodeSelector: w.nodeSelector,
                        tolerations: w.tolerations,
                        pod,
                        dependsOn: gate,
                    },
                    { parent: this },
                ),
        );
        const crons = app.cron.map(
            (c) =>
                new CronTask(
                    `${name}-cron-${c.name}`,
                    {
                        app: app.name,
                        workload: workloadNames.cron(app.name, c.name),
                        namespace: ns,
                        image,
                        schedule: c.schedule,
                        command: c.command,
                        timeZone: c.timeZone,
                        startingDeadlineSeconds: c.startingDeadlineSeconds,
                        activeDeadlineSeconds: c.activeDeadlineSeconds,
                        backoffLimit: c.backoffLimit,
                        resources: c.resources,
                        pod,
                        dependsOn: gate,
                    },
                    { parent: this },
                ),
        );

        this.migrationJob = migration.job;
        this.migrationJobName = migration.jobName;
        this.webDeploymentName = webService.deploymentName;
        this.webServiceName = webService.serviceName;
        this.serviceAccountName = serviceAccount.metadata.name;
        this.virtualServerNames = webService.virtualServerNames;
        this.canaryDeploymentName = canary?.deploymentName;
        this.workloadNames = pulumi.all([
            webService.deploymentName,
            ...(canary ? [canary.deploymentName] : []),
            ...workers.map((w) => w.deploymentName),
            ...crons.map((c) => c.cronJobName),
        ]);
        this.registerOutputs({
            migrationJobName: this.migrationJobName,
            webDeploymentName: this.webDeploymentName,
            webServiceName: this.webServiceName,
            serviceAccountName: this.serviceAccountName,
            workloadNames: this.workloadNames,
            virtualServerNames: this.virtualServerNames,
            ...(this.canaryDeploymentName ? { canaryDeploymentName: this.canaryDeploymentName } : {}),
        });
    }
}
