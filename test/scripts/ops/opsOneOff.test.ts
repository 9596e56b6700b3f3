/**
 * The one-off pods of `capstan run` and `capstan console` are made from the web Deployment's pod
 * template as the cluster has it: compared here field by field with the web Deployment that the
 * program renders for a committed stack (its hashed ConfigMap and Secret, its account, its
 * security context), with placement added where the stack sets none.
 */
import type { V1Deployment } from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import { RUN_TO_COMPLETION_POD_ANNOTATIONS } from "../../../components/app/runToCompletion";
import {
    consolePod,
    labelValue,
    ONE_OFF_LABEL,
    oneOffJob,
    oneOffName,
    STARTED_BY_LABEL,
} from "../../../scripts/ops/podFromTemplate";
import { render } from "../../harness";

let web: V1Deployment;

beforeAll(async () => {
    const { manifests } = await render("staging");
    const found = manifests.find(
        (m) => m.kind === "Deployment" && (m.metadata as { name: string }).name === "phraseapp-web",
    );
    if (!found) throw new Error("the staging render has no phraseapp-web Deployment");
    // As the API server returns it, with placement the stack itself does not set.
    web = structuredClone(found);
    const spec = web.spec!.template.spec!;
    spec.nodeSelector = { role: "web" };
    spec.tolerations = [{ key: "role", operator: "Equal", value: "web", effect: "NoSchedule" }];
    spec.affinity = {
        nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                    { matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: ["amd64"] }] },
                ],
            },
        },
    };
}, 60_000);

const options = { name: "phraseapp-run-x", command: ["bin/rails", "db:version"], user: "jane.doe@example.com" };

describe("capstan run's Job", () => {
    const job = () => oneOffJob(web, options);
    const pod = () => job().spec!.template.spec!;
    const container = () => pod().containers[0];
    const webPod = () => web.spec!.template.spec!;
    const webContainer = () => webPod().containers[0];

    it("runs the image the web pods run now, tag included", () => {
        expect(container().image).toBe(webContainer().image);
        expect(container().image).toMatch(/:2026\.\d\d\.\d\d-\w+$/);
    });

    it("gets the current release's env: the hashed ConfigMap and Secret, and every plain variable", () => {
        expect(container().envFrom).toEqual(webContainer().envFrom);
        const refs = (container().envFrom ?? []).map((e) => e.configMapRef?.name ?? e.secretRef?.name);
        expect(refs.some((r) => /^phraseapp-env-\w+/.test(r ?? ""))).toBe(true);
        expect(container().env).toEqual(webContainer().env);
    });

    it("runs as the app's ServiceAccount with the web pods' security contexts", () => {
        expect(pod().serviceAccountName).toBe(webPod().serviceAccountName);
        expect(pod().serviceAccountName).toBe("phraseapp");
        expect(pod().automountServiceAccountToken).toBe(webPod().automountServiceAccountToken);
        expect(pod().securityContext).toEqual(webPod().securityContext);
        expect(container().securityContext).toEqual(webContainer().securityContext);
        expect(pod().volumes).toEqual(webPod().volumes);
        expect(container().volumeMounts).toEqual(webContainer().volumeMounts);
    });

    it("asks for the web pods' resources and lands where they may: node selector, affinity, tolerations", () => {
        expect(container().resources).toEqual(webContainer().resources);
        expect(pod().nodeSelector).toEqual({ role: "web" });
        expect(pod().affinity).toEqual(webPod().affinity);
        expect(pod().tolerations).toEqual(webPod().tolerations);
    });

    it("replaces the command and leaves out what belongs to a server: ports, probes, the preStop drain, the spread", () => {
        expect(container().command).toEqual(["bin/rails", "db:version"]);
        expect(container().args).toBeUndefined();
        expect(webContainer().readinessProbe).toBeDefined();
        for (const field of ["ports", "readinessProbe", "livenessProbe", "startupProbe", "lifecycle"] as const)
            expect(container()[field], field).toBeUndefined();
        expect(webPod().topologySpreadConstraints).toBeDefined();
        expect(pod().topologySpreadConstraints).toBeUndefined();
    });

    it("runs once, is deleted after it finished, and keeps cluster-autoscaler off its node", () => {
        expect(job().spec!.backoffLimit).toBe(0);
        expect(pod().restartPolicy).toBe("Never");
        expect(job().spec!.ttlSecondsAfterFinished).toBeGreaterThan(0);
        expect(job().spec!.template.metadata!.annotations).toMatchObject(RUN_TO_COMPLETION_POD_ANNOTATIONS);
        expect(job().spec!.activeDeadlineSeconds).toBeUndefined();
        expect(oneOffJob(web, { ...options, activeDeadlineSeconds: 600 }).spec!.activeDeadlineSeconds).toBe(600);
    });

    it("says it is a one-off and who started it, on the Job and its pod, in the web Deployment's namespace", () => {
        for (const labels of [job().metadata!.labels!, job().spec!.template.metadata!.labels!]) {
            expect(labels[ONE_OFF_LABEL]).toBe("true");
            expect(labels[STARTED_BY_LABEL]).toBe("jane.doe-example.com");
            expect(labels["app.kubernetes.io/name"]).toBe("phraseapp");
            expect(labels["app.kubernetes.io/component"]).toBe("run");
        }
        expect(job().metadata!.namespace).toBe(web.metadata!.namespace);
        // Not the web pods' labels: a one-off must never join the web Service or its disruption budget.
        expect(job().spec!.template.metadata!.labels!["app.kubernetes.io/instance"]).not.toBe(
            web.spec!.template.metadata!.labels!["app.kubernetes.io/instance"],
        );
    });
});

describe("capstan console's pod", () => {
    const pod = () => consolePod(web, { ...options, command: ["bin/rails", "console"], activeDeadlineSeconds: 3600 });

    it("is the same template with a TTY on stdin, bounded by an active deadline, never restarted", () => {
        const spec = pod().spec!;
        expect(spec.containers[0]).toMatchObject({
            stdin: true,
            stdinOnce: true,
            tty: true,
            command: ["bin/rails", "console"],
        });
        expect(spec.containers[0].image).toBe(web.spec!.template.spec!.containers[0].image);
        expect(spec.containers[0].envFrom).toEqual(web.spec!.template.spec!.containers[0].envFrom);
        expect(spec.activeDeadlineSeconds).toBe(3600);
        expect(spec.restartPolicy).toBe("Never");
        expect(pod().metadata!.labels!["app.kubernetes.io/component"]).toBe("console");
    });
});

describe("one-off names and labels", () => {
    it.each([
        ["jane", "jane"],
        ["Jane Doe", "Jane-Doe"],
        ["-root-", "root"],
        ["___", "unknown"],
        ["x".repeat(80), "x".repeat(63)],
    ])("the user %j is the label value %j", (user, value) => {
        expect(labelValue(user)).toBe(value);
    });

    it("names a one-off after the app, the kind and the time, within 63 characters", () => {
        const at = new Date("2026-12-04T20:01:02Z");
        expect(oneOffName("phraseapp", "run", at, "A1b2c3")).toBe("phraseapp-run-20261204200102-a1b2c");
        expect(oneOffName("a".repeat(63), "console", at, "ffff").length).toBeLessThanOrEqual(63);
    });
});
