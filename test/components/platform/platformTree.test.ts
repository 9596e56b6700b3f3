/**
 * The resource tree of a stack that creates its cluster: one Platform component, at the stack's
 * root, parents the AWS layer and the cluster add-ons, so that `pulumi stack --show-urns` and the
 * console show the platform as one unit beside the app.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../../scripts/render/plan";
import { render } from "../../harness";

const PLATFORM = "capstan:platform:Platform";
/** The components and objects createPlatform used to put at the stack's root. */
const PLATFORM_CHILDREN = [
    "capstan:aws:Network",
    "capstan:aws:ClusterSecurityGroups",
    "capstan:aws:Cluster",
    "capstan:aws:EdgeLoadBalancer",
    "capstan:aws:NodeGroup",
    "capstan:aws:NodeDrainEvents",
    "kubernetes:core/v1:Namespace",
    "capstan:platform:NginxCrds",
    "capstan:platform:IngressController",
    "capstan:platform:ClusterAutoscaler",
    "capstan:platform:MetricsServer",
    "capstan:platform:NodeTerminationHandler",
    "capstan:platform:LogShipping",
    "capstan:platform:Metrics",
];

const plans = new Map<string, Plan>();
beforeAll(async () => {
    for (const stack of ["staging", "prod", "tenant-acme"]) plans.set(stack, (await render(stack)).plan);
});

describe.each(["staging", "prod"])("the resource tree of %s", (stack) => {
    it("has one Platform, at the stack's root, named after the cluster", () => {
        const plan = plans.get(stack)!;
        const platforms = plan.resources.filter((r) => r.type === PLATFORM);
        expect(platforms.map((p) => p.name)).toEqual([`capstan-${stack}`]);
        expect(platforms[0].parent).toBe(`urn:pulumi:${stack}::capstan::pulumi:pulumi:Stack::capstan-${stack}`);
    });

    it("puts the AWS layer and every add-on under the Platform", () => {
        const plan = plans.get(stack)!;
        const platform = plan.resources.find((r) => r.type === PLATFORM)!;
        const children = plan.resources.filter((r) => r.parent === platform.urn);
        expect([...new Set(children.map((c) => c.type))].sort()).toEqual([...PLATFORM_CHILDREN].sort());
        // The app's namespace is the app layer's, at the root; only the ingress namespace is the platform's.
        expect(children.filter((c) => c.type === "kubernetes:core/v1:Namespace").map((c) => c.name)).toEqual([
            `capstan-${stack}-ingress`,
        ]);
    });

    it("leaves none of the platform's components at the stack's root", () => {
        const plan = plans.get(stack)!;
        const stackUrn = `urn:pulumi:${stack}::capstan::pulumi:pulumi:Stack::capstan-${stack}`;
        const atRoot = plan.resources.filter((r) => r.parent === stackUrn).map((r) => r.type);
        for (const type of PLATFORM_CHILDREN.filter((t) => t.startsWith("capstan:")))
            expect(atRoot, type).not.toContain(type);
    });
});

describe("a stack on another stack's cluster", () => {
    it("has no Platform", () => {
        expect(plans.get("tenant-acme")!.resources.filter((r) => r.type === PLATFORM)).toEqual([]);
    });
});
