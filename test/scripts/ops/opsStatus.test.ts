/**
 * `capstan status`'s report and `capstan run`'s progress, from API objects recorded as the API
 * server returns them: a rollout, an autoscaler at its maximum, the migration, cron, the canary,
 * and a Pending pod with the scheduler's reason and cluster-autoscaler's.
 */
import type { CoreV1Event, V1Deployment, V1Job, V1Pod } from "@kubernetes/client-node";
import type { Progress } from "../../../scripts/release/progress";
import { describe, expect, it } from "vitest";
import { podProgress } from "../../../scripts/ops/podProgress";
import {
    blueGreenLines,
    pendingReason,
    rollout,
    statusReport,
    tagOf,
    type StatusInput,
} from "../../../scripts/ops/statusReport";

const IMAGE = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/phraseapp";

function deployment(name: string, tag: string, status: Record<string, number>, generation = 2): V1Deployment {
    return {
        metadata: { name, generation },
        spec: {
            replicas: 2,
            selector: {},
            template: { spec: { containers: [{ name: "web", image: `${IMAGE}:${tag}` }] } },
        },
        status: { observedGeneration: generation, ...status },
    };
}

const DONE = { replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 };

function pendingPod(name: string): V1Pod {
    return {
        metadata: { name },
        spec: { containers: [{ name: "web", image: `${IMAGE}:a` }] },
        status: {
            phase: "Pending",
            conditions: [
                {
                    type: "PodScheduled",
                    status: "False",
                    reason: "Unschedulable",
                    message: "0/6 nodes are available: 6 node(s) didn't match Pod's node affinity/selector.",
                },
            ],
        },
    };
}

function event(pod: string, reason: string, message: string, at = "2026-12-04T20:00:00Z"): CoreV1Event {
    return {
        metadata: { name: `${pod}.${reason}` },
        involvedObject: { kind: "Pod", name: pod },
        reason,
        message,
        lastTimestamp: new Date(at),
    };
}

function migration(
    name: string,
    created: string,
    conditions: { type: string; status: string; reason?: string; message?: string }[],
): V1Job {
    return {
        metadata: { name, creationTimestamp: new Date(created), labels: { "app.kubernetes.io/component": "migrate" } },
        spec: { template: { spec: { containers: [{ name: "migrate", image: `${IMAGE}:b` }] } } },
        status: { conditions: conditions.map((c) => ({ ...c, lastTransitionTime: new Date(created) })) },
    };
}

const base: StatusInput = {
    stack: "staging",
    namespace: "phraseapp",
    configuredTag: "b",
    deployedTag: "b",
    deployments: [deployment("phraseapp-web", "b", DONE)],
    hpas: [],
    jobs: [],
    cronJobs: [],
    pods: [],
    events: [],
};

const report = (over: Partial<StatusInput>) => statusReport({ ...base, ...over });
const text = (over: Partial<StatusInput>) => report(over).lines.join("\n");

describe("capstan status", () => {
    it("reports a finished rollout as complete and everything well", () => {
        const r = report({});
        expect(r.lines).toContain("  phraseapp-web (b): complete: 2 updated, 2 ready, 2 available of 2");
        expect(r.ok).toBe(true);
    });

    it.each([
        [
            "a rollout with old pods",
            { replicas: 3, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 },
            /in progress: 1 updated.*2 old pod/,
        ],
        ["a rollout not yet seen by the controller", { ...DONE, observedGeneration: 1 }, /in progress/],
    ])("reports %s as in progress, and needing attention", (_what, status, line) => {
        const r = report({ deployments: [deployment("phraseapp-web", "b", status)] });
        expect(r.lines.join("\n")).toMatch(line);
        expect(r.ok).toBe(false);
    });

    it("says when a rollout failed its progress deadline", () => {
        const d = deployment("phraseapp-web", "b", { replicas: 3, updatedReplicas: 1 });
        d.status!.conditions = [
            {
                type: "Progressing",
                status: "False",
                reason: "ProgressDeadlineExceeded",
                message: "ReplicaSet x has timed out progressing.",
            },
        ];
        expect(rollout(d)).toEqual(
            expect.objectContaining({ done: false, text: expect.stringMatching(/^FAILED \(ProgressDeadlineExceeded/) }),
        );
    });

    it("shows the deployed and the configured tag, and says plainly when they differ", () => {
        expect(text({})).toContain("Image tag: deployed b, configured b\n");
        expect(text({ configuredTag: "a" })).toMatch(/deployed b, configured a: THE STACK FILE DIFFERS FROM WHAT RUNS/);
    });

    it("says when an autoscaler sits at its maximum", () => {
        const hpa = (desired: number) => ({
            metadata: { name: "phraseapp-web" },
            spec: { minReplicas: 2, maxReplicas: 10, scaleTargetRef: { kind: "Deployment", name: "phraseapp-web" } },
            status: { currentReplicas: desired, desiredReplicas: desired },
        });
        expect(text({ hpas: [hpa(10)] })).toMatch(/phraseapp-web: 10 current, 10 desired \(min 2, max 10\); AT MAX/);
        expect(text({ hpas: [hpa(4)] })).not.toMatch(/AT MAX/);
    });

    it("reports the stack's migration Job, failed or succeeded, over older ones", () => {
        const old = migration("phraseapp-migrate-1", "2026-12-01T00:00:00Z", [{ type: "Complete", status: "True" }]);
        const failed = migration("phraseapp-migrate-2", "2026-12-04T00:00:00Z", [
            {
                type: "Failed",
                status: "True",
                reason: "BackoffLimitExceeded",
                message: "Job has reached the specified backoff limit",
            },
        ]);
        const r = report({ jobs: [old, failed], migrationJob: "phraseapp-migrate-2" });
        expect(r.lines).toContain(
            "Migration: phraseapp-migrate-2 (b): FAILED (BackoffLimitExceeded: Job has reached the specified backoff limit)",
        );
        expect(r.ok).toBe(false);
        expect(text({ jobs: [old], migrationJob: "phraseapp-migrate-1" })).toMatch(
            /Migration: phraseapp-migrate-1 \(b\): succeeded/,
        );
    });

    it("reports the stack's assets Job with the tag it uploaded, and nothing of assets for a stack without them", () => {
        const job: V1Job = {
            metadata: {
                name: "phraseapp-assets-1",
                creationTimestamp: new Date("2026-12-04T00:00:00Z"),
                labels: { "app.kubernetes.io/component": "assets" },
            },
            spec: {
                template: {
                    spec: {
                        initContainers: [{ name: "copy", image: `${IMAGE}:b` }],
                        containers: [{ name: "upload", image: "public.ecr.aws/aws-cli/aws-cli:2.27.50" }],
                    },
                },
            },
            status: {
                conditions: [
                    {
                        type: "Failed",
                        status: "True",
                        reason: "BackoffLimitExceeded",
                        message: "Job has reached the specified backoff limit",
                        lastTransitionTime: new Date("2026-12-04T00:01:00Z"),
                    },
                ],
            },
        };
        const r = report({ jobs: [job], assetsJob: "phraseapp-assets-1" });
        expect(r.lines).toContain(
            "Assets: phraseapp-assets-1 (b): FAILED (BackoffLimitExceeded: Job has reached the specified backoff limit)",
        );
        expect(r.ok).toBe(false);
        expect(text({})).not.toMatch(/Assets/);
        expect(text({ assetsJob: "phraseapp-assets-2" })).toContain(
            "Assets: phraseapp-assets-2 is gone from the cluster",
        );
    });

    it("gives each CronJob's last schedule and last success", () => {
        const cron = {
            metadata: { name: "phraseapp-cron-cleanup" },
            spec: { schedule: "15 3 * * *", jobTemplate: {} },
            status: {
                lastScheduleTime: new Date("2026-12-04T03:15:00Z"),
                lastSuccessfulTime: new Date("2026-12-03T03:16:10Z"),
            },
        };
        expect(text({ cronJobs: [cron] })).toContain(
            '  phraseapp-cron-cleanup "15 3 * * *": last scheduled 2026-12-04T03:15:00Z, last success 2026-12-03T03:16:10Z',
        );
    });

    it("gives the canary's phase, and a step configured but not deployed", () => {
        expect(text({})).toMatch(/Canary:\n {2}none/);
        expect(text({ canary: { imageTag: "c", weight: 0 }, configuredCanary: { imageTag: "c", weight: 0 } })).toMatch(
            /deployed: c, cookie\/header only/,
        );
        expect(text({ canary: { imageTag: "c", weight: 0 }, configuredCanary: { imageTag: "c", weight: 20 } })).toMatch(
            /configured, not deployed yet: c, weight 20/,
        );
    });

    it("shows a canary run's analysis: its step, the last values against their limits, the verdicts", () => {
        const release: Progress = {
            tag: "c",
            weights: [10, 25, 50],
            step: 1,
            tally: { passed: 2, failed: 0, inconclusive: 1 },
            state: "paused",
            reason: "2 inconclusive intervals, more than inconclusiveLimit (1)",
            last: {
                at: "2026-12-07T13:00:00Z",
                verdict: "inconclusive",
                requests: { canary: 3, stable: 400 },
                checks: [
                    {
                        name: "errorRatio",
                        value: 0,
                        stable: 0.01,
                        limit: "≤ 0.05 and ≤ stable + 0.01",
                        verdict: "inconclusive",
                    },
                ],
            },
            updatedAt: "2026-12-07T13:00:00Z",
        };
        const out = text({
            canary: { imageTag: "c", weight: 25 },
            configuredCanary: { imageTag: "c", weight: 25 },
            release,
        });
        expect(out).toMatch(
            /release of c \(capstan canary run\): paused, step 2 of 3, weight 25%; 2 passing, 0 failed, 1 inconclusive/,
        );
        expect(out).toMatch(/more than inconclusiveLimit \(1\)/);
        expect(out).toMatch(/errorRatio +0 \(stable 0\.01\) +limit ≤ 0\.05 and ≤ stable \+ 0\.01 +inconclusive/);
    });

    it("lists every Pending pod with the scheduler's reason", () => {
        const pod = pendingPod("phraseapp-web-abc");
        const r = report({
            pods: [pod],
            events: [
                event(
                    pod.metadata!.name!,
                    "FailedScheduling",
                    "0/6 nodes are available: 6 node(s) didn't match Pod's node affinity/selector.",
                ),
            ],
        });
        expect(r.lines.join("\n")).toContain(
            "  phraseapp-web-abc:\n    scheduler: 0/6 nodes are available: 6 node(s) didn't match Pod's node affinity/selector.",
        );
        expect(r.ok).toBe(false);
    });

    it("says plainly when the node group is at its maximum size", () => {
        const pod = pendingPod("phraseapp-web-abc");
        const lines = pendingReason(pod, [
            event("phraseapp-web-abc", "FailedScheduling", "0/6 nodes are available: 6 Insufficient cpu."),
            event(
                "phraseapp-web-abc",
                "NotTriggerScaleUp",
                "pod didn't trigger scale-up: 1 max node group size reached",
            ),
            event("other-pod", "NotTriggerScaleUp", "pod didn't trigger scale-up: 2 Insufficient memory"),
        ]);
        expect(lines).toEqual([
            "scheduler: 0/6 nodes are available: 6 Insufficient cpu.",
            expect.stringMatching(
                /^NODE GROUP AT ITS MAXIMUM SIZE: .*1 max node group size reached.*raise the group's maxSize/,
            ),
        ]);
    });
});

describe("capstan run follows its pod", () => {
    const pod = (status: V1Pod["status"]): V1Pod => ({
        metadata: { name: "p" },
        spec: { containers: [{ name: "web", image: `${IMAGE}:nope` }] },
        status,
    });

    it.each([
        ["ErrImagePull", "rpc error: pull access denied"],
        ["ImagePullBackOff", "Back-off pulling image"],
        ["InvalidImageName", "couldn't parse image"],
    ])("gives up at once on %s, naming the image", (reason, message) => {
        const p = podProgress(
            pod({
                phase: "Pending",
                containerStatuses: [
                    {
                        name: "web",
                        image: "",
                        imageID: "",
                        ready: false,
                        restartCount: 0,
                        state: { waiting: { reason, message } },
                    },
                ],
            }),
            [],
        );
        expect(p).toEqual({
            state: "broken",
            problem: `the image ${IMAGE}:nope cannot be pulled: ${reason}: ${message}`,
        });
    });

    it("says why a pod is not scheduled, and keeps waiting", () => {
        const p = podProgress(pendingPod("p"), []);
        expect(p).toEqual({ state: "pending", notes: [expect.stringMatching(/^scheduler: 0\/6 nodes are available/)] });
    });

    it.each([
        [{ terminated: { exitCode: 3, reason: "Error" } }, 3],
        [{ terminated: { exitCode: 0, reason: "Completed" } }, 0],
    ])("ends with the container's exit code", (state, code) => {
        const p = podProgress(
            pod({
                phase: "Failed",
                containerStatuses: [{ name: "web", image: "", imageID: "", ready: false, restartCount: 0, state }],
            }),
            [],
        );
        expect(p).toMatchObject({ state: "finished", exitCode: code });
    });

    it("reads the image tag of an image reference", () => {
        expect(tagOf(`${IMAGE}:2026.12.04-abc`)).toBe("2026.12.04-abc");
        expect(tagOf("localhost:5000/app")).toBeUndefined();
        expect(tagOf("app@sha256:0123")).toBe("sha256:0123");
    });
});

describe("capstan status on a blue/green stack", () => {
    const state = {
        active: { colour: "green", imageTag: "2026.11.21-9a8b7c6" },
        idle: { colour: "blue", imageTag: "2026.11.20-4f2c9e1" },
        switchedAt: "2026-12-07T16:00:00Z",
        scaleDownDelaySeconds: 600,
        previewHosts: ["preview.example.com"],
    };

    it("names the colour that serves, the one behind the preview hosts, and the switch back until the window ends", () => {
        expect(blueGreenLines("prod", state, new Date("2026-12-07T16:05:00Z"))).toEqual([
            "  active: green (2026.11.21-9a8b7c6), reached on the app's hosts",
            "  idle: blue (2026.11.20-4f2c9e1), reached on preview.example.com",
            "  switch back possible until 2026-12-07T16:10:00Z: capstan deploy prod --rollback; after it, capstan release prod finish scales blue down",
        ]);
    });

    it("after the window, points at the finish; before any switch, at the switch", () => {
        expect(blueGreenLines("prod", state, new Date("2026-12-07T16:10:00Z")).at(-1)).toBe(
            "  the switch-back window ended at 2026-12-07T16:10:00Z: capstan release prod finish scales blue down",
        );
        expect(blueGreenLines("prod", { ...state, switchedAt: undefined }, new Date()).at(-1)).toBe(
            "  not switched to yet: capstan release prod switch moves the routes to blue",
        );
        expect(blueGreenLines("prod", { ...state, idle: undefined }, new Date())).toHaveLength(1);
    });
});
