import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { cronProblem, cronSchema, fieldProblems } from "../config";
import { podTemplate, workloadLabels } from "./pod";
import { disruptionTolerantJobSpec, RUN_TO_COMPLETION_POD_ANNOTATIONS } from "./runToCompletion";
import { type GatedWorkloadArgs, workloadPod } from "./workload";

/** A scheduled task of the app. */
export interface CronTaskArgs extends GatedWorkloadArgs {
    /** Five-field cron expression or a macro such as `@daily`. */
    readonly schedule: string;
    /** The task's argv. */
    readonly command: readonly string[];
    /** IANA time zone of the schedule. @default the controller's (UTC on EKS) */
    readonly timeZone?: string;
    /** A run not started this many seconds after its time is skipped. @default 300 */
    readonly startingDeadlineSeconds?: number;
    /** A run is stopped after this many seconds. @default 3600 */
    readonly activeDeadlineSeconds?: number;
    /** Retries of a failed run. @default 0: a failed run waits for the next schedule */
    readonly backoffLimit?: number;
}

/** Problems with cron Args that the type cannot express, each naming the field, by the config's own rules. */
export function cronProblems(
    args: Pick<
        CronTaskArgs,
        "schedule" | "command" | "startingDeadlineSeconds" | "activeDeadlineSeconds" | "backoffLimit"
    >,
): string[] {
    const problems: string[] = [];
    const schedule = cronProblem(args.schedule);
    if (schedule) problems.push(`schedule: ${schedule}`);
    problems.push(
        ...fieldProblems(cronSchema.shape, {
            command: args.command,
            startingDeadlineSeconds: args.startingDeadlineSeconds,
            activeDeadlineSeconds: args.activeDeadlineSeconds,
            backoffLimit: args.backoffLimit,
        }),
    );
    return problems;
}

/** A scheduled task: a CronJob with the app's image and env that never runs twice at once. */
export class CronTask extends pulumi.ComponentResource {
    public readonly cronJob: k8s.batch.v1.CronJob;
    public readonly cronJobName: pulumi.Output<string>;

    constructor(name: string, args: CronTaskArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:app:CronTask", name, {}, opts);
        const problems = cronProblems(args);
        if (problems.length > 0) throw new Error(`CronTask ${name}: ${problems.join("; ")}`);
        const labels = workloadLabels(args.app, args.workload, "cron");
        this.cronJob = new k8s.batch.v1.CronJob(
            name,
            {
                metadata: { name: args.workload, namespace: args.namespace, labels },
                spec: {
                    schedule: args.schedule,
                    ...(args.timeZone ? { timeZone: args.timeZone } : {}),
                    concurrencyPolicy: "Forbid",
                    startingDeadlineSeconds: args.startingDeadlineSeconds ?? 300,
                    successfulJobsHistoryLimit: 3,
                    failedJobsHistoryLimit: 3,
                    jobTemplate: {
                        metadata: { labels },
                        spec: {
                            backoffLimit: args.backoffLimit ?? 0,
                            activeDeadlineSeconds: args.activeDeadlineSeconds ?? 3600,
                            // An eviction (scale-down, node drain) restarts the run instead of failing it.
                            ...disruptionTolerantJobSpec(),
                            template: podTemplate(
                                labels,
                                workloadPod(args, "cron", { restartPolicy: "Never" }),
                                RUN_TO_COMPLETION_POD_ANNOTATIONS,
                            ),
                        },
                    },
                },
            },
            { parent: this, dependsOn: args.dependsOn },
        );
        this.cronJobName = this.cronJob.metadata.name;
        this.registerOutputs({ cronJobName: this.cronJobName });
    }
}
