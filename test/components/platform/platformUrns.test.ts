/**
 * A deployed stack keeps every resource across a change of the program's resource tree: each URN
 * of its state is claimed by exactly one resource of the new plan, by URN or through an alias, as
 * the engine pairs them (test/urnModel.ts). A URN nobody claims is deleted, and its resource created
 * anew: for the protected cluster and KMS key the update would fail; for the rest, real
 * infrastructure would be replaced.
 *
 * test/fixtures/urns/<stack>.json holds the URNs (and the protected ones) of each committed stack's
 * plan as deployed before the Platform component parented the AWS layer and the add-ons: rendered
 * with `npm run render -- <stack>` and read from plan.json's `urn` and `protect` fields. They are the
 * state of deployed stacks, not an expectation computed by the code under test: never regenerate
 * them for a layout that has been released; a stack released with a new layout gets a new fixture
 * beside this one.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../../scripts/render/plan";
import { PROJECT_DIR, render } from "../../harness";
import { pairWithOldState, type Pairing } from "./urnModel";

interface UrnFixture {
    readonly stack: string;
    readonly urns: readonly string[];
    readonly protected: readonly string[];
}

const STACKS = ["staging", "prod", "tenant-acme", "local"];
const fixture = (stack: string, layout = ""): UrnFixture =>
    JSON.parse(
        fs.readFileSync(path.join(PROJECT_DIR, "test/fixtures/urns", layout, `${stack}.json`), "utf8"),
    ) as UrnFixture;

const plans = new Map<string, Plan>();
const pairings = new Map<string, Pairing>();
beforeAll(async () => {
    for (const stack of STACKS) {
        const plan = (await render(stack)).plan;
        plans.set(stack, plan);
        pairings.set(stack, pairWithOldState(plan, new Set(fixture(stack).urns)));
    }
});

describe.each(STACKS)("an update of the deployed %s stack", (stack) => {
    it("keeps every resource of its state: none would be replaced", () => {
        const { claims } = pairings.get(stack)!;
        const replaced = fixture(stack).urns.filter((urn) => !claims.has(urn));
        expect(replaced, "URNs of the deployed state no new resource claims (deleted and created anew)").toEqual([]);
    });

    it("lets no two resources claim the same old resource", () => {
        const { claims } = pairings.get(stack)!;
        const twice = [...claims].filter(([, by]) => by.length > 1).map(([old, by]) => `${old} <- ${by.join(", ")}`);
        expect(twice).toEqual([]);
    });

    it("keeps the protected resources, still protected", () => {
        const { claims } = pairings.get(stack)!;
        const protectedNow = new Set(
            plans
                .get(stack)!
                .resources.filter((r) => r.protect)
                .map((r) => r.urn),
        );
        for (const old of fixture(stack).protected) {
            const by = claims.get(old) ?? [];
            expect(by, `${old} is claimed`).toHaveLength(1);
            expect(protectedNow.has(by[0]), `${by[0]} is protected`).toBe(true);
        }
    });

    it("creates nothing but the Platform component that now parents the cluster's resources, and the app namespace's NetworkPolicies", () => {
        const { created } = pairings.get(stack)!;
        const ownsCluster = fixture(stack).urns.some((u) => u.includes("::capstan:aws:Cluster::"));
        // Added since the fixtures were taken, outside tenants (whose namespace had its own):
        // default-deny, the web's ingress, DNS and egress.
        const isTenant = fixture(stack).urns.some((u) => u.includes("::capstan:tenant:Tenant::"));
        const policies = isTenant ? [] : Array<string>(4).fill(APP_NETWORK_POLICY);
        // Observability came later still: its components and everything under them are new.
        const chain = (urn: string) => urn.split("::")[2].split("$");
        const notObservability = created.filter((urn) => !chain(urn).some((t) => OBSERVABILITY.includes(t)));
        expect(notObservability.map((urn) => urn.split("::")[2]).sort()).toEqual(
            [...(ownsCluster ? ["capstan:platform:Platform"] : []), ...policies].sort(),
        );
    });
});

/** The components of logs, metrics and alerts; whatever they parent is theirs. */
const OBSERVABILITY = [
    "capstan:platform:LogShipping",
    "capstan:platform:Metrics",
    "capstan:aws:LogGroups",
    "aws:amp/ruleGroupNamespace:RuleGroupNamespace",
];

const APP_NETWORK_POLICY =
    "capstan:app:AppNamespace$kubernetes:core/v1:Namespace$kubernetes:networking.k8s.io/v1:NetworkPolicy";

describe("the protected resources of a stack that creates its cluster", () => {
    it.each(["staging", "prod"])("include the EKS cluster and its secrets KMS key in %s", (stack) => {
        const types = fixture(stack).protected.map((urn) => urn.split("::")[2].split("$").pop());
        expect(types).toEqual(expect.arrayContaining(["aws:kms/key:Key", "aws:eks/cluster:Cluster"]));
    });
});

/**
 * test/fixtures/urns/observability/<stack>.json holds every URN of each committed stack's plan with
 * observability: the add-ons that call AWS (cluster-autoscaler, the node termination handler, Fluent
 * Bit) each with an IRSA role, its inline policy and a Helm release. Read from plan.json like the
 * fixtures above, and never regenerated for a released layout. An update from that state keeps
 * every resource: a renamed or re-parented role, policy or release carries an alias.
 */
const IRSA_ADDONS = ["ClusterAutoscaler", "NodeTerminationHandler", "LogShipping"];
const IRSA_TYPES = ["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "kubernetes:helm.sh/v3:Release"];

describe.each(STACKS)("an update of the %s stack as rendered with observability", (stack) => {
    const old = () => fixture(stack, "observability");

    it("keeps every resource of its state: none would be replaced or deleted", () => {
        const { claims } = pairWithOldState(plans.get(stack)!, new Set(old().urns));
        expect(old().urns.filter((urn) => !claims.has(urn))).toEqual([]);
        expect([...claims].filter(([, by]) => by.length > 1)).toEqual([]);
    });

    it("keeps the add-ons' IRSA roles, policies and Helm releases where the stack creates its cluster", () => {
        const addon = (urn: string) => {
            const chain = urn.split("::")[2].split("$");
            return (
                IRSA_ADDONS.some((c) => chain.includes(`capstan:platform:${c}`)) && IRSA_TYPES.includes(chain.at(-1)!)
            );
        };
        const ownsCluster = old().urns.some((u) => u.split("::")[2].endsWith("capstan:aws:Cluster"));
        const kept = new Set(pairWithOldState(plans.get(stack)!, new Set(old().urns)).claims.keys());
        const recorded = old().urns.filter(addon);
        expect(recorded).toHaveLength(ownsCluster ? IRSA_ADDONS.length * IRSA_TYPES.length : 0);
        expect(recorded.filter((urn) => !kept.has(urn))).toEqual([]);
    });
});
