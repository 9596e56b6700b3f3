/**
 * The pieces of the mock engine on their own: what the recorder makes of a registration, how a
 * provider reference is read, how Pulumi's promise traces are formatted, and how a resource
 * reference in an input ends up in the plan.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it } from "vitest";
import { providerUrn } from "../../../scripts/render/mocks";
import { formatPromiseTracesPlainly, plainTrace } from "../../../scripts/render/promiseTraces";
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

describe("Pulumi's promise traces", () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- restored as is after each test
    const installed = Error.prepareStackTrace;
    afterEach(() => {
        Error.prepareStackTrace = installed;
    });
    // Named as the SDK's function that takes a trace for every promise it creates.
    function debuggablePromise(): string {
        return new Error("promise").stack ?? "";
    }
    function somethingElse(): string {
        return new Error("other").stack ?? "";
    }

    it("skip the installed formatter (source maps); every other trace still goes through it, wrapped once", () => {
        let calls = 0;
        Error.prepareStackTrace = () => {
            calls++;
            return "mapped";
        };
        formatPromiseTracesPlainly();
        formatPromiseTracesPlainly();
        expect(debuggablePromise()).toMatch(/^Error: promise\n {4}at /);
        expect(calls).toBe(0);
        expect(somethingElse()).toBe("mapped");
        expect(calls).toBe(1);
    });

    it("show the eight frames below the promise's own, file, line and column", () => {
        const frame = (n: number) =>
            ({
                getFunctionName: () => (n === 3 ? null : `f${n}`),
                getFileName: () => `/src/f${n}.js`,
                getLineNumber: () => n,
                getColumnNumber: () => 2 * n,
            }) as unknown as NodeJS.CallSite;
        const text = plainTrace(
            new Error("leak"),
            Array.from({ length: 12 }, (_, n) => frame(n)),
        );
        const lines = text.split("\n");
        expect(lines[0]).toBe("Error: leak");
        expect(lines.slice(1)).toHaveLength(8);
        expect(lines[1]).toBe("    at f1 (/src/f1.js:1:2)");
        expect(lines[3]).toBe("    at <anonymous> (/src/f3.js:3:6)");
        expect(lines[8]).toBe("    at f8 (/src/f8.js:8:16)");
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
