/**
 * How long Pulumi waits for the migration and the rollouts. pulumi-kubernetes waits 10 minutes by
 * default for a Job and a Deployment; a migration allowed 15 minutes, or a rollout of 20 pods that
 * each take 5 minutes to boot, would fail the update while Kubernetes is still making progress.
 */
import { describe, expect, it } from "vitest";
import { rolloutTimeoutSeconds } from "../components/app/autoscaled";
import { committedStacks, render } from "./harness";

const seconds = (d: string | undefined) => Number(/^(\d+)s$/.exec(d ?? "")?.[1] ?? NaN);

describe("the rollout's wait", () => {
    it.each([
        // maxReplicas, per-pod budget, expected: waves of ceil(max/4) pods, each up to the budget, plus 60 s
        { max: 20, budget: 300, expected: 4 * 300 + 60 }, // surge 5: 4 waves
        { max: 10, budget: 300, expected: 4 * 300 + 60 }, // surge 3: 4 waves
        { max: 3, budget: 300, expected: 3 * 300 + 60 }, // surge 1: 3 waves
        { max: 40, budget: 545, expected: 4 * 545 + 60 }, // surge 10: 4 waves
        { max: 1, budget: 240, expected: 600 }, // one wave is less than Pulumi's default: the default stands
    ])("at maxReplicas $max and $budget s per pod is $expected s", ({ max, budget, expected }) => {
        expect(rolloutTimeoutSeconds(max, budget)).toBe(expected);
    });
});

describe.each(committedStacks())("the waits of stack %s", (stack) => {
    it("waits for the migration at least as long as Kubernetes lets it run, and replaces a failed one on the next update", async () => {
        const { plan, manifests } = await render(stack);
        const jobs = plan.resources.filter((r) => r.type === "kubernetes:batch/v1:Job");
        expect(jobs.length).toBeGreaterThan(0);
        for (const job of jobs) {
            const manifest = manifests.find(
                (m) =>
                    m.kind === "Job" &&
                    (m.metadata as { name: string }).name === (job.inputs.metadata as { name: string }).name,
            ) as {
                metadata: { annotations?: Record<string, string> };
                spec: { activeDeadlineSeconds: number };
            };
            expect(seconds(job.customTimeouts?.create)).toBeGreaterThanOrEqual(
                manifest.spec.activeDeadlineSeconds + 60,
            );
            expect(seconds(job.customTimeouts?.update)).toBeGreaterThanOrEqual(
                manifest.spec.activeDeadlineSeconds + 60,
            );
            expect(manifest.metadata.annotations?.["pulumi.com/replaceUnready"]).toBe("true");
            // Same name for the same tag: the failed Job must go before the new one is created.
            expect(job.deleteBeforeReplace).toBe(true);
        }
    });

    it("waits for each rollout through every surge wave at maxReplicas, each as long as a pod may take to start", async () => {
        const { plan, manifests } = await render(stack);
        const deployments = manifests.filter((m) => m.kind === "Deployment") as {
            metadata: { name: string };
            spec: {
                template: {
                    spec: { containers: { startupProbe?: { periodSeconds: number; failureThreshold: number } }[] };
                };
            };
        }[];
        expect(deployments.length).toBeGreaterThan(0);
        for (const d of deployments) {
            const hpa = manifests.find(
                (m) =>
                    m.kind === "HorizontalPodAutoscaler" &&
                    (m.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === d.metadata.name,
            ) as { spec: { maxReplicas: number } };
            const res = plan.resources.find(
                (r) =>
                    r.type === "kubernetes:apps/v1:Deployment" &&
                    (r.inputs.metadata as { name: string }).name === d.metadata.name,
            );
            const max = hpa.spec.maxReplicas;
            const waves = Math.ceil(max / Math.ceil(max / 4));
            const probe = d.spec.template.spec.containers[0].startupProbe;
            const boot = probe ? probe.periodSeconds * probe.failureThreshold : 0;
            for (const wait of [res?.customTimeouts?.create, res?.customTimeouts?.update]) {
                expect(seconds(wait), d.metadata.name).toBeGreaterThanOrEqual(Math.max(600, waves * boot));
            }
        }
    });
});
