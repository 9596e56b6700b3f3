/**
 * `capstan run <stack> [--detach] [--timeout D] -- <command...>`: a one-off Job made from the web
 * Deployment's current pod template (see podFromTemplate.ts). Streams the pod's log and exits with
 * the command's exit code; Ctrl-C deletes the Job. A pod that cannot pull its image or cannot be
 * scheduled is reported in words as soon as Kubernetes says so.
 */
import { randomBytes } from "crypto";
import type { V1Job, V1Pod } from "@kubernetes/client-node";
import type { RunArgs } from "./args";
import { apiMessage, connect, webDeployment, type Cluster } from "../cli/cluster";
import { target, type OpsIo } from "./command";
import { openLog, type LogHandle } from "./logStream";
import { oneOffJob, oneOffName } from "./podFromTemplate";
import { podProgress } from "./podProgress";
import { localUser, OpsError } from "../cli/target";

/** Exit codes of `capstan run` besides the command's own. */
export const RUN_EXIT = {
    /** The pod could not run: its image, its config, or the Job failed without a pod result. */
    couldNotRun: 1,
    /** --timeout passed (as `timeout(1)` says it). */
    timedOut: 124,
    /** Interrupted: the Job was deleted. */
    interrupted: 130,
} as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function deleteJob(cluster: Cluster, job: V1Job): Promise<void> {
    await cluster.batch.deleteNamespacedJob({
        name: job.metadata!.name!,
        namespace: job.metadata!.namespace!,
        propagationPolicy: "Background",
    });
}

async function podOf(cluster: Cluster, job: V1Job): Promise<V1Pod | undefined> {
    const pods = await cluster.core.listNamespacedPod({
        namespace: job.metadata!.namespace!,
        labelSelector: `job-name=${job.metadata!.name}`,
    });
    return pods.items.sort(
        (a, b) =>
            new Date(b.metadata?.creationTimestamp ?? 0).getTime() -
            new Date(a.metadata?.creationTimestamp ?? 0).getTime(),
    )[0];
}

async function eventsOf(cluster: Cluster, pod: V1Pod) {
    return (
        await cluster.core.listNamespacedEvent({
            namespace: pod.metadata!.namespace!,
            fieldSelector: `involvedObject.name=${pod.metadata!.name}`,
        })
    ).items;
}

/** Why the Job failed when it says so before any pod result (its deadline, say). */
function jobFailure(job: V1Job | undefined): { reason: string; message?: string } | undefined {
    const failed = job?.status?.conditions?.find((c) => c.type === "Failed" && c.status === "True");
    return failed ? { reason: failed.reason ?? "Failed", message: failed.message } : undefined;
}

/**
 * Follows the Job to its end: notes while it waits, its log once it runs, its exit code at the end.
 * `who` starts each note (the command's name).
 */
export async function followJob(cluster: Cluster, job: V1Job, io: OpsIo, who = "run"): Promise<number> {
    const name = job.metadata!.name!;
    const namespace = job.metadata!.namespace!;
    let said = "";
    let logging: Promise<LogHandle | undefined> | undefined;
    for (;;) {
        const pod = await podOf(cluster, job);
        if (pod) {
            const progress = podProgress(pod, await eventsOf(cluster, pod));
            if (progress.state === "pending" && progress.notes.length) {
                const text = progress.notes.join("; ");
                if (text !== said) io.stderr(`${who}: pod ${pod.metadata?.name} is not scheduled yet: ${text}\n`);
                said = text;
            }
            if (progress.state === "broken") {
                io.stderr(`${who}: ${progress.problem}\n${who}: deleting Job ${name}.\n`);
                await deleteJob(cluster, job);
                return RUN_EXIT.couldNotRun;
            }
            if ((progress.state === "running" || progress.state === "finished") && !logging)
                logging = openLog(cluster.kc, pod, { follow: progress.state === "running" }, (l) =>
                    io.stdout(`${l}\n`),
                ).catch((err: unknown) => {
                    io.stderr(`${who}: the pod's log could not be read: ${apiMessage(err)}\n`);
                    return undefined;
                });
            if (progress.state === "finished") {
                // The kubelet ends a followed log when the container stops; the rest is in flight.
                const log = await logging;
                await Promise.race([log?.done, sleep(3000)]);
                log?.stop();
                if (progress.exitCode !== 0)
                    io.stderr(
                        `${who}: the command exited ${progress.exitCode}${progress.reason ? ` (${progress.reason})` : ""}\n`,
                    );
                return progress.exitCode;
            }
        }
        let current: V1Job | undefined;
        try {
            current = await cluster.batch.readNamespacedJob({ name, namespace });
        } catch (err) {
            throw new OpsError(`Job ${namespace}/${name} could not be read (was it deleted?): ${apiMessage(err)}`);
        }
        const failure = jobFailure(current);
        if (failure && !(pod && podProgress(pod, []).state === "finished")) {
            io.stderr(
                `${who}: Job ${name} failed: ${failure.reason}${failure.message ? `: ${failure.message}` : ""}\n`,
            );
            return failure.reason === "DeadlineExceeded" ? RUN_EXIT.timedOut : RUN_EXIT.couldNotRun;
        }
        await sleep(1000);
    }
}

/** `capstan run`: the one-off Job, followed to its end; the command's exit code. */
export async function runOneOff(args: RunArgs, io: OpsIo): Promise<number> {
    const t = await target("run", args.stack);
    const cluster = await connect(t);
    const deployment = await webDeployment(cluster, t);
    const user = localUser();
    const job = oneOffJob(deployment, {
        name: oneOffName(t.app, "run", new Date(), randomBytes(4).toString("hex")),
        command: args.command,
        user,
        activeDeadlineSeconds: args.timeoutSeconds,
    });
    const image = job.spec?.template.spec?.containers[0].image;
    io.stderr(
        `run: Job ${t.namespace}/${job.metadata?.name} (${image}, started by ${user}): ${args.command.join(" ")}\n`,
    );
    try {
        await cluster.batch.createNamespacedJob({ namespace: t.namespace, body: job });
    } catch (err) {
        throw new OpsError(`the Job could not be created: ${apiMessage(err)}`);
    }
    if (args.detach) {
        io.stdout(`${job.metadata?.name}\n`);
        io.stderr(
            `run: detached; the Job is deleted an hour after it finishes. Its log: kubectl logs -n ${t.namespace} job/${job.metadata?.name}\n`,
        );
        return 0;
    }
    let interrupted = false;
    const onSignal = () => {
        if (interrupted) return;
        interrupted = true;
        io.stderr(`\nrun: interrupted; deleting Job ${job.metadata?.name}.\n`);
        deleteJob(cluster, job).then(
            () => process.exit(RUN_EXIT.interrupted),
            (err: unknown) => {
                io.stderr(`run: the Job could not be deleted: ${apiMessage(err)}\n`);
                process.exit(RUN_EXIT.interrupted);
            },
        );
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
        return await followJob(cluster, job, io);
    } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
    }
}
