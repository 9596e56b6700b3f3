import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AssetsJob, type AssetsJobBase } from "./assetsJob";
import { assetsBaseArgs, assetsJobArgs, AssetsUploader } from "./assetsUploader";
import { blueGreenWeb } from "./blueGreen";
import { Canary } from "./canary";
import { CronTask } from "./cron";
import { AppEnv } from "./env";
import { Migration } from "./migration";
import type { PodBase } from "./pod";
import {
    canaryArgs,
    cronArgs,
    envArgs,
    migrationArgs,
    podBase,
    type RailsAppArgs,
    railsAppProblems,
    serviceAccountArgs,
    webArgs,
    workerArgs,
    type WorkloadBase,
} from "./railsAppArgs";
import { WebService } from "./web";
import { WorkerPool } from "./worker";

/**
 * The Rails-style app: its ServiceAccount, env (ConfigMap and Secret), the migration (and, with
 * `assets`, the assets upload) that gates every rollout, the web pods and their routes (one
 * Deployment, or two colours with `release.strategy: blueGreen`), the workers, the cron tasks, and
 * a canary.
 */
export class RailsApp extends pulumi.ComponentResource {
    public readonly migrationJob: k8s.batch.v1.Job;
    public readonly migrationJobName: pulumi.Output<string>;
    /** The assets Job of `imageTag`, when the app's assets are uploaded. */
    public readonly assetsJobName?: pulumi.Output<string>;
    public readonly webDeploymentName: pulumi.Output<string>;
    public readonly webServiceName: pulumi.Output<string>;
    public readonly serviceAccountName: pulumi.Output<string>;
    /** Every Deployment and CronJob of the app, the canary's included. */
    public readonly workloadNames: pulumi.Output<string[]>;
    public readonly virtualServerNames: pulumi.Output<string[]>;
    /** Blue/green: the idle colour's Deployment, when it has pods. */
    public readonly idleDeploymentName?: pulumi.Output<string>;
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
        const assets = assetsBase(name, args, pod, this);
        const assetsJob =
            assets && new AssetsJob(`${name}-assets-upload`, assetsJobArgs(args, assets), { parent: this });
        const base: WorkloadBase = { pod, gate: [migration.job, ...(assetsJob ? [assetsJob.job] : [])] };
        const canary = args.canary
            ? new Canary(`${name}-canary`, canaryArgs(args, args.canary, pod, assets), { parent: this })
            : undefined;
        const canaryTarget = canary && { serviceName: canary.serviceName, deployment: canary.web.deployment };
        const { colours, webService } = webPods(name, args, base, canaryTarget, assets, this);
        const workers = args.app.workers.map(
            (w) => new WorkerPool(`${name}-worker-${w.name}`, workerArgs(args, w, base), { parent: this }),
        );
        const crons = args.app.cron.map(
            (c) => new CronTask(`${name}-cron-${c.name}`, cronArgs(args, c, base), { parent: this }),
        );

        this.migrationJob = migration.job;
        this.migrationJobName = migration.jobName;
        this.assetsJobName = assetsJob?.jobName;
        this.webDeploymentName = webService.deploymentName;
        this.webServiceName = webService.serviceName;
        this.serviceAccountName = serviceAccount.metadata.name;
        this.virtualServerNames = colours
            ? pulumi.all([...colours.servers, ...colours.previewServers].map((v) => v.metadata.name))
            : webService.virtualServerNames;
        this.idleDeploymentName = colours?.idle?.deploymentName;
        this.canaryDeploymentName = canary?.deploymentName;
        this.workerDeploymentNames = Object.fromEntries(
            args.app.workers.map((w, i) => [w.name, workers[i].deploymentName]),
        );
        this.cronJobNames = Object.fromEntries(args.app.cron.map((c, i) => [c.name, crons[i].cronJobName]));
        this.workloadNames = pulumi.all([
            webService.deploymentName,
            ...(colours?.idle ? [colours.idle.deploymentName] : []),
            ...(canary ? [canary.deploymentName] : []),
            ...workers.map((w) => w.deploymentName),
            ...crons.map((c) => c.cronJobName),
        ]);
        this.registerOutputs({
            migrationJobName: this.migrationJobName,
            ...(this.assetsJobName ? { assetsJobName: this.assetsJobName } : {}),
            webDeploymentName: this.webDeploymentName,
            webServiceName: this.webServiceName,
            serviceAccountName: this.serviceAccountName,
            workloadNames: this.workloadNames,
            virtualServerNames: this.virtualServerNames,
            ...(this.canaryDeploymentName ? { canaryDeploymentName: this.canaryDeploymentName } : {}),
            ...(this.idleDeploymentName ? { idleDeploymentName: this.idleDeploymentName } : {}),
            workerDeploymentNames: this.workerDeploymentNames,
            cronJobNames: this.cronJobNames,
        });
    }
}

/** The web pods: one Deployment (with the canary's routes), or the colours of a blue/green release. */
function webPods(
    name: string,
    args: RailsAppArgs,
    base: WorkloadBase,
    canaryTarget: Parameters<typeof webArgs>[2],
    assets: AssetsJobBase | undefined,
    parent: pulumi.ComponentResource,
) {
    if (args.release?.strategy === "blueGreen") {
        const colours = blueGreenWeb(name, args, args.release, base, parent, assets);
        return { colours, webService: colours.active };
    }
    return {
        colours: undefined,
        webService: new WebService(`${name}-web`, webArgs(args, base, canaryTarget), { parent }),
    };
}

/** The uploader (ServiceAccount and script) the assets Jobs share, when the app's assets are uploaded. */
function assetsBase(name: string, args: RailsAppArgs, pod: PodBase, parent: pulumi.Resource) {
    if (!args.assets) return undefined;
    const uploader = new AssetsUploader(
        `${name}-assets`,
        { app: args.app.name, namespace: args.namespace, target: args.assets },
        { parent },
    );
    return assetsBaseArgs(args, args.assets, pod, uploader);
}
