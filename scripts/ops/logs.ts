/**
 * `capstan logs <stack> [web | worker NAME | cron NAME | migration | assets | canary] [-f] [--since D] [--grep RE]`:
 * the logs of every pod of one part of the app, interleaved by time and prefixed with the pod.
 * With -f it follows them, and the pods that start later (a rollout's new pods, a cron run).
 */
import type { V1Pod } from "@kubernetes/client-node";
import type { LogPart, LogsArgs } from "./args";
import { apiMessage, connect, statusOf, type Cluster } from "../cli/cluster";
import { target, type OpsIo } from "./command";
import { formatLine, interleave, parseLogLine, shown, type LogLine } from "./logLines";
import { openLog, type LogHandle } from "./logStream";
import { OpsError, type StackTarget } from "../cli/target";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A label selector from matchLabels. */
function selector(labels: Record<string, string> | undefined): string {
    return Object.entries(labels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
}

/** The pods of the migration or the assets Job that the stack's outputs name. */
function jobSelector(t: StackTarget, kind: "migration" | "assets"): { selector: string; what: string } {
    const job = kind === "migration" ? t.migrationJob : t.assetsJob;
    if (!job && kind === "assets")
        throw new OpsError(
            `stack ${t.stack} uploads no assets (no edge.cdn, no app.assets.bucket), so it has no assets Job`,
            2,
        );
    if (!job) throw new OpsError(`stack ${t.stack}'s outputs name no migration Job`);
    return { selector: `job-name=${job}`, what: `${kind} ${job}` };
}

/** The label selector of the part's pods, and what to call the part in messages. */
export async function partSelector(
    cluster: Cluster,
    t: StackTarget,
    part: LogPart,
): Promise<{ selector: string; what: string }> {
    const deploymentSelector = async (name: string, what: string) => {
        try {
            const d = await cluster.apps.readNamespacedDeployment({ name, namespace: t.namespace });
            return { selector: selector(d.spec?.selector?.matchLabels), what };
        } catch (err) {
            if (statusOf(err) === 404)
                throw new OpsError(`${what}: Deployment ${t.namespace}/${name} is not in the cluster`);
            throw err;
        }
    };
    switch (part.kind) {
        case "web":
            return deploymentSelector(t.webDeployment, "web");
        case "canary":
            if (!t.canaryDeployment)
                throw new OpsError(
                    `stack ${t.stack} runs no canary (start one with capstan canary ${t.stack} start <tag>)`,
                    2,
                );
            return deploymentSelector(t.canaryDeployment, "canary");
        case "worker": {
            const name = t.workers[part.name];
            if (!name)
                throw new OpsError(
                    `stack ${t.stack} has no worker ${part.name} (workers: ${Object.keys(t.workers).join(", ") || "none"})`,
                    2,
                );
            return deploymentSelector(name, `worker ${part.name}`);
        }
        case "cron": {
            const name = t.cronJobs[part.name];
            if (!name)
                throw new OpsError(
                    `stack ${t.stack} has no cron task ${part.name} (cron tasks: ${Object.keys(t.cronJobs).join(", ") || "none"})`,
                    2,
                );
            const c = await cluster.batch.readNamespacedCronJob({ name, namespace: t.namespace });
            const labels = c.spec?.jobTemplate.spec?.template.metadata?.labels ?? {};
            const { "app.kubernetes.io/name": app, "app.kubernetes.io/instance": instance } = labels;
            return {
                selector: selector({ "app.kubernetes.io/name": app, "app.kubernetes.io/instance": instance }),
                what: `cron ${part.name}`,
            };
        }
        case "migration":
        case "assets":
            return jobSelector(t, part.kind);
    }
}

/** Pods worth reading: those that started a container (a Pending pod has no log yet). */
function started(p: V1Pod): boolean {
    return (
        p.status?.phase !== "Pending" ||
        (p.status?.containerStatuses ?? []).some((c) => c.state?.running || c.state?.terminated)
    );
}

async function podsOf(cluster: Cluster, namespace: string, labelSelector: string): Promise<V1Pod[]> {
    return (await cluster.core.listNamespacedPod({ namespace, labelSelector })).items.filter(
        (p) => !p.metadata?.labels?.["capstan.dev/one-off"],
    );
}

/** Everything the pods logged so far, interleaved. */
async function readAll(cluster: Cluster, pods: readonly V1Pod[], args: LogsArgs, io: OpsIo): Promise<void> {
    const lines: LogLine[] = [];
    await Promise.all(
        pods.map(async (pod) => {
            const name = pod.metadata!.name!;
            try {
                const log = await openLog(
                    cluster.kc,
                    pod,
                    { follow: false, sinceSeconds: args.sinceSeconds, timestamps: true },
                    (l) => lines.push(parseLogLine(name, l)),
                );
                await log.done;
            } catch (err) {
                io.stderr(`logs: ${name}: ${apiMessage(err)}\n`);
            }
        }),
    );
    const width = Math.max(0, ...pods.map((p) => p.metadata!.name!.length));
    for (const l of interleave(lines)) if (shown(l, args.grep)) io.stdout(`${formatLine(l, width)}\n`);
}

/** Follows the part's pods, and each new one, until interrupted. */
async function followAll(
    cluster: Cluster,
    t: StackTarget,
    labelSelector: string,
    args: LogsArgs,
    io: OpsIo,
): Promise<number> {
    const open = new Map<string, LogHandle | undefined>();
    let width = 0;
    let stopped = false;
    const stop = () => {
        stopped = true;
        for (const h of open.values()) h?.stop();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    for (let round = 0; !stopped; round++) {
        for (const pod of (await podsOf(cluster, t.namespace, labelSelector)).filter(started)) {
            const name = pod.metadata!.name!;
            if (open.has(name)) continue;
            width = Math.max(width, name.length);
            open.set(name, undefined);
            if (round > 0) io.stderr(`logs: following new pod ${name}\n`);
            openLog(cluster.kc, pod, { follow: true, sinceSeconds: args.sinceSeconds, timestamps: true }, (raw) => {
                const l = parseLogLine(name, raw);
                if (shown(l, args.grep)) io.stdout(`${formatLine(l, width)}\n`);
            }).then(
                (h) => open.set(name, h),
                (err: unknown) => io.stderr(`logs: ${name}: ${apiMessage(err)}\n`),
            );
        }
        await sleep(2000);
    }
    return 0;
}

/** `capstan logs`: the logs of the part's pods, or followed until Ctrl-C. */
export async function showLogs(args: LogsArgs, io: OpsIo): Promise<number> {
    const t = await target("logs", args.stack);
    const cluster = await connect(t);
    const { selector: labelSelector, what } = await partSelector(cluster, t, args.part);
    if (args.follow) return followAll(cluster, t, labelSelector, args, io);
    const pods = (await podsOf(cluster, t.namespace, labelSelector)).filter(started);
    if (pods.length === 0) {
        if (args.part.kind === "migration") throw new OpsError(goneMigrationLog(what, t));
        io.stderr(`logs: no pod of ${what} has started\n`);
        return 1;
    }
    await readAll(cluster, pods, args, io);
    return 0;
}

/**
 * Where the log of a migration whose pod is gone went: the app's log group, when the stack ships its
 * pods' output (with the command that reads it back), or nowhere.
 */
export function goneMigrationLog(what: string, t: Pick<StackTarget, "logGroup" | "migrationJob">): string {
    const kept =
        "The migration Job of the last deploy stays (with its pod) until the next deploy replaces it; a pod removed since (its node drained or replaced) took its log with it";
    if (!t.logGroup || !t.migrationJob)
        return `no pod of ${what} is left. ${kept}, and this stack ships no pod logs (capstan:observability).`;
    return `no pod of ${what} is left in the cluster. ${kept}, but its output was shipped to CloudWatch Logs, group ${t.logGroup}:\n  aws logs tail ${t.logGroup} --since 7d --filter-pattern '{ $.kubernetes.pod_name = "${t.migrationJob}-*" }'`;
}
