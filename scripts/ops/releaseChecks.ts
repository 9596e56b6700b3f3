/**
 * A blue/green release against the stack's cluster and metrics: the colours' Deployments, the
 * checks' Job, made from the idle colour's own pod template, that requests each path through the
 * preview host's route, and the analysis of the idle colour's upstream against the active one's.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { V1Deployment, V1Job } from "@kubernetes/client-node";
import { COLOUR_UPSTREAMS } from "../../components/app/routes";
import type { AnalysisConfig } from "../../components/config/analysisSchema";
import type { HttpCheckConfig } from "../../components/config/schema";
import { RELEASE_CHECK_LABEL } from "../../components/core/networkPolicies";
import { apiMessage, connect } from "../cli/cluster";
import { readStackSettings } from "../cli/stackfile";
import { localUser, readOutputs, stackDir, targetFromOutputs } from "../cli/target";
import type { BlueGreenDeps } from "../deploy/blueGreen";
import type { BlueGreen } from "../deploy/blueGreenPlan";
import { fewerThan, type Verdict } from "../deploy/blueGreenVerify";
import type { DeployIo } from "../deploy/types";
import { analyseStep, sleep } from "../release/analysis";
import { EMPTY_TALLY } from "../release/judge";
import { intervalLines } from "../release/lines";
import { metricsSource } from "../release/source";
import { oneOffJob, oneOffName } from "./podFromTemplate";
import { followJob } from "./run";

/** The script the checks' Job runs with the app image's Ruby. */
export const CHECKS_SCRIPT = path.join(__dirname, "checks", "http-checks.rb");
/** How long the checks' Job may run before Kubernetes stops it. */
export const CHECKS_DEADLINE_SECONDS = 120;

/** The argv of the checks' container: each check's path and status after the entry and the host. */
export function checksCommand(entry: string, host: string, checks: readonly HttpCheckConfig[]): string[] {
    const script = fs.readFileSync(CHECKS_SCRIPT, "utf8");
    return ["ruby", "-e", script, entry, host, ...checks.flatMap((c) => [c.path, String(c.status)])];
}

/** The checks' Job: a one-off of the idle colour's pod template, with the label its NetworkPolicy selects. */
export function checksJob(
    deployment: V1Deployment,
    command: readonly string[],
    o: { readonly app: string; readonly now: Date; readonly random: string; readonly user: string },
): V1Job {
    return oneOffJob(deployment, {
        name: oneOffName(o.app, "check", o.now, o.random),
        command,
        user: o.user,
        kind: "check",
        labels: { [RELEASE_CHECK_LABEL]: "true" },
        activeDeadlineSeconds: CHECKS_DEADLINE_SECONDS,
    });
}

/** The checks' Job in the stack's cluster, followed to its end. */
async function runChecksJob(
    stack: string,
    deploymentName: string,
    host: string,
    checks: readonly HttpCheckConfig[],
    io: DeployIo,
): Promise<number> {
    const outputs = await readOutputs(stack);
    const t = targetFromOutputs(stack, outputs);
    const entry = (outputs.release as { checkEntry?: unknown } | undefined)?.checkEntry;
    if (typeof entry !== "string") {
        io.stderr(
            `deploy: stack ${stack}'s outputs name no entry for the checks (release.checkEntry): run pulumi up once with this version of Capstan\n`,
        );
        return 1;
    }
    const cluster = await connect(t);
    const deployment = await cluster.apps.readNamespacedDeployment({ name: deploymentName, namespace: t.namespace });
    const job = checksJob(deployment, checksCommand(entry, host, checks), {
        app: t.app,
        now: new Date(),
        random: randomBytes(4).toString("hex"),
        user: localUser(),
    });
    io.stdout(
        `  checks: Job ${t.namespace}/${job.metadata?.name} (${job.spec?.template.spec?.containers[0].image}) through ${entry} as ${host}\n`,
    );
    try {
        await cluster.batch.createNamespacedJob({ namespace: t.namespace, body: job });
    } catch (err) {
        io.stderr(`deploy: the checks' Job could not be created: ${apiMessage(err)}\n`);
        return 1;
    }
    return followJob(cluster, job, { stdout: (l) => io.stdout(`    ${l}`), stderr: io.stderr }, "checks");
}

/** The analysis of the idle colour's upstream against the active one's, as a canary step's. */
async function analyseColours(stack: string, bg: BlueGreen, analysis: AnalysisConfig, io: DeployIo): Promise<Verdict> {
    const outputs = await readOutputs(stack);
    const t = targetFromOutputs(stack, outputs);
    const source = metricsSource(stack, analysis, outputs);
    const upstreams = { canary: COLOUR_UPSTREAMS[bg.idle!.colour], stable: COLOUR_UPSTREAMS[bg.active.colour] };
    io.stdout(
        `  analysis: ${bg.idle!.colour} against ${bg.active.colour}, from ${source.from}, every ${analysis.intervalSeconds}s\n`,
    );
    const { outcome, last } = await analyseStep({
        analysis,
        target: { namespace: t.namespace, app: t.app, upstreams },
        query: source.query,
        sleep,
        now: () => new Date(),
        tally: EMPTY_TALLY,
        onInterval: (r, tally) => io.stdout(`${intervalLines(r, tally, analysis.count).join("\n")}\n`),
    });
    if (outcome === "passed") return { outcome };
    const why = last?.reason ?? (outcome === "failed" ? "a check failed" : "too little traffic");
    return outcome === "failed"
        ? { outcome: "analysisFailed", why: `its analysis failed: ${why}` }
        : { outcome: "paused", why: `its analysis was inconclusive: ${why}` };
}

/** The cluster of a stack, read once per command (its outputs are read through the CLI). */
const clusters = new Map<string, ReturnType<typeof openCluster>>();
async function openCluster(stack: string) {
    const t = targetFromOutputs(stack, await readOutputs(stack));
    return { t, cluster: await connect(t) };
}
function clusterOf(stack: string): ReturnType<typeof openCluster> {
    const known = clusters.get(stack) ?? openCluster(stack);
    clusters.set(stack, known);
    known.catch(() => clusters.delete(stack));
    return known;
}

/** Why the stack's Deployment has fewer than `want` pods fully ready, or undefined. */
export async function clusterNotReady(stack: string, deployment: string, want: number): Promise<string | undefined> {
    try {
        const { t, cluster } = await clusterOf(stack);
        return fewerThan(
            await cluster.apps.readNamespacedDeployment({ name: deployment, namespace: t.namespace }),
            want,
        );
    } catch (err) {
        return `it could not be read: ${apiMessage(err)}`;
    }
}

/** A blue/green release's steps against the stack's cluster and metrics. */
export const clusterDeps: BlueGreenDeps = {
    async replicas(stack, deployment) {
        const { t, cluster } = await clusterOf(stack);
        const d = await cluster.apps.readNamespacedDeployment({ name: deployment, namespace: t.namespace });
        return d.status?.replicas ?? d.spec?.replicas ?? 1;
    },
    notReady: clusterNotReady,
    runChecks: runChecksJob,
    analysis: (stack) => readStackSettings(stackDir(), stack).setting("canary")?.analysis,
    analyse: analyseColours,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: () => new Date(),
};
