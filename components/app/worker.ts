import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SHUTDOWN_TIMEOUT_ENV } from "../core";
import { autoscaledDeployment } from "./autoscaled";
import { type AppPodArgs, podTemplate, selectorLabels, workloadLabels } from "./pod";
import { podReadyBudgetSeconds } from "./probes";
import { type AutoscaledWorkloadArgs, workloadPod } from "./workload";

/** A pool of background workers, placed and checked by the worker's own fields. */
export interface WorkerPoolArgs
    extends AutoscaledWorkloadArgs, Pick<AppPodArgs, "nodeSelector" | "tolerations" | "liveness"> {
    /** The worker's argv, e.g. `[bundle, exec, sidekiq, -q, default]`. */
    readonly command: readonly string[];
    /**
     * Seconds the worker needs to finish its jobs on SIGTERM. The worker learns it from the
     * environment variable {@link SHUTDOWN_TIMEOUT_ENV} (e.g. `sidekiq -t $(SHUTDOWN_TIMEOUT_SECONDS)`),
     * and the grace period adds a margin. @default 25
     */
    readonly shutdownTimeoutSeconds?: number;
}

/**
 * The variable that tells a worker its shutdown timeout, in whole seconds. Kubernetes expands
 * `$(SHUTDOWN_TIMEOUT_SECONDS)` in a container's command, so a Sidekiq worker's command can be
 * `[bundle, exec, sidekiq, -q, default, -t, $(SHUTDOWN_TIMEOUT_SECONDS)]`; `config/sidekiq.yml` can
 * read it too (`:timeout: <%= ENV.fetch("SHUTDOWN_TIMEOUT_SECONDS", 25) %>`). The config checks
 * refuse it in `app.env`; set on the container, it would take precedence over the ConfigMap's anyway.
 */
export { SHUTDOWN_TIMEOUT_ENV };

/** Seconds between SIGTERM and SIGKILL: the worker's own timeout plus 10 to exit cleanly. */
export function workerGracePeriod(shutdownTimeoutSeconds: number): number {
    return shutdownTimeoutSeconds + 10;
}

/** Problems with worker Args that the type cannot express, each naming the field. */
export function workerProblems(args: Pick<WorkerPoolArgs, "command" | "shutdownTimeoutSeconds">): string[] {
    const problems: string[] = [];
    if (args.command.length === 0) problems.push("command: must not be empty");
    if (args.shutdownTimeoutSeconds !== undefined && !(args.shutdownTimeoutSeconds >= 1)) {
        problems.push(`shutdownTimeoutSeconds: ${args.shutdownTimeoutSeconds} must be at least 1`);
    }
    return problems;
}

/** Background workers: a Deployment with its autoscaler and disruption budget, and no Service. */
export class WorkerPool extends pulumi.ComponentResource {
    public readonly deployment: k8s.apps.v1.Deployment;
    public readonly deploymentName: pulumi.Output<string>;

    constructor(name: string, args: WorkerPoolArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:app:WorkerPool", name, {}, opts);
        const problems = workerProblems(args);
        if (problems.length > 0) throw new Error(`WorkerPool ${name}: ${problems.join("; ")}`);
        const labels = workloadLabels(args.app, args.workload, "worker");
        const selector = selectorLabels(args.app, args.workload);
        const shutdownTimeoutSeconds = args.shutdownTimeoutSeconds ?? 25;
        const template = podTemplate(
            labels,
            workloadPod(args, "worker", {
                containerEnv: { [SHUTDOWN_TIMEOUT_ENV]: String(shutdownTimeoutSeconds) },
                restartPolicy: "Always",
                terminationGracePeriodSeconds: workerGracePeriod(shutdownTimeoutSeconds),
                nodeSelector: args.nodeSelector,
                tolerations: args.tolerations,
                liveness: args.liveness,
                spreadLabels: selector,
            }),
            args.podAnnotations,
        );
        this.deployment = autoscaledDeployment(
            name,
            {
                workload: args.workload,
                namespace: args.namespace,
                labels,
                selector,
                template,
                scaling: args.scaling,
                dependsOn: args.dependsOn,
                podReadySeconds: podReadyBudgetSeconds(false),
            },
            this,
        ).deployment;
        this.deploymentName = this.deployment.metadata.name;
        this.registerOutputs({ deploymentName: this.deploymentName });
    }
}
