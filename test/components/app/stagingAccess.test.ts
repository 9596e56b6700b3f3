import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import {
    HTPASSWD_KEY,
    HTPASSWD_SECRET_TYPE,
    routePoliciesFor,
    StagingAccess,
} from "../../../components/app/stagingAccess";
import { isSecretValue } from "../../../scripts/render/engine";
import { toManifestObjects, toManifestsYaml, toPlan } from "../../../scripts/render/plan";
import { ofType, runComponents, type RecordedResource } from "../../harness";

const USERS = ["team", "qa"];

function stagingAccess(passwords: Record<string, string>, users = USERS) {
    return runComponents(() => {
        const access = new StagingAccess("phraseapp-staging", {
            namespace: "phraseapp",
            realm: "Staging",
            users,
            passwords: pulumi.secret(passwords),
        });
        return { policyName: access.policyName };
    });
}

function htpasswdOf(resources: readonly RecordedResource[]): { value: string; secret: boolean } {
    const [secret] = ofType(resources, "kubernetes:core/v1:Secret");
    // The Kubernetes provider marks the whole of `stringData` secret when one value in it is.
    const stringData = secret.inputs.stringData;
    const outer = isSecretValue(stringData);
    const raw = ((outer ? stringData.value : stringData) as Record<string, unknown>)[HTPASSWD_KEY];
    const inner = isSecretValue(raw);
    return { value: String(inner ? raw.value : raw), secret: outer || inner };
}

describe("StagingAccess puts the stack behind basic auth", () => {
    it("declares a basicAuth Policy backed by an nginx.org/htpasswd Secret in the app's namespace", async () => {
        const { resources } = await stagingAccess({ team: "pw-team", qa: "pw-qa" });
        const [policy] = ofType(resources, "kubernetes:k8s.nginx.org/v1:Policy");
        const [secret] = ofType(resources, "kubernetes:core/v1:Secret");
        expect(secret.inputs.type).toBe(HTPASSWD_SECRET_TYPE);
        expect(policy.inputs.spec).toEqual({
            basicAuth: { secret: (secret.state.metadata as { name: string }).name, realm: "Staging" },
        });
        for (const r of [policy, secret])
            expect((r.inputs.metadata as { namespace: string }).namespace).toBe("phraseapp");
        expect(
            htpasswdOf(resources)
                .value.split("\n")
                .filter(Boolean)
                .map((l) => l.split(":")[0]),
        ).toEqual(USERS);
    });

    it("rolls a password change without a gap: the Secret is auto-named, so its replacement exists before the Policy moves to it", async () => {
        const { resources } = await stagingAccess({ team: "pw-team", qa: "pw-qa" });
        const [policy] = ofType(resources, "kubernetes:k8s.nginx.org/v1:Policy");
        const [secret] = ofType(resources, "kubernetes:core/v1:Secret");
        // New data replaces a Secret; without a fixed name the replacement is created before the old one is deleted.
        expect((secret.inputs.metadata as { name?: string }).name).toBeUndefined();
        const generated = (secret.state.metadata as { name: string }).name;
        expect(generated).toMatch(/^phraseapp-staging-htpasswd-[0-9a-f]+$/);
        // The Policy takes the name from the Secret, so it is updated to the new object, after it exists.
        expect((policy.inputs.spec as { basicAuth: { secret: string } }).basicAuth.secret).toBe(generated);
    });

    it("gives an identical Secret on two runs with the same users and passwords", async () => {
        const a = htpasswdOf((await stagingAccess({ team: "pw-team", qa: "pw-qa" })).resources);
        const b = htpasswdOf((await stagingAccess({ team: "pw-team", qa: "pw-qa" })).resources);
        expect(a.value).toBe(b.value);
    });

    it("changes the Secret when a password changes, and only that user's line", async () => {
        const before = htpasswdOf((await stagingAccess({ team: "pw-team", qa: "pw-qa" })).resources).value.split("\n");
        const after = htpasswdOf((await stagingAccess({ team: "pw-team", qa: "pw-qa-2" })).resources).value.split("\n");
        expect(after[0]).toBe(before[0]);
        expect(after[1]).not.toBe(before[1]);
    });

    it("keeps the file secret, and no password reaches the plan or the manifests", async () => {
        const result = await stagingAccess({ team: "pw-s3cret-team", qa: "pw-s3cret-qa" });
        expect(htpasswdOf(result.resources).secret).toBe(true);
        const text = JSON.stringify(toPlan("capstan", "test", result)) + toManifestsYaml(toManifestObjects(result));
        expect(text).not.toMatch(/s3cret/);
        expect(text).not.toMatch(/\$6\$/);
    });

    it("keeps the file secret even when the passwords arrive as a plain value", async () => {
        const { resources } = await runComponents(
            () => new StagingAccess("s", { namespace: "ns", users: ["team"], passwords: { team: "plain-pw" } }),
        );
        expect(htpasswdOf(resources).secret).toBe(true);
    });
});

describe("which entries the basic-auth policy guards", () => {
    it.each([
        [false, { public: ["auth"], internal: [] }],
        [true, { public: ["auth"], internal: ["auth"] }],
    ])("with ingress.internal.basicAuth %s", (internal, expected) => {
        expect(routePoliciesFor("auth", internal)).toEqual(expected);
    });
});
