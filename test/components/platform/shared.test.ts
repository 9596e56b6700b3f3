import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { CLUSTER_OUTPUTS } from "../../../components/platform/access";
import { renderStack } from "../../../scripts/render/render";
import { capstanProgram, PROJECT_DIR, stackValues, type Rendered } from "../../harness";

/** What a stack that runs on another stack's cluster must never create. */
const OWNED_BY_THE_CLUSTER_STACK = [
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/natGateway:NatGateway",
    "aws:eks/cluster:Cluster",
    "aws:kms/key:Key",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:autoscaling/group:Group",
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:lb/targetGroup:TargetGroup",
    "kubernetes:helm.sh/v3:Release",
];

/** A throwaway project: the real Pulumi.yaml and prod stack, plus a `tenant` stack on prod's cluster. */
function sharedProject(mutate: (v: Record<string, any>) => void = () => {}): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-shared-"));
    fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), path.join(dir, "Pulumi.prod.yaml"));
    const values = stackValues("prod");
    delete values["capstan:network"];
    delete values["capstan:nodeGroups"];
    // No database, cache or DNS of its own: what it declares in AWS is then only the app's data.
    for (const key of ["capstan:database", "capstan:cache", "capstan:dns"]) delete values[key];
    values["capstan:cluster"] = { mode: "shared", sharedStack: "acme/capstan/prod" };
    values["capstan:tenant"] = { name: "acme" };
    values["capstan:ingress"] = { public: { hosts: ["acme.example.com"] } };
    mutate(values);
    fs.writeFileSync(path.join(dir, "Pulumi.tenant.yaml"), YAML.stringify({ config: values }));
    return dir;
}

/** The components of a stack's own observability on a shared cluster. */
const APP_OBSERVABILITY = ["capstan:aws:LogGroups", "aws:amp/ruleGroupNamespace:RuleGroupNamespace"];

describe("a stack with cluster.mode shared", () => {
    let tenant: Rendered;
    let prod: Rendered;
    beforeAll(async () => {
        const dir = sharedProject();
        tenant = await renderStack("tenant", { dir, program: capstanProgram() });
        prod = await renderStack("prod", { dir, program: capstanProgram() });
    });

    it("registers no network, cluster, node group, load balancer or cluster add-on", () => {
        const types = new Set(tenant.result.resources.map((r) => r.type));
        for (const t of OWNED_BY_THE_CLUSTER_STACK) expect(types.has(t), t).toBe(false);
        // Its only AWS resources are the app's own: its data (bucket, queues and their IRSA role)
        // and its observability (its log group and alert rules).
        const own = tenant.result.resources
            .filter((r) => ["capstan:aws:AppData", ...APP_OBSERVABILITY].includes(r.type))
            .map((r) => r.urn);
        expect(own.length).toBeGreaterThan(1);
        const descendsFromAppData = (urn: string): boolean =>
            own.includes(urn) || tenant.result.resources.some((r) => r.urn === urn && descendsFromAppData(r.parent));
        expect(
            tenant.result.resources
                .filter((r) => r.type.startsWith("aws:") && !own.includes(r.urn) && !descendsFromAppData(r.parent))
                .map((r) => r.type),
        ).toEqual([]);
        // The same types are there in the stack that owns the cluster, so the check has teeth.
        const prodTypes = new Set(prod.result.resources.map((r) => r.type));
        for (const t of OWNED_BY_THE_CLUSTER_STACK) expect(prodTypes.has(t), t).toBe(true);
    });

    it("reads the cluster from the owning stack: same kubeconfig (still secret), OIDC provider and ingress namespace", () => {
        for (const key of CLUSTER_OUTPUTS.filter((k) => k !== "ingressClasses")) {
            expect(tenant.result.outputs[key], key).toEqual(prod.result.outputs[key]);
        }
        expect(tenant.plan.outputs.kubeconfig).toBe("[secret]");
        expect(tenant.result.outputs.ingressClasses).toEqual({ public: "public" });
        const ref = tenant.result.resources.find((r) => r.type === "pulumi:pulumi:StackReference")!;
        expect(ref.inputs.name).toBe("acme/capstan/prod");
        expect(tenant.result.resources.filter((r) => r.type === "pulumi:providers:kubernetes")).toHaveLength(1);
    });

    it("offers the internal class when it asks for it and the owning stack runs it", async () => {
        const dir = sharedProject((v) => (v["capstan:ingress"].internal = { hosts: ["acme.internal.example.com"] }));
        const r = await renderStack("tenant", { dir, program: capstanProgram() });
        expect(r.result.outputs.ingressClasses).toEqual({ public: "public", internal: "internal" });
    });

    it("fails when it asks for the internal class and the owning stack has none", async () => {
        const dir = sharedProject((v) => (v["capstan:ingress"].internal = { hosts: ["acme.internal.example.com"] }));
        const prodFile = path.join(dir, "Pulumi.prod.yaml");
        const prodValues = YAML.parse(fs.readFileSync(prodFile, "utf8"));
        delete prodValues.config["capstan:ingress"].internal;
        fs.writeFileSync(prodFile, YAML.stringify(prodValues));
        await expect(renderStack("tenant", { dir, program: capstanProgram() })).rejects.toThrow(
            /runs no internal ingress controller/,
        );
    });
});
