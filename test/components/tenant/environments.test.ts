/**
 * The environment features over whole stacks: staging behind basic auth, the app's AWS data and
 * its IRSA role, and tenants, each as `npm run render` shows them.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { renderStack } from "../../../scripts/render/render";
import { tenantCli } from "../../../scripts/commands/tenant";
import { capstanProgram, PROJECT_DIR, render, type Rendered } from "../../harness";

type Obj = Record<string, any>;
const kind = (r: Rendered, k: string) => (r.manifests as Obj[]).filter((o) => o.kind === k);
const SECRETS = {
    "capstan:appSecrets": { DATABASE_URL: "postgres://db", SECRET_KEY_BASE: "kb" },
    "capstan:basicAuthPasswords": { team: "pw" },
};

describe("staging sits behind basic auth, production does not", () => {
    let staging: Rendered;
    let prod: Rendered;
    beforeAll(async () => {
        [staging, prod] = [await render("staging"), await render("prod")];
    });

    it("every public VirtualServer of staging carries the basic-auth Policy", () => {
        const [policy] = kind(staging, "Policy");
        expect(policy.spec.basicAuth.secret).toBe(
            kind(staging, "Secret").find((s) => s.type === "nginx.org/htpasswd")?.metadata.name,
        );
        const publicServers = kind(staging, "VirtualServer").filter((v) => v.spec.ingressClassName === "public");
        expect(publicServers.length).toBeGreaterThan(0);
        for (const vs of publicServers) {
            // A policy reference without a namespace names a Policy in the VirtualServer's own.
            expect(vs.spec.policies, vs.metadata.name).toEqual([{ name: policy.metadata.name }]);
            expect(vs.metadata.namespace).toBe(policy.metadata.namespace);
        }
    });

    it("the internal (VPN) entry of staging is open, as its basicAuth switch is off", () => {
        const internal = kind(staging, "VirtualServer").filter((v) => v.spec.ingressClassName === "internal");
        expect(internal.length).toBeGreaterThan(0);
        for (const vs of internal) expect(vs.spec.policies ?? []).toEqual([]);
    });

    it("production has no basic-auth Policy and no VirtualServer policy", () => {
        expect(kind(prod, "Policy")).toEqual([]);
        for (const vs of kind(prod, "VirtualServer")) expect(vs.spec.policies ?? []).toEqual([]);
    });
});

describe.each(["staging", "prod", "tenant-acme"])("the app's AWS data in %s", (stack) => {
    let r: Rendered;
    beforeAll(async () => {
        r = await render(stack, { secrets: SECRETS });
    });
    const resources = () => r.result.resources;
    const ofType = (t: string) => resources().filter((x) => x.type === t);
    /** The app's queues: those of its AppData (the platform has a queue of its own, for node drains). */
    const appQueues = () =>
        ofType("aws:sqs/queue:Queue").filter(
            (q) => q.urn.includes("::capstan:aws:AppData$") && !q.name.endsWith("-dlq"),
        );

    it("the IRSA role's policy names only this stack's bucket and queues", () => {
        const bucketArns = ofType("aws:s3/bucket:Bucket").map((b) => b.state.arn);
        const queueArns = appQueues().map((q) => q.state.arn);
        expect(bucketArns).toHaveLength(1);
        const policies = ofType("aws:iam/rolePolicy:RolePolicy").filter((p) =>
            p.urn.includes("::capstan:aws:AppData$"),
        );
        expect(policies).toHaveLength(1);
        const resourcesNamed = JSON.parse(String(policies[0].inputs.policy)).Statement.flatMap(
            (s: Obj) => s.Resource,
        ) as string[];
        expect(new Set(resourcesNamed)).toEqual(new Set([...bucketArns, `${bucketArns[0] as string}/*`, ...queueArns]));
    });

    it("the IRSA role trusts only the app's ServiceAccount in the app's namespace, which carries its ARN", () => {
        const [sa] = kind(r, "ServiceAccount");
        const role = ofType("aws:iam/role:Role").find(
            (x) => x.name.endsWith("-irsa") && x.parent.includes("capstan:aws:AppData"),
        )!;
        const trust = JSON.parse(String(role.inputs.assumeRolePolicy));
        const conditions = trust.Statement.map(
            (s: Obj) => Object.entries(s.Condition.StringEquals).find(([k]) => k.endsWith(":sub"))?.[1],
        );
        expect(conditions).toEqual([`system:serviceaccount:${sa.metadata.namespace}:${sa.metadata.name}`]);
        expect(sa.metadata.annotations["eks.amazonaws.com/role-arn"]).toBe(role.state.arn);
    });

    it("the bucket name and queue URLs reach the pods as env", () => {
        const [cm] = kind(r, "ConfigMap");
        expect(cm.data.S3_BUCKET).toBe(ofType("aws:s3/bucket:Bucket")[0].state.bucket);
        for (const q of appQueues()) {
            expect(Object.values(cm.data)).toContain(q.state.url);
        }
    });
});

describe("the tenant stack tenant-acme", () => {
    let r: Rendered;
    beforeAll(async () => {
        r = await render("tenant-acme", { secrets: SECRETS });
    });

    it("has its quota, limits and network policies", () => {
        expect(kind(r, "ResourceQuota")).toHaveLength(1);
        expect(kind(r, "LimitRange")).toHaveLength(1);
        expect(kind(r, "NetworkPolicy").length).toBeGreaterThan(0);
    });

    it("serves its own hosts on the shared cluster's controllers", () => {
        const hosts = kind(r, "VirtualServer")
            .map((v) => v.spec.host)
            .sort();
        expect(hosts).toEqual(["acme.example.com", "acme.internal.example.com"]);
    });

    it("registers nothing the cluster's stack owns, so destroying it cannot touch another tenant", () => {
        const owned =
            /^aws:ec2\/(vpc|subnet|natGateway|internetGateway|routeTable|eip|launchTemplate)|^aws:(eks|kms|autoscaling)\/|^aws:lb\/(loadBalancer|targetGroup|listener):|^kubernetes:helm\.sh\//;
        expect(r.result.resources.filter((x) => owned.test(x.type)).map((x) => x.type)).toEqual([]);
        // What it does add in the shared network is its own: its database's and cache's firewalls,
        // and its certificate on the shared listeners.
        const own = r.result.resources
            .filter((x) => /^aws:(ec2\/securityGroup|lb\/listenerCertificate):/.test(x.type))
            .map((x) => x.name);
        expect(own.length).toBeGreaterThan(0);
        for (const name of own) expect(name).toMatch(/^phraseapp-acme-/);
    });
});

describe("a tenant from the scaffold", () => {
    it("renders once its secrets are set", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-env-"));
        for (const f of fs.readdirSync(PROJECT_DIR).filter((f) => /^Pulumi(\..+)?\.yaml$/.test(f)))
            fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(dir, f));
        const code = tenantCli(["new", "globex", "--from", "prod"], {
            dir,
            stdout: () => undefined,
            stderr: () => undefined,
        });
        expect(code).toBe(0);
        const rendered = await renderStack("tenant-globex", { dir, program: capstanProgram(), secrets: SECRETS });
        expect(kind(rendered, "Namespace").map((n) => n.metadata.name)).toEqual(["phraseapp-globex"]);
        expect(kind(rendered, "VirtualServer").map((v) => v.spec.host)).toContain("globex.example.com");
    });
});
