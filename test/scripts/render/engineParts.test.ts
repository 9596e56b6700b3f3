/**
 * The pieces of the mock engine on their own: what the recorder makes of a registration, how a
 * provider reference is read, and how a resource reference in an input ends up in the plan.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { providerUrn } from "../../../scripts/render/mocks";
import { declaredOptions, Recorder } from "../../../scripts/render/recorder";
import { ofType, runComponents } from "../../harness";

/** A registration as the stack transformation sees it; the resource object is only a map key. */
function registration(
    type: string,
    name: string,
    opts: pulumi.ResourceOptions = {},
): pulumi.ResourceTransformationArgs & { resource: pulumi.Resource } {
    return { type, name, opts, props: {}, resource: { registered: name } as unknown as pulumi.Resource };
}

describe("the recorder", () => {
    it("names a child's parent types in its URN and records the parent's URN; a top-level resource's parent is the stack", () => {
        const recorder = new Recorder("capstan", "staging");
        const parent = registration("capstan:app:RailsApp", "shop");
        recorder.transformation(parent);
        recorder.transformation(registration("capstan:app:WebService", "shop-web", { parent: parent.resource }));
        const [app, web] = recorder.records;
        expect(app.parent).toBe("urn:pulumi:staging::capstan::pulumi:pulumi:Stack::capstan-staging");
        expect(web.urn).toBe("urn:pulumi:staging::capstan::capstan:app:RailsApp$capstan:app:WebService::shop-web");
        expect(web.parent).toBe(app.urn);
    });

    it("does not record a resource the SDK rehydrates from a reference", () => {
        const recorder = new Recorder("capstan", "staging");
        recorder.transformation(registration("kubernetes:core/v1:ConfigMap", "cfg", { urn: "urn:pulumi:x" }));
        expect(recorder.records).toEqual([]);
    });

    it("keeps both records of a name declared twice, so the mock engine can refuse it", () => {
        const recorder = new Recorder("capstan", "staging");
        recorder.transformation(registration("kubernetes:core/v1:ConfigMap", "cfg"));
        recorder.transformation(registration("kubernetes:core/v1:ConfigMap", "cfg"));
        expect(recorder.lookup("kubernetes:core/v1:ConfigMap", "cfg")).toHaveLength(2);
        expect(recorder.lookup("kubernetes:core/v1:Secret", "cfg")).toEqual([]);
    });

    it("records the options as declared: unset ones false or empty, only the timeouts that are set", () => {
        expect(declaredOptions({})).toEqual({
            protect: false,
            retainOnDelete: false,
            ignoreChanges: [],
            customTimeouts: null,
            deleteBeforeReplace: false,
            replaceOnChanges: [],
        });
        expect(declaredOptions({ customTimeouts: {} }).customTimeouts).toBeNull();
        const declared = declaredOptions({
            protect: true,
            retainOnDelete: true,
            customTimeouts: { update: "30m" },
            deleteBeforeReplace: true,
        } as pulumi.CustomResourceOptions);
        expect(declared).toMatchObject({
            protect: true,
            retainOnDelete: true,
            customTimeouts: { update: "30m" },
            deleteBeforeReplace: true,
        });
    });
});

describe("a provider reference", () => {
    it("resolves to the recorded provider's URN, a nested provider's too", () => {
        const recorder = new Recorder("capstan", "staging");
        const cluster = registration("capstan:aws:Cluster", "main");
        recorder.transformation(cluster);
        recorder.transformation(registration("pulumi:providers:kubernetes", "k8s", { parent: cluster.resource }));
        const urn = "urn:pulumi:staging::capstan::capstan:aws:Cluster$pulumi:providers:kubernetes::k8s";
        expect(recorder.records[1].urn).toBe(urn);
        expect(providerUrn(recorder, `${urn}::04da6b54-80e4-46f7-96ec-b56ff0331ba9`)).toBe(urn);
        expect(providerUrn(recorder, "urn:pulumi:staging::capstan::pulumi:providers:aws::other::id")).toBeUndefined();
    });
});

describe("the run's result", () => {
    it("records a resource given as another's input as that resource's id, and no extra resource", async () => {
        const result = await runComponents(() => {
            const target = new k8s.core.v1.ConfigMap("target", { metadata: { namespace: "app" }, data: { A: "1" } });
            new k8s.core.v1.ConfigMap("holder", {
                metadata: { namespace: "app" },
                data: { REF: target as unknown as string },
            });
        });
        const maps = ofType(result.resources, "kubernetes:core/v1:ConfigMap");
        expect(maps.map((r) => r.name)).toEqual(["target", "holder"]);
        const [target, holder] = maps;
        expect(target.id).not.toBe("");
        expect((holder.inputs.data as Record<string, unknown>).REF).toBe(target.id);
    });

    it("gives an IAM role the id AWS gives it, its name, and a managed policy its ARN: role.id and role.name render alike", async () => {
        const result = await runComponents(() => {
            const role = new aws.iam.Role("svc", { assumeRolePolicy: "{}" });
            const policy = new aws.iam.Policy("svc-extra", { policy: "{}" });
            new aws.iam.RolePolicy("by-id", { role: role.id, policy: "{}" });
            new aws.iam.RolePolicy("by-name", { role: role.name, policy: "{}" });
            new aws.iam.RolePolicyAttachment("attach", { role: role.name, policyArn: policy.id });
        });
        const [role] = ofType(result.resources, "aws:iam/role:Role");
        const [byId, byName] = ofType(result.resources, "aws:iam/rolePolicy:RolePolicy");
        expect(role.id).toBe(role.state?.name);
        expect(byId.inputs.role).toBe(byName.inputs.role);
        const [policy] = ofType(result.resources, "aws:iam/policy:Policy");
        const [attach] = ofType(result.resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        expect(attach.inputs.policyArn).toBe(policy.state?.arn);
    });
});
