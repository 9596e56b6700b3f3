/**
 * The first `pulumi up` of a stack that creates its cluster: every object goes in only after what
 * it needs exists. The NGINX custom resources need the NGINX CRDs (and the controllers that serve
 * them); pods need nodes and CoreDNS. pulumi-kubernetes gives up on a custom resource whose CRD is missing,
 * and a migration without nodes waits for nothing but its timeout.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan, PlanResource } from "../../../scripts/render/plan";
import { committedStacks, render, stackValues } from "../../harness";
import { waitsFor } from "./planWaits";

const createStacks = committedStacks().filter(
    (s) => (stackValues(s)["capstan:cluster"] as { mode?: string } | undefined)?.mode === "create",
);
const plans = new Map<string, Plan>();

beforeAll(async () => {
    for (const stack of createStacks) plans.set(stack, (await render(stack)).plan);
});

const ofType = (plan: Plan, pred: (r: PlanResource) => boolean) => plan.resources.filter(pred);

describe.each(createStacks)("the first update of %s", (stack) => {
    it("creates every NGINX custom resource after the NGINX CRDs and every controller release", () => {
        const plan = plans.get(stack) as Plan;
        const crds = ofType(plan, (r) => r.type === "capstan:platform:NginxCrds");
        expect(crds).toHaveLength(1);
        const releases = [
            ...crds,
            ...ofType(plan, (r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === "nginx-ingress"),
        ];
        const nginxObjects = ofType(plan, (r) => r.type.startsWith("kubernetes:k8s.nginx.org/"));
        expect(releases.length).toBeGreaterThan(0);
        expect(nginxObjects.length).toBeGreaterThan(0);
        const waits = waitsFor(plan);
        for (const obj of nginxObjects) {
            for (const release of releases)
                expect(waits(obj.urn), `${obj.name} waits for ${release.name}`).toContain(release.urn);
        }
    });

    it("runs the migration and every pod only once node groups and CoreDNS exist", () => {
        const plan = plans.get(stack) as Plan;
        const needs = ofType(
            plan,
            (r) =>
                r.type === "aws:autoscaling/group:Group" ||
                (r.type === "aws:eks/addon:Addon" && r.inputs.addonName === "coredns"),
        );
        const pods = ofType(plan, (r) =>
            ["kubernetes:batch/v1:Job", "kubernetes:apps/v1:Deployment", "kubernetes:batch/v1:CronJob"].includes(
                r.type,
            ),
        );
        expect(needs.filter((r) => r.type === "aws:eks/addon:Addon")).toHaveLength(1);
        expect(pods.some((r) => r.type === "kubernetes:batch/v1:Job")).toBe(true);
        const waits = waitsFor(plan);
        for (const pod of pods) {
            for (const need of needs) expect(waits(pod.urn), `${pod.name} waits for ${need.name}`).toContain(need.urn);
        }
    });
});
