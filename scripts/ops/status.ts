/**
 * `capstan status <stack>`: what the stack runs now. Reads the stack's outputs and its namespace's
 * Deployments, autoscalers, Jobs, CronJobs, Pending pods and their events; changes nothing.
 * Exits 0 when all is well, 1 when something needs attention (a rollout not done, a failed
 * migration, a Pending pod).
 */
import { apiMessage, connect } from "../cli/cluster";
import { target, type OpsIo } from "./command";
import { statusReport } from "./statusReport";
import { PROJECT_DIR } from "../cli/program";
import { automationBackend } from "../deploy/automation";
import { readProgress } from "../release/progress";
import { readStackSettings } from "../cli/stackfile";
import { OpsError, stackDir } from "../cli/target";

/** `capstan status`: the report; 0 when all is well, 1 when something needs attention. */
export async function status(stack: string, io: OpsIo): Promise<number> {
    const t = await target("status", stack);
    const cluster = await connect(t);
    const namespace = t.namespace;
    const settings = readStackSettings(stackDir(), stack);
    let read;
    try {
        read = await Promise.all([
            cluster.apps.listNamespacedDeployment({ namespace }),
            cluster.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace }),
            cluster.batch.listNamespacedJob({ namespace }),
            cluster.batch.listNamespacedCronJob({ namespace }),
            cluster.core.listNamespacedPod({ namespace, fieldSelector: "status.phase=Pending" }),
            cluster.core.listNamespacedEvent({ namespace, fieldSelector: "involvedObject.kind=Pod" }),
        ]);
    } catch (err) {
        throw new OpsError(`cannot read namespace ${namespace} of stack ${stack}'s cluster: ${apiMessage(err)}`);
    }
    const [deployments, hpas, jobs, cronJobs, pods, events] = read;
    const report = statusReport({
        stack,
        namespace,
        configuredTag: settings.setting("imageTag"),
        deployedTag: t.deployedTag,
        canary: t.canary,
        configuredCanary: settings.setting("canary"),
        release: readProgress(automationBackend(PROJECT_DIR).lockDir(), stack),
        ...(t.blueGreen ? { blueGreen: { state: t.blueGreen, now: new Date() } } : {}),
        migrationJob: t.migrationJob,
        assetsJob: t.assetsJob,
        deployments: deployments.items,
        hpas: hpas.items,
        jobs: jobs.items,
        cronJobs: cronJobs.items,
        pods: pods.items,
        events: events.items,
    });
    io.stdout(`${report.lines.join("\n")}\n`);
    return report.ok ? 0 : 1;
}
