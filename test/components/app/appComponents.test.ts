/**
 * Each part of components/app on its own, under the mock engine: what it declares for good Args,
 * and the error it gives for bad ones.
 */
import { describe, expect, it } from "vitest";
import { RESTRICTED_POD_SECURITY } from "../../../components/platform/access";
import { OFFLOADED_LISTENER } from "../../../components/platform/ingressContract";
import {
    AppEnv,
    AppNamespace,
    CronTask,
    Migration,
    migrationJobName,
    RailsApp,
    WebService,
    WorkerPool,
} from "../../../components/app";
import { scalingProblems } from "../../../components/app/autoscaled";
import { cronProblems } from "../../../components/app/cron";
import { migrationProblems } from "../../../components/app/migration";
import type { PodBase } from "../../../components/app/pod";
import { railsAppProblems } from "../../../components/app/railsAppArgs";
import { routeProblems, type WebRoutesArgs } from "../../../components/app/routes";
import { webProblems } from "../../../components/app/web";
import { SHUTDOWN_TIMEOUT_ENV, workerProblems } from "../../../components/app/worker";
import { appSchema } from "../../../components/config";
import { isSecretValue } from "../../../scripts/render/engine";
import { ofType, type RecordedResource, runComponents } from "../../harness";

const pod: PodBase = {
    env: { configMapName: "env-cm", secretName: "env-secret" },
    serviceAccountName: "sa",
    runAsUser: 1000,
    writablePaths: ["/tmp", "/rails/tmp"],
};
const resources = {
    cpu: "250m",
    memory: "512Mi",
    memoryLimit: "512Mi",
    ephemeralStorage: "256Mi",
    ephemeralStorageLimit: "2Gi",
};
const scaling = { minReplicas: 2, maxReplicas: 4, targetCPUUtilization: 60 };
const routes: WebRoutesArgs = {
    hosts: { public: ["a.example.com", "b.example.com"], internal: ["i.example.com"] },
    ingressClasses: { public: "public", internal: "internal" },
    offloadedListener: OFFLOADED_LISTENER.name,
};
const webArgs = {
    app: "shop",
    workload: "shop-web",
    namespace: "shop",
    image: { repository: "registry.example.com/shop", tag: "1.0.0" },
    port: 3000,
    healthPath: "/up",
    scaling,
    resources,
    preStopSleepSeconds: 15,
    drainSeconds: 30,
    pod,
    dependsOn: [],
};
const state = (r: RecordedResource) => r.state as Record<string, any>;
const one = (rs: RecordedResource[], type: string) => {
    const found = ofType(rs, type);
    expect(found, type).toHaveLength(1);
    return state(found[0]);
};

describe("bad Args are refused, naming the field", () => {
    it.each([
        ["minReplicas 0", () => scalingProblems({ ...scaling, minReplicas: 0 }), "minReplicas"],
        [
            "min above max",
            () => scalingProblems({ ...scaling, minReplicas: 5 }),
            "minReplicas: 5 must be less than or equal to maxReplicas (4)",
        ],
        ["CPU target 0", () => scalingProblems({ ...scaling, targetCPUUtilization: 0 }), "targetCPUUtilization"],
        ["web port 0", () => webProblems({ ...webArgs, port: 0 }), "port"],
        ["relative health path", () => webProblems({ ...webArgs, healthPath: "up" }), "healthPath"],
        ["relative liveness path", () => webProblems({ ...webArgs, livenessPath: "live" }), "livenessPath"],
        ["negative preStop sleep", () => webProblems({ ...webArgs, preStopSleepSeconds: -1 }), "preStopSleepSeconds"],
        ["worker without command", () => workerProblems({ command: [] }), "command"],
        [
            "worker shutdown 0",
            () => workerProblems({ command: ["x"], shutdownTimeoutSeconds: 0 }),
            "shutdownTimeoutSeconds",
        ],
        ["cron with four fields", () => cronProblems({ schedule: "0 3 * *", command: ["x"] }), "schedule"],
        ["cron minute out of range", () => cronProblems({ schedule: "61 3 * * *", command: ["x"] }), "schedule"],
        ["cron without command", () => cronProblems({ schedule: "@daily", command: [] }), "command"],
        [
            "cron run deadline below the config's minimum",
            () => cronProblems({ schedule: "@daily", command: ["x"], activeDeadlineSeconds: 5 }),
            "activeDeadlineSeconds: 5 is less than the minimum 10",
        ],
        [
            "migration deadline below the config's minimum",
            () =>
                migrationProblems({
                    command: ["x"],
                    activeDeadlineSeconds: 20,
                    image: { repository: "r/shop", tag: "1" },
                }),
            "activeDeadlineSeconds: 20 is less than the minimum 30",
        ],
        [
            "cron deadline 1",
            () => cronProblems({ schedule: "@daily", command: ["x"], startingDeadlineSeconds: 1 }),
            "startingDeadlineSeconds",
        ],
        [
            "migration without command",
            () =>
                migrationProblems({
                    command: [],
                    activeDeadlineSeconds: 60,
                    image: { repository: "r/shop", tag: "1" },
                }),
            "command",
        ],
        [
            "migration deadline 0",
            () =>
                migrationProblems({
                    command: ["x"],
                    activeDeadlineSeconds: 0,
                    image: { repository: "r/shop", tag: "1" },
                }),
            "activeDeadlineSeconds",
        ],
        [
            "migration without tag",
            () =>
                migrationProblems({
                    command: ["x"],
                    activeDeadlineSeconds: 60,
                    image: { repository: "r/shop", tag: "" },
                }),
            "image.tag",
        ],
        ["no public host", () => routeProblems({ ...routes, hosts: { public: [] } }), "hosts.public"],
        [
            "internal hosts without an internal class",
            () => routeProblems({ ...routes, ingressClasses: { public: "public" } }),
            "hosts.internal",
        ],
        [
            "a host twice",
            () => routeProblems({ ...routes, hosts: { public: ["a.example.com"], internal: ["a.example.com"] } }),
            "a.example.com is listed twice",
        ],
        [
            "canary weight 101",
            () =>
                routeProblems({
                    ...routes,
                    canary: { serviceName: "c", cookie: { name: "c", value: "1" }, weight: 101 },
                }),
            "canary.weight",
        ],
        ["unreachable canary", () => routeProblems({ ...routes, canary: { serviceName: "c", weight: 0 } }), "canary:"],
    ])("%s", (_case, problems, expected) => {
        expect(problems().join("\n")).toContain(expected);
    });

    const app = appSchema.parse({
        name: "shop",
        image: "registry.example.com/shop",
        env: { A: "1" },
        secretEnv: ["S"],
        migrate: { command: ["m"] },
    });
    it.each([
        ["extraEnv repeating app.env", { extraEnv: { A: "2" } }, "extraEnv.A"],
        ["extraEnv repeating a secret", { extraEnv: { S: "2" } }, "extraEnv.S"],
    ])("RailsApp: %s", (_case, extra, expected) => {
        expect(railsAppProblems({ app, ...extra }).join("\n")).toContain(expected);
    });

    it.each([
        [
            "WebService with min above max",
            () => new WebService("w", { ...webArgs, scaling: { ...scaling, minReplicas: 9 } }),
            /minReplicas: 9/,
        ],
        [
            "WorkerPool without command",
            () => new WorkerPool("w", { ...webArgs, workload: "shop-worker-x", command: [], scaling, resources }),
            /command/,
        ],
        [
            "CronTask with a bad schedule",
            () => new CronTask("c", { ...webArgs, workload: "shop-cron-x", schedule: "every day", command: ["x"] }),
            /schedule/,
        ],
        [
            "Migration without command",
            () =>
                new Migration("m", {
                    app: "shop",
                    namespace: "shop",
                    image: { repository: "r/shop", tag: "1" },
                    command: [],
                    pod,
                    resources,
                    activeDeadlineSeconds: 60,
                }),
            /command/,
        ],
        [
            "AppNamespace named default",
            () => new AppNamespace("ns", { name: "default", podSecurity: RESTRICTED_POD_SECURITY }),
            /system namespace/,
        ],
    ])("%s fails the run", async (_case, fn, message) => {
        await expect(runComponents(fn)).rejects.toThrow(message);
    });
});

describe("AppEnv", () => {
    it.each([
        ["plain and secret env", ["S1", "S2"], 1],
        ["plain env only", [], 0],
    ])("with %s declares a ConfigMap, and a Secret only for secret names", async (_c, secretEnv, secrets) => {
        const rs = (
            await runComponents(
                () =>
                    new AppEnv("env", {
                        namespace: "shop",
                        labels: {},
                        env: { A: "1" },
                        secretEnv,
                        secretValues: { S1: "v1-s3cret", S2: "v2-s3cret", OTHER: "x" },
                    }),
                { secrets: {} },
            )
        ).resources;
        const cm = one(rs, "kubernetes:core/v1:ConfigMap");
        expect(cm.data).toEqual({ A: "1" });
        expect(cm.metadata.name).toMatch(/^env-[0-9a-f]{8}$/);
        const secretObjs = ofType(rs, "kubernetes:core/v1:Secret");
        expect(secretObjs).toHaveLength(secrets);
        for (const s of secretObjs) {
            expect(isSecretValue(s.inputs.stringData)).toBe(true);
            expect(Object.keys((s.inputs.stringData as { value: Record<string, string> }).value)).toEqual(["S1", "S2"]);
        }
    });
});

describe("Migration", () => {
    it("names the Job after the tag, so a new tag means a new Job, and a canary's differs", () => {
        expect(migrationJobName("shop", "1.0.0")).toBe(migrationJobName("shop", "1.0.0"));
        expect(migrationJobName("shop", "1.0.0")).not.toBe(migrationJobName("shop", "1.0.1"));
        expect(migrationJobName("shop", "1.0.0", "canary")).not.toBe(migrationJobName("shop", "1.0.0"));
        expect(migrationJobName("shop", "1.0.0")).toMatch(/^shop-migrate-[0-9a-f]{8}$/);
    });

    it("runs once, without retries or TTL, with the web pod's image, env and service account", async () => {
        const rs = (
            await runComponents(
                () =>
                    new Migration("m", {
                        app: "shop",
                        namespace: "shop",
                        image: { repository: "r/shop", tag: "1.2" },
                        command: ["rake", "db:migrate"],
                        pod,
                        resources,
                        activeDeadlineSeconds: 600,
                    }),
            )
        ).resources;
        const job = one(rs, "kubernetes:batch/v1:Job");
        expect(job.metadata.name).toBe(migrationJobName("shop", "1.2"));
        // The Job's name is fixed per tag: a changed template (new env, same tag) is replaced, and
        // Kubernetes refuses a second Job of that name while the old one exists.
        expect(ofType(rs, "kubernetes:batch/v1:Job")[0].deleteBeforeReplace).toBe(true);
        expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 600 });
        expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
        const spec = job.spec.template.spec;
        expect(spec).toMatchObject({ restartPolicy: "Never", serviceAccountName: "sa" });
        expect(spec.containers[0]).toMatchObject({
            image: "r/shop:1.2",
            command: ["rake", "db:migrate"],
            envFrom: [{ configMapRef: { name: "env-cm" } }, { secretRef: { name: "env-secret" } }],
        });
    });
});

describe("WebService", () => {
    it.each([
        ["public and internal hosts", 3, routes],
        ["public hosts only", 1, { ...routes, hosts: { public: ["a.example.com"] } }],
        ["no routes", 0, undefined],
    ])("with %s declares Deployment, Service, HPA, PDB and %i VirtualServers", async (_c, count, r) => {
        const rs = (await runComponents(() => new WebService("web", { ...webArgs, routes: r }))).resources;
        const d = one(rs, "kubernetes:apps/v1:Deployment");
        expect(d.spec.replicas).toBeUndefined();
        // The preStop sleep (15) and the drain (30) end before SIGKILL, with 5 s to spare.
        expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(50);
        expect(one(rs, "kubernetes:core/v1:Service").spec).toMatchObject({
            type: "ClusterIP",
            selector: d.spec.selector.matchLabels,
        });
        expect(one(rs, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").spec).toMatchObject({
            minReplicas: 2,
            maxReplicas: 4,
            scaleTargetRef: { name: "shop-web" },
        });
        expect(one(rs, "kubernetes:policy/v1:PodDisruptionBudget").spec.selector.matchLabels).toEqual(
            d.spec.selector.matchLabels,
        );
        const servers = ofType(rs, "kubernetes:k8s.nginx.org/v1:VirtualServer").map(state);
        expect(servers).toHaveLength(count);
        for (const vs of servers)
            expect(vs.spec.ingressClassName).toBe(r!.hosts.internal?.includes(vs.spec.host) ? "internal" : "public");
    });

    it("lets a drain evict pods that never became ready, one ready pod at a time (PodDisruptionBudget)", async () => {
        const rs = (
            await runComponents(() => {
                new WebService("web", webArgs);
                new WorkerPool("wk", { ...webArgs, workload: "shop-worker-x", command: ["sidekiq"] });
            })
        ).resources;
        const pdbs = ofType(rs, "kubernetes:policy/v1:PodDisruptionBudget").map(state);
        const deployments = ofType(rs, "kubernetes:apps/v1:Deployment").map(state);
        expect(pdbs).toHaveLength(2);
        for (const [i, pdb] of pdbs.entries())
            expect(pdb.spec).toEqual({
                maxUnavailable: 1,
                selector: { matchLabels: deployments[i].spec.selector.matchLabels },
                // The default, IfHealthyBudget, counts a crash-looping pod against the budget: with
                // one pod of a bad release unready, no pod of the workload could be evicted and every
                // node drain (autoscaler scale-down, AMI roll) would stall on it.
                unhealthyPodEvictionPolicy: "AlwaysAllow",
            });
    });

    it("attaches a class's policies to that class's VirtualServers only", async () => {
        const rs = (
            await runComponents(
                () =>
                    new WebService("web", { ...webArgs, routes: { ...routes, policies: { public: ["basic-auth"] } } }),
            )
        ).resources;
        for (const vs of ofType(rs, "kubernetes:k8s.nginx.org/v1:VirtualServer").map(state)) {
            expect(vs.spec.policies).toEqual(
                vs.spec.ingressClassName === "public" ? [{ name: "basic-auth" }] : undefined,
            );
        }
    });
});

describe("WorkerPool", () => {
    it.each([
        // The grace period is the shutdown timeout plus 10 s for the process to exit after its jobs.
        ["on any node", {}, [], 25, 35, undefined],
        [
            "on a worker node group",
            { role: "workers" },
            [{ key: "role", value: "workers", effect: "NoSchedule" }],
            90,
            100,
            // Equal, with the taint's value: Kubernetes refuses a value beside operator Exists.
            [{ key: "role", operator: "Equal", value: "workers", effect: "NoSchedule" }],
        ],
    ])(
        "%s: a Deployment, HPA and PDB, no Service, a grace period past the shutdown timeout",
        async (_c, nodeSelector, tolerations, timeout, grace, expectedTolerations) => {
            const rs = (
                await runComponents(
                    () =>
                        new WorkerPool("wk", {
                            ...webArgs,
                            workload: "shop-worker-x",
                            command: ["sidekiq"],
                            shutdownTimeoutSeconds: timeout,
                            nodeSelector,
                            tolerations,
                        }),
                )
            ).resources;
            expect(ofType(rs, "kubernetes:core/v1:Service")).toEqual([]);
            expect(ofType(rs, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler")).toHaveLength(1);
            expect(ofType(rs, "kubernetes:policy/v1:PodDisruptionBudget")).toHaveLength(1);
            const spec = one(rs, "kubernetes:apps/v1:Deployment").spec.template.spec;
            expect(spec.terminationGracePeriodSeconds).toBe(grace);
            expect(spec.nodeSelector).toEqual(Object.keys(nodeSelector).length ? nodeSelector : undefined);
            expect(spec.tolerations).toEqual(expectedTolerations);
            expect(spec.containers[0].ports).toBeUndefined();
        },
    );
});

describe("a worker's shutdown timeout", () => {
    it.each([undefined, 60])(
        "(%s) reaches the worker process as SHUTDOWN_TIMEOUT_SECONDS, inside the grace period",
        async (timeout) => {
            const rs = (
                await runComponents(
                    () =>
                        new WorkerPool("wk", {
                            ...webArgs,
                            workload: "shop-worker-x",
                            command: ["sidekiq", "-t", "$(SHUTDOWN_TIMEOUT_SECONDS)"],
                            shutdownTimeoutSeconds: timeout,
                        }),
                )
            ).resources;
            const spec = one(rs, "kubernetes:apps/v1:Deployment").spec.template.spec;
            const env = Object.fromEntries(
                (spec.containers[0].env ?? []).map((e: { name: string; value: string }) => [e.name, e.value]),
            );
            expect(env[SHUTDOWN_TIMEOUT_ENV]).toBe(String(timeout ?? 25));
            expect(Number(env[SHUTDOWN_TIMEOUT_ENV])).toBeLessThan(spec.terminationGracePeriodSeconds);
        },
    );
});

describe("CronTask", () => {
    it.each([
        ["with a time zone", "Europe/Berlin"],
        ["in the controller's time zone", undefined],
    ])("%s: one run at a time, deadlines, history limits", async (_c, timeZone) => {
        const rs = (
            await runComponents(
                () =>
                    new CronTask("c", {
                        ...webArgs,
                        workload: "shop-cron-x",
                        schedule: "15 3 * * *",
                        command: ["rake", "x"],
                        timeZone,
                        backoffLimit: 1,
                    }),
            )
        ).resources;
        const cj = one(rs, "kubernetes:batch/v1:CronJob").spec;
        expect(cj).toMatchObject({
            schedule: "15 3 * * *",
            concurrencyPolicy: "Forbid",
            startingDeadlineSeconds: 300,
            successfulJobsHistoryLimit: 3,
            failedJobsHistoryLimit: 3,
        });
        expect(cj.timeZone).toBe(timeZone);
        expect(cj.jobTemplate.spec).toMatchObject({ backoffLimit: 1, activeDeadlineSeconds: 3600 });
        expect(cj.jobTemplate.spec.template.spec.restartPolicy).toBe("Never");
    });
});

describe("AppNamespace", () => {
    it("labels the namespace to enforce, warn about and audit the restricted profile", async () => {
        const ns = one(
            (await runComponents(() => new AppNamespace("ns", { name: "shop", podSecurity: RESTRICTED_POD_SECURITY })))
                .resources,
            "kubernetes:core/v1:Namespace",
        );
        expect(ns.metadata.name).toBe("shop");
        for (const mode of ["enforce", "warn", "audit"])
            expect(ns.metadata.labels[`pod-security.kubernetes.io/${mode}`]).toBe("restricted");
    });
});

describe("RailsApp", () => {
    const app = appSchema.parse({
        name: "shop",
        image: "registry.example.com/shop",
        env: { A: "1" },
        secretEnv: ["S"],
        workers: [{ name: "default", command: ["sidekiq"] }],
        cron: [{ name: "nightly", schedule: "@daily", command: ["rake", "n"] }],
        migrate: { command: ["rake", "db:migrate"] },
    });
    const build = (extra: object = {}) =>
        runComponents(
            () =>
                new RailsApp("shop", {
                    app,
                    imageTag: "1.0.0",
                    namespace: "shop-ns",
                    secrets: { S: "s" },
                    hosts: { public: ["shop.example.com"] },
                    ingressClasses: { public: "public" },
                    offloadedListener: OFFLOADED_LISTENER.name,
                    ...extra,
                }),
        );

    it("puts every object in its namespace and runs pods as a ServiceAccount without a mounted token", async () => {
        const rs = (await build()).resources.filter((r) => r.custom);
        for (const r of rs) expect(state(r).metadata.namespace, r.name).toBe("shop-ns");
        const sa = one(rs, "kubernetes:core/v1:ServiceAccount");
        expect(sa.automountServiceAccountToken).toBe(false);
        expect(ofType(rs, "kubernetes:apps/v1:Deployment")).toHaveLength(2);
        expect(ofType(rs, "kubernetes:batch/v1:CronJob")).toHaveLength(1);
    });

    it("merges extraEnv into the ConfigMap and annotates the ServiceAccount", async () => {
        const rs = (
            await build({
                extraEnv: { BUCKET: "shop-bucket" },
                serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/shop" },
            })
        ).resources;
        expect(one(rs, "kubernetes:core/v1:ConfigMap").data).toEqual({ A: "1", BUCKET: "shop-bucket" });
        expect(one(rs, "kubernetes:core/v1:ServiceAccount").metadata.annotations).toEqual({
            "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/shop",
        });
    });
});
