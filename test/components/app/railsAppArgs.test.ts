/**
 * What each part of a RailsApp is given, from plain Args: no mock engine, no component built.
 */
import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import type { PodBase } from "../../../components/app/pod";
import type { RailsAppArgs } from "../../../components/app/railsAppArgs";
import {
    canaryArgs,
    cronArgs,
    envArgs,
    migrationArgs,
    podBase,
    routesArgs,
    serviceAccountArgs,
    webArgs,
    workerArgs,
    type WorkloadBase,
} from "../../../components/app/railsAppArgs";
import { clusterIpServiceArgs, webPodArgs } from "../../../components/app/web";
import { appSchema, canarySchema, runningCanary } from "../../../components/config";

const app = appSchema.parse({
    name: "shop",
    image: "registry.example.com/shop",
    env: { A: "1" },
    secretEnv: ["S"],
    web: {
        port: 8080,
        command: ["puma"],
        healthPath: "/ready",
        livenessPath: "/alive",
        minReplicas: 3,
        maxReplicas: 7,
        resources: { cpu: "700m", memory: "1500Mi", memoryLimit: "2Gi" },
        preStopSleepSeconds: 12,
        drainSeconds: 40,
    },
    workers: [
        { name: "default", command: ["sidekiq"], shutdownTimeoutSeconds: 50 },
        {
            name: "mail",
            command: ["sidekiq", "-q", "mail"],
            resources: { cpu: "100m", memory: "300Mi" },
            nodeSelector: { pool: "workers" },
            tolerations: [{ key: "dedicated", value: "workers", effect: "NoSchedule" }],
        },
    ],
    cron: [{ name: "nightly", schedule: "@daily", command: ["rake", "n"], timeZone: "Europe/Berlin" }],
    migrate: { command: ["rake", "db:migrate"], activeDeadlineSeconds: 1200, backoffLimit: 1 },
    runAsUser: 1234,
    writablePaths: ["/scratch"],
});
const args: RailsAppArgs = {
    app,
    imageTag: "1.0.0",
    namespace: "shop-ns",
    hosts: { public: ["shop.example.com"], internal: ["shop.internal"] },
    ingressClasses: { public: "public", internal: "internal" },
    offloadedListener: "tls-offloaded",
    routePolicies: { internal: ["basic-auth"] },
};
const canary = runningCanary(
    canarySchema.parse({ imageTag: "1.1.0", cookie: { name: "canary", value: "yes" }, weight: 10 }),
)!;
const pod: PodBase = {
    env: { configMapName: "shop-env-cm", secretName: "shop-env-secret" },
    serviceAccountName: "shop",
    runAsUser: 1234,
    writablePaths: ["/scratch"],
};
// Stand-ins compared by identity: the mappers pass them through, never look inside.
const migrationJob = { stand: "migration job" } as unknown as pulumi.Resource;
const canaryDeployment = { stand: "canary deployment" } as unknown as pulumi.Resource;
const base: WorkloadBase = { pod, gate: [migrationJob] };

function resolved<T>(value: pulumi.Input<T> | undefined): Promise<T> {
    return new Promise((resolve) => (value as pulumi.Output<T>).apply((v) => resolve(v)));
}

describe("the app's shared objects", () => {
    it("names the ServiceAccount after the app and mounts no token unless asked", () => {
        const sa = serviceAccountArgs(args);
        expect(sa.metadata).toEqual({
            name: "shop",
            namespace: "shop-ns",
            labels: { "app.kubernetes.io/name": "shop" },
            annotations: {},
        });
        expect(sa.automountServiceAccountToken).toBe(false);
        expect(serviceAccountArgs({ ...args, automountServiceAccountToken: true }).automountServiceAccountToken).toBe(
            true,
        );
    });

    it("merges the composed env into the app's, plain and secret, and lists the composed secret names", async () => {
        const env = envArgs({
            ...args,
            secrets: { S: "configured" },
            extraEnv: { BUCKET: "shop-bucket" },
            extraSecretEnv: { DATABASE_URL: "postgres://db" },
        });
        expect(env.env).toEqual({ A: "1", BUCKET: "shop-bucket" });
        expect(env.secretEnv).toEqual(["S", "DATABASE_URL"]);
        expect(await resolved(env.secretValues)).toEqual({ S: "configured", DATABASE_URL: "postgres://db" });
    });

    it("gives every pod the env objects, the ServiceAccount, the user and the writable paths", () => {
        expect(podBase(app, { configMapName: "cm", secretName: "sec" }, "sa")).toEqual({
            env: { configMapName: "cm", secretName: "sec" },
            serviceAccountName: "sa",
            runAsUser: 1234,
            writablePaths: ["/scratch"],
        });
    });
});

describe("the migration and the canary", () => {
    it("migrates to the stack's tag with the web pod's resources", () => {
        expect(migrationArgs(args, pod)).toEqual({
            app: "shop",
            namespace: "shop-ns",
            image: { repository: "registry.example.com/shop", tag: "1.0.0" },
            command: ["rake", "db:migrate"],
            pod,
            resources: {
                cpu: "700m",
                memory: "1500Mi",
                memoryLimit: "2Gi",
                ephemeralStorage: "256Mi",
                ephemeralStorageLimit: "2Gi",
            },
            activeDeadlineSeconds: 1200,
            backoffLimit: 1,
        });
    });

    it("migrates with its own resources when app.migrate.resources is set, the unset keys at their defaults", () => {
        const own = appSchema.parse({ ...app, migrate: { ...app.migrate, resources: { memory: "256Mi" } } });
        expect(migrationArgs({ ...args, app: own }, pod).resources).toEqual({
            cpu: "250m",
            memory: "256Mi",
            memoryLimit: "256Mi",
            ephemeralStorage: "256Mi",
            ephemeralStorageLimit: "2Gi",
        });
    });

    it("runs the canary at its own tag under its own Deployment name, with the stable web pods' settings", () => {
        const c = canaryArgs(args, canary, pod);
        expect(c.image).toEqual({ repository: "registry.example.com/shop", tag: "1.1.0" });
        expect(c.web.workload).toBe("shop-web-canary");
        expect(c.web).toMatchObject({ port: 8080, command: ["puma"], drainSeconds: 40, pod });
        expect(c.migration).not.toHaveProperty("image");
        expect(c.migration.command).toEqual(["rake", "db:migrate"]);
    });
});

describe("the web pods", () => {
    it("run the stack's tag after the migration, under the app's web name", () => {
        const web = webArgs(args, base);
        expect(web.workload).toBe("shop-web");
        expect(web.image).toEqual({ repository: "registry.example.com/shop", tag: "1.0.0" });
        expect(web.dependsOn).toEqual([migrationJob]);
        expect(web.dependsOn[0]).toBe(migrationJob);
        expect(web).toMatchObject({
            port: 8080,
            healthPath: "/ready",
            livenessPath: "/alive",
            preStopSleepSeconds: 12,
            drainSeconds: 40,
            scaling: { minReplicas: 3, maxReplicas: 7 },
        });
    });

    it("route every host to the stable pods when no canary runs", () => {
        expect(webArgs(args, base).routes).toEqual({
            hosts: args.hosts,
            ingressClasses: args.ingressClasses,
            offloadedListener: "tls-offloaded",
            policies: { internal: ["basic-auth"] },
            canary: undefined,
        });
    });

    it("send the canary's cookie and share of traffic to the canary's Service, once its Deployment is ready, keeping visitors on their side by a cookie of the canary's tag", () => {
        const routes = routesArgs(
            { ...args, canary },
            { serviceName: "shop-web-canary", deployment: canaryDeployment },
        );
        expect(routes.canary).toEqual({
            serviceName: "shop-web-canary",
            deployment: canaryDeployment,
            cookie: { name: "canary", value: "yes" },
            header: undefined,
            weight: 10,
            sticky: { name: "capstan_side", release: canary.imageTag },
        });
        // The TLS listener the NLB offloads to is the platform's; the routes name it as given.
        expect(routes.offloadedListener).toBe("tls-offloaded");
    });

    it("give a stopping pod the preStop sleep, the drain and a margin before SIGKILL, and spread by the selector", () => {
        const p = webPodArgs(webArgs(args, base));
        expect(p.terminationGracePeriodSeconds).toBe(12 + 40 + 5);
        expect(p.probes).toEqual({ port: 8080, healthPath: "/ready", livenessPath: "/alive" });
        expect(p.spreadLabels).toEqual({ "app.kubernetes.io/name": "shop", "app.kubernetes.io/instance": "shop-web" });
    });

    it("are reached through a ClusterIP Service on port 80 that targets the pods' http port", () => {
        const svc = clusterIpServiceArgs(webArgs(args, base), { role: "web" });
        expect(svc.metadata).toEqual({ name: "shop-web", namespace: "shop-ns", labels: { role: "web" } });
        expect(svc.spec).toEqual({
            type: "ClusterIP",
            selector: { "app.kubernetes.io/name": "shop", "app.kubernetes.io/instance": "shop-web" },
            ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
        });
    });
});

describe.each([
    {
        worker: 0,
        expected: {
            workload: "shop-worker-default",
            command: ["sidekiq"],
            shutdownTimeoutSeconds: 50,
            resources: { cpu: "250m", memory: "512Mi", memoryLimit: "512Mi" },
            nodeSelector: {},
            tolerations: [],
        },
    },
    {
        worker: 1,
        expected: {
            workload: "shop-worker-mail",
            command: ["sidekiq", "-q", "mail"],
            shutdownTimeoutSeconds: 25,
            resources: { cpu: "100m", memory: "300Mi", memoryLimit: "300Mi" },
            nodeSelector: { pool: "workers" },
            tolerations: [{ key: "dedicated", value: "workers", effect: "NoSchedule" }],
        },
    },
])("worker $expected.workload", ({ worker, expected }) => {
    it("runs its own command and placement at the stack's tag, after the migration", () => {
        const w = workerArgs(args, app.workers[worker], base);
        expect(w).toMatchObject({ ...expected, app: "shop", namespace: "shop-ns", pod });
        expect(w.image).toEqual({ repository: "registry.example.com/shop", tag: "1.0.0" });
        expect(w.dependsOn[0]).toBe(migrationJob);
    });
});

describe("a cron task", () => {
    it("runs its schedule in its time zone at the stack's tag, after the migration", () => {
        const c = cronArgs(args, app.cron[0], base);
        expect(c).toMatchObject({
            app: "shop",
            workload: "shop-cron-nightly",
            namespace: "shop-ns",
            image: { repository: "registry.example.com/shop", tag: "1.0.0" },
            schedule: "@daily",
            command: ["rake", "n"],
            timeZone: "Europe/Berlin",
            startingDeadlineSeconds: 300,
            activeDeadlineSeconds: 3600,
            backoffLimit: 0,
            pod,
        });
        expect(c.dependsOn[0]).toBe(migrationJob);
    });
});
