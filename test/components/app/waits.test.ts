/**
 * How long Pulumi waits for the migration and the rollouts. pulumi-kubernetes waits 10 minutes by
 * default for a Job and a Deployment; a migration allowed 15 minutes, or a rollout of 20 pods that
 * each take 5 minutes to boot, would fail the update while Kubernetes is still making progress.
 */
import { describe, expect, it } from "vitest";
import { rolloutTimeoutSeconds } from "../../../components/app/autoscaled";
import { committedStacks, render, stackValues } from "../../harness";

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

describe("a configured rollout timeout", () => {
    it("is both the update's wait and the Deployment's progress deadline, per workload", async () => {
        const app = stackValues("staging")["capstan:app"] as Record<string, any>;
        const { plan, manifests } = await render("staging", {
            overrides: {
                "capstan:app": {
                    ...app,
                    web: { ...app.web, rolloutTimeoutSeconds: 90 },
                    workers: app.workers.map((w: Record<string, unknown>) => ({ ...w, rolloutTimeoutSeconds: 120 })),
                },
            },
        });
        const deployments = plan.resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment");
        const byName = (name: string) => deployments.find((d) => (d.inputs.metadata as { name: string }).name === name);
        const web = byName(`${app.name}-web`);
        expect(web?.customTimeouts).toMatchObject({ create: "90s", update: "90s" });
        const manifest = (name: string) =>
            manifests.find((m) => m.kind === "Deployment" && (m.metadata as { name: string }).name === name) as {
                spec: { progressDeadlineSeconds?: number };
            };
        expect(manifest(`${app.name}-web`).spec.progressDeadlineSeconds).toBe(90);
        const workers = deployments.filter((d) => d !== web && !/canary/.test(d.urn));
        expect(workers.length).toBeGreaterThan(0);
        for (const w of workers) {
            expect(w.customTimeouts).toMatchObject({ create: "120s", update: "120s" });
            expect(manifest((w.inputs.metadata as { name: string }).name).spec.progressDeadlineSeconds).toBe(120);
        }
    });

    it("is absent by default: the Deployment keeps Kubernetes' own progress deadline", async () => {
        const { manifests } = await render("staging");
        for (const m of manifests.filter((x) => x.kind === "Deployment"))
            expect((m as { spec: Record<string, unknown> }).spec.progressDeadlineSeconds).toBeUndefined();
    });
});
