/**
 * The verification of a blue/green release's idle colour before the switch: every pod of it ready
 * (as many as the active colour had when it was brought up), then `release.checks`, then the
 * analysis of the idle colour's traffic against the active one's when `capstan:canary.analysis` is
 * set. What runs them in the cluster and reads the metrics is given (scripts/ops/releaseChecks.ts).
 */
import type { V1Deployment } from "@kubernetes/client-node";
import type { AnalysisConfig } from "../../components/config/analysisSchema";
import type { HttpCheckConfig } from "../../components/config/schema";
import { colourDeployment, type BlueGreen } from "./blueGreenPlan";
import type { DeployIo } from "./types";

/**
 * How the idle colour's verification ended: passed (or nothing to verify), failed (not ready, or
 * its checks), its analysis failed, or paused undecided (the analysis inconclusive).
 */
export type Verdict =
    { readonly outcome: "passed" } | { readonly outcome: "failed" | "analysisFailed" | "paused"; readonly why: string };

/** What the verification asks of the cluster and of the metrics. */
export interface VerifyDeps {
    /** Why the Deployment has fewer than `want` pods ready, or undefined once it has them all. */
    readonly notReady: (stack: string, deployment: string, want: number) => Promise<string | undefined>;
    /** Runs the checks' Job from `deployment`'s template, its lines to `io`; its exit code. */
    readonly runChecks: (
        stack: string,
        deployment: string,
        host: string,
        checks: readonly HttpCheckConfig[],
        io: DeployIo,
    ) => Promise<number>;
    /** The stack's analysis settings, when it has some. */
    readonly analysis: (stack: string) => AnalysisConfig | undefined;
    /** The analysis of the idle colour (`canary`) against the active one (`stable`). */
    readonly analyse: (stack: string, bg: BlueGreen, a: AnalysisConfig, io: DeployIo) => Promise<Verdict>;
    readonly sleep: (ms: number) => Promise<void>;
    readonly now: () => Date;
}

/** How long the idle colour may take to have all its pods ready. */
export const READY_TIMEOUT_SECONDS = 300;

/** Waits for every pod the idle colour should have; the reason when it does not get them in time. */
export async function waitReady(
    stack: string,
    deployment: string,
    want: number,
    io: DeployIo,
    deps: Pick<VerifyDeps, "notReady" | "sleep" | "now">,
): Promise<string | undefined> {
    const deadline = deps.now().getTime() + READY_TIMEOUT_SECONDS * 1000;
    let said = "";
    for (;;) {
        const why = await deps.notReady(stack, deployment, want);
        if (!why) return undefined;
        if (why !== said) io.stdout(`  waiting for ${deployment}: ${why}\n`);
        said = why;
        if (deps.now().getTime() >= deadline)
            return `${deployment} is not fully ready after ${READY_TIMEOUT_SECONDS} s (${why})`;
        await deps.sleep(2000);
    }
}

/** The idle colour verified: ready at full size, its checks passed, its analysis passed (each when there is one). */
export async function verifyIdle(stack: string, bg: BlueGreen, io: DeployIo, deps: VerifyDeps): Promise<Verdict> {
    const idle = bg.idle!;
    const deployment = colourDeployment(bg.app, idle.colour);
    const want = idle.replicas ?? 1;
    io.stdout(`Verifying ${idle.colour} (${idle.imageTag}): ${want} pods ready`);
    const checks = bg.release.checks;
    const analysis = deps.analysis(stack);
    io.stdout(
        `${checks.length ? `, ${checks.length} HTTP checks through ${bg.release.previewHosts[0]}` : ""}${analysis ? ", its analysis" : ""}.\n`,
    );
    const unready = await waitReady(stack, deployment, want, io, deps);
    if (unready) return { outcome: "failed", why: unready };
    if (checks.length) {
        const code = await deps.runChecks(stack, deployment, bg.release.previewHosts[0], checks, io);
        if (code !== 0)
            return {
                outcome: "failed",
                why: `its HTTP checks failed (the checks' Job exited ${code}; its lines are above)`,
            };
    }
    return analysis ? deps.analyse(stack, bg, analysis, io) : { outcome: "passed" };
}

/** Why a Deployment has fewer than `want` pods updated, ready and available, or undefined. */
export function fewerThan(d: V1Deployment, want: number): string | undefined {
    const s = d.status ?? {};
    if ((s.observedGeneration ?? 0) < (d.metadata?.generation ?? 0))
        return "its controller has not seen its latest spec yet";
    const ready = Math.min(s.updatedReplicas ?? 0, s.readyReplicas ?? 0, s.availableReplicas ?? 0);
    const wanted = Math.max(want, d.spec?.replicas ?? 1);
    if (ready < wanted) return `${ready} of ${wanted} pods updated, ready and available`;
    if ((s.replicas ?? 0) > wanted) return `${(s.replicas ?? 0) - wanted} old pods still running`;
    return undefined;
}
