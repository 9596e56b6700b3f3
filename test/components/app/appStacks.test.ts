/**
 * The app's invariants over every committed stack, read from the render's plan.json and
 * manifests.yaml exactly as a reviewer would.
 */
import { createRequire } from "module";
import { beforeAll, describe, expect, it } from "vitest";
import { OFFLOADED_LISTENER } from "../../../components/platform/ingressContract";
import { changedPaths, diffPlans } from "../../../scripts/render/diff";
import type { Plan } from "../../../scripts/render/plan";
import { committedStacks, render, type Rendered, stackValues } from "../../harness";
import { podProblems, podTemplateOf, spreadProblems, tolerationProblems, webPodProblems } from "./podRules";
import { policyProblems, virtualServerProblems } from "./virtualServerShape";

type Obj = Record<string, any>;
const requireModel = createRequire(__filename);

const WORKLOAD_KINDS = ["Deployment", "CronJob", "Job"];
const byKind = (m: readonly Obj[], kind: string) => m.filter((o) => o.kind === kind);
const nameOf = (o: Obj) => `${o.kind}/${o.metadata.name}`;

/** Problems of one object against the Kubernetes OpenAPI schema (kubernetes-models). */
function schemaProblems(o: Obj): string[] {
    const [group, version] = String(o.apiVersion).includes("/") ? String(o.apiVersion).split("/") : ["", o.apiVersion];
    let Model: new (data: Obj) => { validate(): void };
    try {
        Model = requireModel(`kubernetes-models/${group ? `${group}/` : ""}${version}/${o.kind}`)[o.kind];
    } catch {
        return [`${o.apiVersion} ${o.kind} has no schema`];
    }
    try {
        new Model(o).validate();
        return [];
    } catch (err) {
        return [(err as Error).message];
    }
}

describe.each(committedStacks())("the app in the committed stack %s", (stack) => {
    let rendered: Rendered;
    let m: Obj[];
    beforeAll(async () => {
        rendered = await render(stack);
        m = rendered.manifests as Obj[];
    });

    it("validates every object against the Kubernetes schema, and every VirtualServer and Policy against the controller's", () => {
        const problems = m.flatMap((o) =>
            (o.kind === "VirtualServer"
                ? virtualServerProblems(o)
                : o.kind === "Policy" && o.apiVersion === "k8s.nginx.org/v1"
                  ? policyProblems(o)
                  : schemaProblems(o)
            ).map((p) => `${nameOf(o)}: ${p}`),
        );
        expect(problems).toEqual([]);
        expect(byKind(m, "VirtualServer").length).toBeGreaterThan(0);
    });

    it("creates nothing in the default namespace: every namespaced object is in the app's", () => {
        const ns = byKind(m, "Namespace").map((n) => n.metadata.name);
        expect(ns.length).toBeGreaterThan(0);
        expect(ns).not.toContain("default");
        // Each object's namespace is one the stack itself declares: none is left to the default.
        for (const o of m.filter((o) => o.kind !== "Namespace")) expect(ns, nameOf(o)).toContain(o.metadata.namespace);
    });

    it("leaves replicas to the autoscaler, and every autoscaler targets an existing Deployment", () => {
        const deployments = byKind(m, "Deployment");
        const hpas = byKind(m, "HorizontalPodAutoscaler");
        expect(hpas.length).toBe(deployments.length);
        for (const h of hpas) {
            expect(h.apiVersion).toBe("autoscaling/v2");
            const target = deployments.find(
                (d) => d.metadata.name === h.spec.scaleTargetRef.name && d.metadata.namespace === h.metadata.namespace,
            );
            expect(target, `HPA ${h.metadata.name} targets nothing`).toBeDefined();
            expect(h.spec.scaleTargetRef).toMatchObject({ apiVersion: "apps/v1", kind: "Deployment" });
            expect(target!.spec.replicas, `Deployment ${target!.metadata.name} sets replicas`).toBeUndefined();
        }
    });

    it("rolls Deployments by adding pods first", () => {
        for (const d of byKind(m, "Deployment")) {
            expect(d.spec.strategy.rollingUpdate.maxUnavailable, d.metadata.name).toBe(0);
            const surge = d.spec.strategy.rollingUpdate.maxSurge;
            expect(typeof surge === "number" ? surge >= 1 : parseInt(surge, 10) > 0, d.metadata.name).toBe(true);
        }
    });

    it("gives every Deployment a disruption budget that selects its pods and still lets a node drain", () => {
        for (const d of byKind(m, "Deployment")) {
            const hpa = byKind(m, "HorizontalPodAutoscaler").find(
                (h) => h.spec.scaleTargetRef.name === d.metadata.name,
            )!;
            const pdbs = byKind(m, "PodDisruptionBudget").filter((p) =>
                Object.entries(p.spec.selector.matchLabels).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
            );
            expect(pdbs.length, d.metadata.name).toBe(1);
            const pdb = pdbs[0].spec;
            const drains =
                pdb.maxUnavailable !== undefined ? pdb.maxUnavailable >= 1 : pdb.minAvailable < hpa.spec.minReplicas;
            expect(drains, `${d.metadata.name}: its PDB blocks every drain`).toBe(true);
            expect(pdb.selector.matchLabels).toEqual(d.spec.selector.matchLabels);
        }
    });

    it("gates every Deployment and CronJob on a migration Job (plan.json dependsOn)", () => {
        const plan = rendered.plan;
        const jobs = plan.resources.filter((r) => r.type === "kubernetes:batch/v1:Job").map((r) => r.urn);
        const gated = plan.resources.filter(
            (r) => r.type === "kubernetes:apps/v1:Deployment" || r.type === "kubernetes:batch/v1:CronJob",
        );
        expect(gated.length).toBeGreaterThan(0);
        for (const r of gated)
            expect(
                r.dependsOn.filter((d) => jobs.includes(d)),
                r.name,
            ).toHaveLength(1);
    });

    it("keeps migration and cron pods through autoscaler scale-downs, and never counts an eviction as a failed run", () => {
        const runs = m.filter((o) => o.kind === "Job" || o.kind === "CronJob");
        expect(runs.map((o) => o.kind)).toEqual(expect.arrayContaining(["Job", "CronJob"]));
        for (const o of runs) {
            const job = o.kind === "CronJob" ? o.spec.jobTemplate.spec : o.spec;
            expect(
                job.template.metadata.annotations?.["cluster-autoscaler.kubernetes.io/safe-to-evict"],
                nameOf(o),
            ).toBe("false");
            // podFailurePolicy requires restartPolicy Never; an evicted pod carries the DisruptionTarget condition.
            expect(job.template.spec.restartPolicy, nameOf(o)).toBe("Never");
            const ignored = (job.podFailurePolicy?.rules ?? []).filter(
                (r: Obj) => r.action === "Ignore" && r.onPodConditions?.some((c: Obj) => c.type === "DisruptionTarget"),
            );
            expect(ignored, `${nameOf(o)}: an eviction counts against backoffLimit`).toHaveLength(1);
            expect(job.podReplacementPolicy, `${nameOf(o)}: a replacement may overlap the stopping pod`).toBe("Failed");
        }
    });

    it("runs every pod under the restricted profile, with requests, a memory limit and a pinned image", () => {
        for (const o of m.filter((o) => WORKLOAD_KINDS.includes(o.kind)))
            expect(podProblems(podTemplateOf(o)), nameOf(o)).toEqual([]);
    });

    it("tolerates each worker's configured taints with operator Equal and the taint's value, as the API server accepts", () => {
        const app = stackValues(stack)["capstan:app"];
        const configured: Obj[] = (app.workers ?? []).filter((w: Obj) => (w.tolerations ?? []).length > 0);
        for (const w of configured) {
            const d = byKind(m, "Deployment").find((d) => d.metadata.name === `${app.name}-worker-${w.name}`)!;
            const tolerations = d.spec.template.spec.tolerations;
            expect(tolerations, nameOf(d)).toEqual(
                w.tolerations.map((t: Obj) => ({
                    key: t.key,
                    operator: "Equal",
                    value: t.value ?? "",
                    effect: t.effect,
                })),
            );
        }
        // Whatever sets them, no pod carries a toleration the API server refuses.
        for (const o of m.filter((o) => WORKLOAD_KINDS.includes(o.kind)))
            expect(tolerationProblems(podTemplateOf(o).spec.tolerations ?? []), nameOf(o)).toEqual([]);
    });

    it("gives every web pod probes, a preStop sleep and a longer grace period", () => {
        const web = byKind(m, "Deployment").filter(
            (d) => d.spec.template.metadata.labels["app.kubernetes.io/component"] === "web",
        );
        expect(web.length).toBeGreaterThan(0);
        for (const d of web) expect(webPodProblems(d.spec.template), d.metadata.name).toEqual([]);
    });

    it("restarts a hung worker: every worker has the liveness probe its config gives", () => {
        const app = stackValues(stack)["capstan:app"];
        expect(app.workers.length).toBeGreaterThan(0);
        for (const w of app.workers as Obj[]) {
            const d = byKind(m, "Deployment").find((d) => d.metadata.name === `${app.name}-worker-${w.name}`)!;
            const probe = d.spec.template.spec.containers[0].livenessProbe;
            expect(probe?.httpGet ?? probe?.exec, `${nameOf(d)} has no liveness probe`).toBeTruthy();
            if (w.liveness.port !== undefined)
                expect(probe.httpGet).toEqual({ path: w.liveness.path ?? "/", port: w.liveness.port });
        }
    });

    it("spreads every Deployment's pods across zones and across the nodes within a zone", () => {
        const deployments = byKind(m, "Deployment");
        expect(deployments.length).toBeGreaterThan(1);
        for (const d of deployments) expect(spreadProblems(d.spec.template), nameOf(d)).toEqual([]);
    });

    it("serves every VirtualServer only on the TLS-offloaded listener, telling the app the request was https", () => {
        for (const vs of byKind(m, "VirtualServer")) {
            expect(vs.spec.listener).toEqual({ http: OFFLOADED_LISTENER.name });
            expect(vs.spec.tls).toBeUndefined();
            const proxies = JSON.stringify(vs.spec.routes).match(/"proxy":/g) ?? [];
            const protos =
                JSON.stringify(vs.spec.routes).match(/\{"name":"X-Forwarded-Proto","value":"https"\}/gi) ?? [];
            expect(proxies.length).toBeGreaterThan(0);
            expect(protos.length, "one X-Forwarded-Proto: https per proxied action").toBe(proxies.length);
        }
    });
});

describe("a deploy", () => {
    const withTag = (tag: string) => render("staging", { overrides: { "capstan:imageTag": tag } });
    let before: Plan;
    let after: Plan;
    beforeAll(async () => {
        before = (await withTag("2026.12.01-aaaaaaa")).plan;
        after = (await withTag("2026.12.02-bbbbbbb")).plan;
    });

    it("changes only the images of the Deployments and CronJobs, and the migration Job's image and name", () => {
        const diff = diffPlans(before, after);
        expect(diff.create).toEqual([]);
        expect(diff.delete).toEqual([]);
        const changed = diff.update.map((u) => u.after.type).sort();
        const workloads = before.resources.filter((r) =>
            ["kubernetes:apps/v1:Deployment", "kubernetes:batch/v1:CronJob"].includes(r.type),
        );
        expect(changed).toEqual(workloads.map((r) => r.type).sort());
        // The migration Job's name follows the tag: the provider replaces it, and the diff says so.
        expect(diff.replace.map((u) => u.after.type)).toEqual(["kubernetes:batch/v1:Job"]);
        for (const u of [...diff.update, ...diff.replace]) {
            for (const path of u.paths) {
                const allowed =
                    /\.image$/.test(path) ||
                    (u.after.type === "kubernetes:batch/v1:Job" && path === "inputs.metadata.name");
                expect(allowed, `${u.after.type} ${u.after.name}: ${path}`).toBe(true);
            }
        }
    });

    it("changes the image tag in every container, and nowhere else", () => {
        const text = JSON.stringify(after);
        expect(text).not.toContain("2026.12.01-aaaaaaa");
        const images = [...text.matchAll(/"image":"[^"]+"/g)].map((x) => x[0]);
        expect(images.length).toBeGreaterThan(0);
        expect(images.every((i) => i.endsWith(':2026.12.02-bbbbbbb"'))).toBe(true);
        expect(text.split("2026.12.02-bbbbbbb").length - 1).toBe(images.length + 2); // + the imageTag and imageTagHistory outputs
    });
});

describe("an env change", () => {
    it("produces a new ConfigMap name and changes every workload's pod template", async () => {
        const values = stackValues("staging");
        const base = await render("staging");
        const changedApp = { ...values["capstan:app"], env: { ...values["capstan:app"].env, FEATURE_X: "on" } };
        const next = await render("staging", { overrides: { "capstan:app": changedApp } });
        const cm = (r: Rendered) => byKind(r.manifests, "ConfigMap")[0].metadata.name;
        expect(cm(next)).not.toBe(cm(base));
        const workloads = (r: Rendered) => (r.manifests as Obj[]).filter((o) => WORKLOAD_KINDS.includes(o.kind));
        const after = workloads(next);
        for (const w of workloads(base)) {
            const twin = after.find((a) => a.kind === w.kind && a.metadata.name === w.metadata.name)!;
            expect(changedPaths(podTemplateOf(w), podTemplateOf(twin)), nameOf(w)).toEqual([
                "spec.containers[0].envFrom[0].configMapRef.name",
            ]);
        }
    });
});
