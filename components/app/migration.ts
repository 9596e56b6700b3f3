import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { fieldProblems, migrateSchema } from "../config";
import { NAME_LIMITS, workloadNames } from "../core";
import { podTemplate, workloadLabels } from "./pod";
import { disruptionTolerantJobSpec, RUN_TO_COMPLETION_POD_ANNOTATIONS } from "./runToCompletion";
import { type WorkloadArgs, workloadPod } from "./workload";

/**
 * The migration Job's name for an image tag: the app's prefix plus 8 hex digits of the tag's hash.
 * A canary's Job hashes its track too: on promotion the stable Job for the same tag is created
 * while the canary's still exists, and the two must not share a name. A blue/green colour's Job
 * (its tag is not yet `imageTag`) hashes its colour for the same reason.
 */
export type MigrationTrack = "stable" | "canary" | "blue" | "green";

export function migrationJobName(app: string, imageTag: string, track: MigrationTrack = "stable"): string {
    const hashed = track === "stable" ? imageTag : `${track}/${imageTag}`;
    const hash = createHash("sha256").update(hashed).digest("hex").slice(0, NAME_LIMITS.migrationHash);
    return workloadNames.migration(app, hash);
}

/**
 * The migration of one image: `app` is the prefix of the Job's name, which changes with the image's
 * tag, so every deploy runs a new Job. It runs as a web pod would: the same pod base, and the web
 * pod's resources are a good choice.
 */
export interface MigrationArgs extends WorkloadArgs {
    /** Which web Deployment the Job gates. @default stable */
    readonly track?: MigrationTrack;
    /** The migration's argv, e.g. `[bundle, exec, rails, db:migrate]`. */
    readonly command: readonly string[];
    /** The Job fails after this many seconds. */
    readonly activeDeadlineSeconds: number;
    /** Retries of a failed run. @default 0: a failed migration is not retried blindly */
    readonly backoffLimit?: number;
}

/**
 * How long Pulumi waits for the migration, in seconds: its deadline plus two minutes for the Job
 * controller to mark it failed and the provider to see it. Pulumi's default, 10 minutes, would fail
 * the update while a longer migration is still running.
 */
export function migrationTimeoutSeconds(activeDeadlineSeconds: number): number {
    return activeDeadlineSeconds + 120;
}

/** Problems with a migration's Args, each naming the field, by the config's own rules for `app.migrate`. */
export function migrationProblems(
    args: Pick<MigrationArgs, "command" | "activeDeadlineSeconds" | "backoffLimit" | "image">,
): string[] {
    const problems = fieldProblems(migrateSchema.shape, {
        command: args.command,
        activeDeadlineSeconds: args.activeDeadlineSeconds,
        backoffLimit: args.backoffLimit,
    });
    if (args.image.tag === "") problems.push("image.tag: must not be empty");
    return problems;
}

/**
 * The database migration of one image tag: a Job with the web pod's image, env and service
 * account. Pulumi waits for a Job to complete, so a Deployment or CronJob that lists it in
 * `dependsOn` rolls only after the migration succeeded; a failed migration fails the update and
 * the old version keeps serving. The Job has no TTL: a Job deleted by the TTL controller would be
 * re-created by the next update.
 */
export class Migration extends pulumi.ComponentResource {
    public readonly job: k8s.batch.v1.Job;
    public readonly jobName: pulumi.Output<string>;

    constructor(name: string, args: MigrationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:app:Migration", name, {}, opts);
        const problems = migrationProblems(args);
        if (problems.length > 0) throw new Error(`Migration ${name}: ${problems.join("; ")}`);
        const jobName = migrationJobName(args.app, args.image.tag, args.track);
        const labels = workloadLabels(args.app, workloadNames.migrationInstance(args.app), "migrate");
        const wait = `${migrationTimeoutSeconds(args.activeDeadlineSeconds)}s`;
        this.job = new k8s.batch.v1.Job(
            name,
            {
                // A Job that failed (or timed out) is replaced on the next update, so the same tag
                // can be deployed again once the cause is fixed; without it Pulumi would only wait
                // for the failed Job again.
                metadata: {
                    name: jobName,
                    namespace: args.namespace,
                    labels,
                    annotations: { "pulumi.com/replaceUnready": "true" },
                },
                spec: {
                    backoffLimit: args.backoffLimit ?? 0,
                    activeDeadlineSeconds: args.activeDeadlineSeconds,
                    // An eviction (scale-down, node drain) restarts the migration instead of failing the deploy.
                    ...disruptionTolerantJobSpec(),
                    template: podTemplate(
                        labels,
                        workloadPod(args, "migrate", { restartPolicy: "Never" }),
                        RUN_TO_COMPLETION_POD_ANNOTATIONS,
                    ),
                },
            },
            // A Job's pod template cannot change in place: a new env for the same tag replaces it,
            // and the fixed name means the old one must go first.
            // Pulumi waits for the Job as long as Kubernetes lets it run, never less.
            { parent: this, deleteBeforeReplace: true, customTimeouts: { create: wait, update: wait } },
        );
        this.jobName = this.job.metadata.name;
        this.registerOutputs({ jobName: this.jobName });
    }
}
