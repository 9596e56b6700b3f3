/**
 * `capstan canary local run <tag>` and `resume` on the real engine: each step a guarded update of
 * the local stack, judged by the analysis against a real Prometheus (Debian's binary) that scrapes
 * an exporter of the suite's own. The exporter serves the controllers' upstream histogram for the
 * stable and canary upstreams, its traffic following the weight the stack file declares (and the
 * error share or silence each scenario sets). Short intervals come from the stack file's
 * `capstan:canary.analysis`, as a person would write them.
 */
import { targetFromOutputs } from "../../scripts/cli/target";
import { check, checkRunning, deployments } from "../lib/app";
import { appOutputs, capstan, localStack, TAGS, type Context, type Scenario } from "../lib/context";
import type { Finished } from "../lib/kube";
import { startPrometheus, startTrafficExporter, type Side, type Traffic } from "../lib/metrics";
import type { SuiteStack } from "../lib/stacks";
import { abortLeavesStable } from "./dayTwo";

/** Requests per second at the entry; each side gets its share by the declared weight. */
const RPS = 100;

/** How a scenario's canary behaves at a weight: its 5xx share, and whether anyone reaches it. */
type CanaryBehaviour = (weight: number) => { errorShare: number; silent?: boolean };

/** The canary the stack file declares now, or undefined. */
const declaredCanary = (stack: SuiteStack) => stack.read(["capstan:canary", "imageTag"]) as string | undefined;

/** The traffic the exporter serves now: the weight of the stack file split between the two sides. */
function trafficOf(stack: SuiteStack, canary: CanaryBehaviour): Partial<Record<Side, Traffic>> {
    const declared = stack.read(["capstan:canary"]) as { imageTag?: string; weight?: number } | undefined;
    const weight = declared?.imageTag ? (declared.weight ?? 0) : 0;
    const behaviour = canary(weight);
    const canaryRps = declared?.imageTag && !behaviour.silent ? (RPS * weight) / 100 : 0;
    return {
        stable: { rps: RPS - canaryRps, errorShare: 0, latencyMs: 40 },
        ...(declared?.imageTag ? { canary: { rps: canaryRps, errorShare: behaviour.errorShare, latencyMs: 40 } } : {}),
    };
}

/**
 * Runs `body` with a Prometheus scraping the exporter of the local app, the stack file's
 * `capstan:canary` holding the release settings (the weights, a 5 s analysis reading that
 * Prometheus, one passing interval a step, nothing failed or inconclusive tolerated); the settings
 * are removed afterwards.
 */
async function withAnalysis<T>(
    ctx: Context,
    weights: readonly number[],
    canary: CanaryBehaviour,
    body: (stack: SuiteStack, namespace: string) => Promise<T>,
): Promise<T> {
    const stack = localStack(ctx);
    const { namespace } = await appOutputs(stack);
    const { app } = targetFromOutputs("local", await stack.outputs());
    const exporter = await startTrafficExporter(namespace, app, () => trafficOf(stack, canary));
    try {
        const prometheus = await startPrometheus(exporter.port);
        try {
            stack.edit((c) =>
                c.set("capstan:canary", {
                    steps: [...weights],
                    analysis: {
                        prometheusUrl: prometheus.url,
                        intervalSeconds: 5,
                        count: 1,
                        failureLimit: 0,
                        inconclusiveLimit: 0,
                        minRequests: 20,
                    },
                }),
            );
            return await body(stack, namespace);
        } finally {
            if (declaredCanary(stack) === undefined) stack.edit((c) => c.delete("capstan:canary"));
            await prometheus.stop();
        }
    } finally {
        await exporter.close();
    }
}

const tail = (r: Finished) =>
    `${r.stdout.trim().split("\n").slice(-12).join("\n")}\n${r.stderr.trim().split("\n").slice(-12).join("\n")}`;

const promotedByItself: Scenario = {
    id: "G",
    title: "canary run: a healthy canary is judged at each weight by the real Prometheus and promoted by itself",
    async run(ctx) {
        const weights = [50];
        return withAnalysis(
            ctx,
            weights,
            () => ({ errorShare: 0 }),
            async (stack, namespace) => {
                const r = await capstan(ctx, ["canary", "local", "run", TAGS.releaseHealthy, "--yes"]);
                check(r.code === 0, `canary run exited ${r.code}:\n${tail(r)}`);
                for (const [i, w] of weights.entries())
                    check(
                        r.stdout.includes(`Step ${i + 1} of ${weights.length}: weight ${w}%`) &&
                            r.stdout.includes(`Step ${i + 1} passed: weight ${w}%.`),
                        `the run did not hold and pass weight ${w}%:\n${r.stdout}`,
                    );
                check(
                    /errorRatio\s+0 \(stable 0\)/.test(r.stdout),
                    `no interval showed the canary's 5xx ratio:\n${r.stdout}`,
                );
                await checkRunning(namespace, TAGS.releaseHealthy);
                check(
                    stack.read(["capstan:imageTag"]) === TAGS.releaseHealthy && declaredCanary(stack) === undefined,
                    "the stack file does not say the canary was promoted",
                );
                check(
                    !(await deployments(namespace)).some((d) => d.name.endsWith("-web-canary")),
                    "after the promotion a canary Deployment is left",
                );
                return `released ${TAGS.releaseHealthy} through weights ${weights.join(", ")}`;
            },
        );
    },
};

const abortedByItself: Scenario = {
    id: "H",
    title: "canary run: the canary's 5xx ratio rises at the second weight; the run aborts by itself (exit 5), the stable release untouched",
    async run(ctx) {
        // Healthy at the first weight; at the second, three answers in ten are 5xx.
        const weights = [20, 50];
        return withAnalysis(
            ctx,
            weights,
            (w) => ({ errorShare: w >= 50 ? 0.3 : 0 }),
            async (stack, namespace) => {
                const stable = String(stack.read(["capstan:imageTag"]));
                let r: Finished | undefined;
                await abortLeavesStable(namespace, async () => {
                    r = await capstan(ctx, ["canary", "local", "run", TAGS.releaseFailing, "--yes"]);
                });
                check(r!.code === 5, `canary run exited ${r!.code}, not 5:\n${tail(r!)}`);
                check(r!.stdout.includes("Step 1 passed: weight 20%."), `the first weight did not pass:\n${r!.stdout}`);
                check(
                    /the analysis of \S+ failed at step 2 \(weight 50%\)/.test(r!.stderr) &&
                        /errorRatio: 0\.[23]\d* is above 0\.05/.test(r!.stderr) &&
                        /query: .*code=~"5\.\."/.test(r!.stderr),
                    `the failure does not name the check, its value and its query:\n${r!.stderr}`,
                );
                await checkRunning(namespace, stable);
                check(
                    stack.read(["capstan:imageTag"]) === stable && declaredCanary(stack) === undefined,
                    "the stack file does not say the canary was aborted",
                );
                return `aborted ${TAGS.releaseFailing} at weight 50%; stable ${stable} untouched`;
            },
        );
    },
};

const pausedThenResumed: Scenario = {
    id: "I",
    title: "canary run: no traffic reaches the canary: inconclusive, paused (exit 6) and not promoted; status shows why; resume goes on once traffic flows",
    async run(ctx) {
        let flowing = false;
        return withAnalysis(
            ctx,
            [50],
            () => ({ errorShare: 0, silent: !flowing }),
            async (stack, namespace) => {
                const stable = String(stack.read(["capstan:imageTag"]));
                const r = await capstan(ctx, ["canary", "local", "run", TAGS.releaseSilent, "--yes"]);
                check(r.code === 6, `canary run exited ${r.code}, not 6:\n${tail(r)}`);
                check(
                    /inconclusive.*too little traffic/.test(r.stderr) &&
                        r.stderr.includes("capstan canary local resume"),
                    `the pause does not say why and how to go on:\n${r.stderr}`,
                );
                await checkRunning(namespace, stable);
                check(
                    declaredCanary(stack) === TAGS.releaseSilent && stack.read(["capstan:imageTag"]) === stable,
                    "the paused canary is not left as it was",
                );
                const status = await capstan(ctx, ["status", "local"]);
                check(
                    new RegExp(`release of ${TAGS.releaseSilent} \\(capstan canary run\\): paused, step 1 of 1`).test(
                        status.stdout,
                    ),
                    `capstan status does not show the paused analysis:\n${status.stdout}`,
                );
                flowing = true;
                const resumed = await capstan(ctx, ["canary", "local", "resume", "--yes"]);
                check(resumed.code === 0, `canary resume exited ${resumed.code}:\n${tail(resumed)}`);
                await checkRunning(namespace, TAGS.releaseSilent);
                check(stack.read(["capstan:imageTag"]) === TAGS.releaseSilent, "resume did not promote the canary");
                return `paused ${TAGS.releaseSilent} while silent, then resumed and promoted it`;
            },
        );
    },
};

export const RELEASE_SCENARIOS = { promotedByItself, abortedByItself, pausedThenResumed };
