import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppConfig, CanaryConfig } from "../config";
import { Canary } from "./canary";
import { CronTask } from "./cron";
import { AppEnv } from "./env";
import { Migration } from "./migration";
import {
    canaryArgs,
    cronArgs,
    envArgs,
    migrationArgs,
    podBase,
    serviceAccountArgs,
    webArgs,
    workerArgs,
    type WorkloadBase,
} from "./railsAppArgs";
import { WebService } from "./web";
import { WorkerPool } from "./worker";

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
    /** A canary release (`capstan:canary`). @default none: no canary object exists */
    readonly canary?: CanaryConfig;
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
    /** Each worker's Deployment, by the worker's name. */
    public readonly workerDeploymentNames: Record<string, pulumi.Output<string>>;
    /** Each cron task's CronJob, by the task's name. */
    public readonly cronJobNames: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: RailsAppArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:app:RailsApp", name, {}, opts);
        const problems = railsAppProblems(args);
        if (problems.length > 0) throw new Error(`RailsApp ${name}: ${problems.join("; ")}`);
        const serviceAccount = new k8s.core.v1.ServiceAccount(name, serviceAccountArgs(args), { parent: this });
        const env = new AppEnv(`${name}-env`, envArgs(args), { parent: this });
        const pod = podBase(args.app, env, serviceAccount.metadata.name);
        const migration = new Migration(`${name}-migrate`, migrationArgs(args, pod), { parent: this });
        const base: WorkloadBase = { pod, gate: [migration.job] };
        const canary = args.canary
            ? new Canary(`${name}-canary`, canaryArgs(args, args.canary, pod), { parent: this })
            : undefined;
        const canaryTarget = canary && { serviceName: canary.serviceName, deployment: canary.web.deployment };
        const webService = new WebService(`${name}-web`, webArgs(args, base, canaryTarget), { parent: this });
        const workers = args.app.workers.map(
            (w) => new WorkerPool(`${name}-worker-${w.name}`, workerArgs(args, w, base), { parent: this }),
        );
        const crons = args.app.cron.map(
            (c) => new CronTask(`${name}-cron-${c.name}`, cronArgs(args, c, base), { parent: this }),
        );

        this.migrationJob = migration.job;
        this.migrationJobName = migration.jobName;
        this.webDeploymentName = webService.deploymentName;
        this.webServiceName = webService.serviceName;
        this.serviceAccountName = serviceAccount.metadata.name;
        this.virtualServerNames = webService.virtualServerNames;
        this.canaryDeploymentName = canary?.deploymentName;
        this.workerDeploymentNames = Object.fromEntries(
            args.app.workers.map((w, i) => [w.name, workers[i].deploymentName]),
        );
        this.cronJobNames = Object.fromEntries(args.app.cron.map((c, i) => [c.name, crons[i].cronJobName]));
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
            workerDeploymentNames: this.workerDeploymentNames,
            cronJobNames: this.cronJobNames,
        });
    }
}
