/**
 * The Args every workload of the app (web pods, workers, cron tasks, the migration and the canary)
 * starts from, each level saying its fields once: the pod base and what the container runs, then
 * the workload's own name and gate, then the autoscaler's fields.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Scaling } from "./autoscaled";
import type { AppPodArgs, PodBase, PodRole, WorkloadRun } from "./pod";

/** Whose the workload is, where it runs, what its container runs, and the base every pod of the app shares. */
export interface WorkloadArgs extends WorkloadRun {
    /** The app's name, for labels. */
    readonly app: string;
    readonly namespace: pulumi.Input<string>;
    /** Env, service account, user and writable paths shared by every pod of the app. */
    readonly pod: PodBase;
}

/** A Deployment or CronJob of the app: a name of its own, and the migration it waits for. */
export interface GatedWorkloadArgs extends WorkloadArgs {
    /** The Deployment's or CronJob's name, e.g. `phraseapp-web`. */
    readonly workload: string;
    /** The migration Job (and anything else) that must succeed before the workload changes. */
    readonly dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** A Deployment the autoscaler sizes: the web pods or a worker pool. */
export interface AutoscaledWorkloadArgs extends GatedWorkloadArgs {
    readonly scaling: Scaling;
    /** Annotations of every pod, e.g. where the metrics collector scrapes it. @default none */
    readonly podAnnotations?: Readonly<Record<string, string>>;
}

/** The fields of a pod that its role sets: all but the shared base and what the workload runs. */
export type PodRoleFields = Omit<AppPodArgs, keyof PodBase | keyof WorkloadRun | "role">;

/** A workload's pod: the shared base and what the workload runs, plus the fields of its role. */
export function workloadPod(
    args: Pick<WorkloadArgs, "pod" | keyof WorkloadRun>,
    role: PodRole,
    fields: PodRoleFields,
): AppPodArgs {
    return { ...args.pod, role, image: args.image, command: args.command, resources: args.resources, ...fields };
}
