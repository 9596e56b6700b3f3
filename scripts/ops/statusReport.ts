/**
 * `capstan status`'s report, built from the API objects it read: a pure function, so that every
 * line is tested from recorded objects without a cluster.
 */
import type {
    CoreV1Event,
    V1CronJob,
    V1Deployment,
    V1Job,
    V1Pod,
    V2HorizontalPodAutoscaler,
} from "@kubernetes/client-node";
import { ONE_OFF_LABEL } from "./podFromTemplate";

import { progressLines } from "../release/lines";
import type { BlueGreenState } from "../cli/target";
import type { Progress } from "../release/progress";

export interface StatusInput {
    readonly stack: string;
    readonly namespace: string;
    /** `capstan:imageTag` of the stack file. */
    readonly configuredTag?: string;
    /** The `imageTag` output: what the last update deployed. */
    readonly deployedTag?: string;
    /** The canary of the last update's outputs. */
    readonly canary?: { readonly imageTag: string; readonly weight: number };
    /** The canary of the stack file. */
    readonly configuredCanary?: { readonly imageTag?: string; readonly weight?: number };
    /** Where a `capstan canary run` stands, when one runs or stopped part way. */
    readonly release?: Progress;
    /** A blue/green release as the last update left it, and the time to judge its window by. */
    readonly blueGreen?: { readonly state: BlueGreenState; readonly now: Date };
    readonly migrationJob?: string;
    /** The assets Job of the last update, when the stack uploads its assets. */
    readonly assetsJob?: string;
    readonly deployments: readonly V1Deployment[];
    readonly hpas: readonly V2HorizontalPodAutoscaler[];
    readonly jobs: readonly V1Job[];
    readonly cronJobs: readonly V1CronJob[];
    readonly pods: readonly V1Pod[];
    readonly events: readonly CoreV1Event[];
}

/** The tag of an image reference (`repo:tag` or `repo@sha256:...`). */
export function tagOf(image: string | undefined): string | undefined {
    if (!image) return undefined;
    const at = image.indexOf("@");
    if (at >= 0) return image.slice(at + 1);
    const colon = image.lastIndexOf(":");
    return colon > image.lastIndexOf("/") ? image.slice(colon + 1) : undefined;
}

/** A Deployment's rollout in words: "complete", or what it waits for. */
export function rollout(d: V1Deployment): { done: boolean; text: string } {
    const s = d.status ?? {};
    const want = d.spec?.replicas ?? 1;
    const counts = `${s.updatedReplicas ?? 0} updated, ${s.readyReplicas ?? 0} ready, ${s.availableReplicas ?? 0} available of ${want}`;
    const progressing = s.conditions?.find((c) => c.type === "Progressing");
    if (progressing?.status === "False")
        return { done: false, text: `FAILED (${progressing.reason}: ${progressing.message}); ${counts}` };
    const observed = (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
    const done =
        observed &&
        (s.updatedReplicas ?? 0) === want &&
        (s.availableReplicas ?? 0) === want &&
        (s.replicas ?? 0) === want;
    if (done) return { done, text: `complete: ${counts}` };
    const old = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
    return { done, text: `in progress: ${counts}${old > 0 ? `, ${old} old pod(s) still running` : ""}` };
}

function hpaLine(h: V2HorizontalPodAutoscaler): string {
    const s = h.status;
    const min = h.spec?.minReplicas ?? 1;
    const max = h.spec?.maxReplicas;
    const current = s?.currentReplicas ?? 0;
    const desired = s?.desiredReplicas ?? 0;
    const metric = s?.currentMetrics?.find((m) => m.resource?.name === "cpu")?.resource?.current?.averageUtilization;
    const atMax =
        desired >= (max ?? Infinity)
            ? `; AT MAX: it wants no more than ${max} pods allowed, raise maxReplicas if it stays there`
            : "";
    const limited = s?.conditions?.find((c) => c.type === "ScalingLimited" && c.status === "True");
    return `  ${h.metadata?.name}: ${current} current, ${desired} desired (min ${min}, max ${max})${metric !== undefined ? `, cpu ${metric}%` : ""}${atMax}${!atMax && limited ? ` (${limited.reason})` : ""}`;
}

function jobResult(j: V1Job): string {
    const s = j.status ?? {};
    const failed = s.conditions?.find((c) => c.type === "Failed" && c.status === "True");
    if (failed) return `FAILED (${failed.reason}${failed.message ? `: ${failed.message}` : ""})`;
    const complete = s.conditions?.find((c) => c.type === "Complete" && c.status === "True");
    if (complete) return `succeeded${s.completionTime ? ` at ${iso(s.completionTime)}` : ""}`;
    if ((s.active ?? 0) > 0) return "running";
    return "waiting to start";
}

const iso = (d: Date | string | undefined): string =>
    d === undefined ? "never" : (d instanceof Date ? d : new Date(d)).toISOString().replace(".000Z", "Z");

function cronLine(c: V1CronJob): string {
    const s = c.status ?? {};
    const suspended = c.spec?.suspend ? " (SUSPENDED)" : "";
    const running = (s.active ?? []).length;
    return `  ${c.metadata?.name} "${c.spec?.schedule}"${suspended}: last scheduled ${iso(s.lastScheduleTime)}, last success ${iso(s.lastSuccessfulTime)}${running ? `, ${running} running now` : ""}`;
}

/** Why a Pending pod waits, from its PodScheduled condition and the events about it; the node-group limit said plainly. */
export function pendingReason(pod: V1Pod, events: readonly CoreV1Event[]): string[] {
    const about = events
        .filter((e) => e.involvedObject?.kind === "Pod" && e.involvedObject.name === pod.metadata?.name)
        .sort((a, b) => eventTime(b) - eventTime(a));
    const lines: string[] = [];
    const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
    const failed = about.find((e) => e.reason === "FailedScheduling");
    if (scheduled?.status === "False" || failed)
        lines.push(
            `scheduler: ${(failed?.message ?? scheduled?.message ?? scheduled?.reason ?? "not scheduled").trim()}`,
        );
    const noScaleUp = about.find((e) => e.reason === "NotTriggerScaleUp");
    if (noScaleUp?.message) {
        const atMax = /max node group size reached|max cluster (cpu|memory|nodes?)/i.test(noScaleUp.message);
        lines.push(
            atMax
                ? `NODE GROUP AT ITS MAXIMUM SIZE: cluster-autoscaler will not add a node (${noScaleUp.message.trim()}); raise the group's maxSize or lower the requests`
                : `cluster-autoscaler: no scale-up (${noScaleUp.message.trim()})`,
        );
    }
    const scaleUp = about.find((e) => e.reason === "TriggeredScaleUp");
    if (scaleUp?.message) lines.push(`cluster-autoscaler: ${scaleUp.message.trim()} (a node is on its way)`);
    for (const c of pod.status?.containerStatuses ?? []) {
        const w = c.state?.waiting;
        if (w?.reason) lines.push(`container ${c.name}: ${w.reason}${w.message ? `: ${w.message}` : ""}`);
    }
    return lines.length ? lines : ["no reason reported yet"];
}

function eventTime(e: CoreV1Event): number {
    const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
    return t ? new Date(t).getTime() : 0;
}

function canaryLines(i: StatusInput): string[] {
    const running = i.deployments.find((d) => d.metadata?.name?.endsWith("-web-canary"));
    const want = i.configuredCanary;
    if (!i.canary && !want?.imageTag && !i.release)
        return running ? ["  a canary Deployment runs, but the stack declares none"] : ["  none"];
    const lines: string[] = [];
    if (i.canary) {
        const phase = i.canary.weight > 0 ? `cookie/header and ${i.canary.weight}% of the rest` : "cookie/header only";
        lines.push(`  deployed: ${i.canary.imageTag}, ${phase}${running ? `; ${rollout(running).text}` : ""}`);
    }
    if (want?.imageTag && (want.imageTag !== i.canary?.imageTag || (want.weight ?? 0) !== (i.canary?.weight ?? 0)))
        lines.push(`  configured, not deployed yet: ${want.imageTag}, weight ${want.weight ?? 0}`);
    if (!want?.imageTag && i.canary) lines.push("  the stack file has no canary now: the next update removes it");
    if (i.release) lines.push(...progressLines(i.release));
    return lines;
}

/** Which colour serves, which waits behind the preview hosts, and what the next command is. */
export function blueGreenLines(stack: string, r: BlueGreenState, now: Date): string[] {
    const lines = [`  active: ${r.active.colour} (${r.active.imageTag}), reached on the app's hosts`];
    if (!r.idle) return lines;
    lines.push(`  idle: ${r.idle.colour} (${r.idle.imageTag}), reached on ${r.previewHosts.join(", ")}`);
    if (!r.switchedAt) {
        lines.push(`  not switched to yet: capstan release ${stack} switch moves the routes to ${r.idle.colour}`);
        return lines;
    }
    const until = new Date(Date.parse(r.switchedAt) + r.scaleDownDelaySeconds * 1000);
    const at = until.toISOString().replace(/\.\d+Z$/, "Z");
    lines.push(
        now < until
            ? `  switch back possible until ${at}: capstan deploy ${stack} --rollback; after it, capstan release ${stack} finish scales ${r.idle.colour} down`
            : `  the switch-back window ended at ${at}: capstan release ${stack} finish scales ${r.idle.colour} down`,
    );
    return lines;
}

/** The report, one line each; `ok` is false when something needs attention (a rollout not done, a failed Job, a Pending pod). */
export function statusReport(i: StatusInput): { lines: string[]; ok: boolean } {
    let ok = true;
    const lines: string[] = [`Stack ${i.stack}, namespace ${i.namespace}`];
    const tags = `deployed ${i.deployedTag ?? "(unknown)"}, configured ${i.configuredTag ?? "(unset)"}`;
    const differ = i.configuredTag !== undefined && i.deployedTag !== undefined && i.configuredTag !== i.deployedTag;
    lines.push(
        `Image tag: ${tags}${differ ? ": THE STACK FILE DIFFERS FROM WHAT RUNS; the next update deploys the configured tag" : ""}`,
    );

    lines.push("Deployments:");
    for (const d of [...i.deployments].sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""))) {
        const r = rollout(d);
        ok &&= r.done;
        const images = (d.spec?.template?.spec?.containers ?? []).map((c) => tagOf(c.image)).join(", ");
        lines.push(`  ${d.metadata?.name} (${images}): ${r.text}`);
    }
    if (i.deployments.length === 0) lines.push("  none");

    lines.push("Autoscalers:");
    lines.push(...(i.hpas.length ? i.hpas.map(hpaLine) : ["  none"]));

    for (const [label, component, name] of [
        ["Migration", "migrate", i.migrationJob],
        ["Assets", "assets", i.assetsJob],
    ] as const) {
        const job = lastJobLine(i.jobs, label, component, name);
        if (job?.failed) ok = false;
        if (job) lines.push(job.line);
    }

    lines.push("Cron:");
    lines.push(...(i.cronJobs.length ? i.cronJobs.map(cronLine) : ["  none"]));

    lines.push("Canary:");
    lines.push(...canaryLines(i));
    if (i.blueGreen) lines.push("Blue/green:", ...blueGreenLines(i.stack, i.blueGreen.state, i.blueGreen.now));

    const oneOffs = i.jobs.filter((j) => j.metadata?.labels?.[ONE_OFF_LABEL] === "true" && (j.status?.active ?? 0) > 0);
    if (oneOffs.length) {
        lines.push("One-off runs in progress:");
        for (const j of oneOffs)
            lines.push(`  ${j.metadata?.name}, started by ${j.metadata?.labels?.["capstan.dev/started-by"] ?? "?"}`);
    }

    const pending = i.pods.filter((p) => p.status?.phase === "Pending" && !p.metadata?.deletionTimestamp);
    lines.push(`Pending pods: ${pending.length ? "" : "none"}`);
    for (const p of pending) {
        ok = false;
        lines.push(`  ${p.metadata?.name}:`);
        for (const r of pendingReason(p, i.events)) lines.push(`    ${r}`);
    }
    return { lines, ok };
}

/**
 * The Job of `component` the outputs name (or the newest of them) in one line, with the tag of the
 * app image it ran (an assets Job's is its init container's); undefined when a stack has none of an
 * optional kind (the assets Job).
 */
function lastJobLine(
    jobs: readonly V1Job[],
    label: string,
    component: "migrate" | "assets",
    name: string | undefined,
): { line: string; failed: boolean } | undefined {
    const found = jobs
        .filter((j) => j.metadata?.labels?.["app.kubernetes.io/component"] === component)
        .sort(
            (a, b) =>
                new Date(b.metadata?.creationTimestamp ?? 0).getTime() -
                new Date(a.metadata?.creationTimestamp ?? 0).getTime(),
        );
    const last = found.find((j) => j.metadata?.name === name) ?? found[0];
    if (!last) {
        if (component === "assets" && name === undefined) return undefined;
        return { line: `${label}: ${name ? `${name} is gone from the cluster` : "none found"}`, failed: false };
    }
    const spec = last.spec?.template?.spec;
    const image = (component === "assets" ? spec?.initContainers?.[0] : spec?.containers?.[0])?.image;
    const result = jobResult(last);
    return {
        line: `${label}: ${last.metadata?.name} (${tagOf(image)}): ${result}`,
        failed: result.startsWith("FAILED"),
    };
}
