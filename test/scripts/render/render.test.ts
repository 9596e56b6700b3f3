import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { toManifestObjects, toManifestsYaml, toPlan } from "../../../scripts/render/plan";
import { committedStacks, PROJECT_DIR, render, runCommand, runComponents, stackValues } from "../../harness";

const PLAN_KEYS = [
    "urn",
    "type",
    "name",
    "parent",
    "provider",
    "dependsOn",
    "aliases",
    "protect",
    "retainOnDelete",
    "ignoreChanges",
    "customTimeouts",
    "deleteBeforeReplace",
    "replaceOnChanges",
    "inputs",
];

function tmpdir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "capstan-render-"));
}

function cli(args: string[]) {
    return runCommand("npm", ["run", "--silent", "render", "--", ...args]);
}

describe("npm run render", () => {
    it("writes plan.json, manifests.yaml and a summary, with identical bytes on a second run", async () => {
        const a = tmpdir();
        const b = tmpdir();
        const first = await cli(["staging", "--out", a]);
        expect(first.status, first.stderr).toBe(0);
        expect(first.stdout).toMatch(/Stack capstan\/staging: \d+ resources/);
        expect(first.stdout).toContain("TYPE");
        const second = await cli(["staging", "--out", b]);
        expect(second.status, second.stderr).toBe(0);
        for (const file of ["plan.json", "manifests.yaml"]) {
            const bytesA = fs.readFileSync(path.join(a, "staging", file));
            const bytesB = fs.readFileSync(path.join(b, "staging", file));
            expect(bytesA.equals(bytesB), `${file} differs between runs`).toBe(true);
        }
    });

    it("refuses an unknown stack, naming the stacks there are, and writes nothing", async () => {
        const out = tmpdir();
        const run = await cli(["nosuchstack", "--out", out]);
        expect(run.status).toBe(2);
        expect(run.stderr).toContain("no stack named nosuchstack");
        expect(run.stderr).toContain("staging");
        expect(fs.readdirSync(out)).toEqual([]);
    });

    it("says how to call it when called wrong", async () => {
        const run = await cli([]);
        expect(run.status).toBe(2);
        expect(run.stderr).toContain("usage: capstan render <stack>");
    });

    it("is also the capstan command", async () => {
        const out = tmpdir();
        const run = await runCommand("node", [
            path.join(PROJECT_DIR, "scripts", "capstan.js"),
            "render",
            "staging",
            "--out",
            out,
        ]);
        expect(run.status, run.stderr).toBe(0);
        const stdout = run.stdout;
        expect(stdout).toContain("Stack capstan/staging");
        expect(fs.existsSync(path.join(out, "staging", "plan.json"))).toBe(true);
    });
});

describe.each(committedStacks())("the committed stack %s", (stack) => {
    it("renders, with every resource in the documented plan shape", async () => {
        const rendered = await render(stack);
        const plan = JSON.parse(rendered.files["plan.json"]);
        expect(Object.keys(plan)).toEqual(["project", "stack", "resources", "outputs"]);
        expect(plan.project).toBe("capstan");
        expect(plan.stack).toBe(stack);
        for (const r of plan.resources) expect(Object.keys(r)).toEqual(PLAN_KEYS);
        const urns = plan.resources.map((r: { urn: string }) => r.urn);
        expect(new Set(urns).size).toBe(urns.length);
        for (const r of plan.resources) for (const d of r.dependsOn) expect(urns).toContain(d);
        const docs = YAML.parseAllDocuments(rendered.files["manifests.yaml"]);
        expect(docs.every((d) => d.errors.length === 0)).toBe(true);
        expect(docs.length).toBe(rendered.manifests.length);
    });

    it("never writes a secret value, only the placeholder", async () => {
        const secrets = {
            "capstan:appSecrets": {
                DATABASE_URL: "postgres://capstan:db-s3cret-771@db/app",
                SECRET_KEY_BASE: "skb-s3cret-9921",
            },
            "capstan:basicAuthPasswords": { team: "pw-s3cret-4410" },
        };
        const rendered = await render(stack, { secrets });
        for (const text of Object.values(rendered.files)) {
            expect(text).not.toMatch(/s3cret/);
        }
        // The app's secret env is rendered, as the placeholder.
        const secret = (rendered.manifests as Record<string, any>[]).find(
            (o) => o.kind === "Secret" && o.metadata.name.startsWith("phraseapp-env-secret"),
        );
        // Every secret variable of the app: its secretEnv, and the URLs of its own database and cache.
        const values = stackValues(stack);
        const names = [
            ...values["capstan:app"].secretEnv,
            ...(values["capstan:database"] ? ["DATABASE_URL"] : []),
            ...(values["capstan:cache"] ? ["REDIS_URL"] : []),
        ];
        expect(secret?.stringData).toEqual(Object.fromEntries([...new Set(names)].map((n) => [n, "[secret]"])));
    });
});

describe("the render's mechanics", () => {
    const program = () => {
        const provider = new k8s.Provider("k8s", { kubeconfig: pulumi.secret("apiVersion: v1") });
        const secret = new k8s.core.v1.Secret(
            "env",
            { metadata: { namespace: "app" }, stringData: { TOKEN: pulumi.secret("tok-s3cret") } },
            { provider },
        );
        const cm = new k8s.core.v1.ConfigMap(
            "cfg",
            { metadata: { namespace: "app" }, data: { A: "1" } },
            { provider, protect: true, retainOnDelete: true },
        );
        new k8s.apps.v1.Deployment(
            "web",
            {
                metadata: { namespace: "app" },
                spec: {
                    selector: { matchLabels: { app: "web" } },
                    template: {
                        metadata: { labels: { app: "web" } },
                        spec: {
                            containers: [
                                { name: "web", image: "x:1", envFrom: [{ configMapRef: { name: cm.metadata.name } }] },
                            ],
                        },
                    },
                },
            },
            {
                provider,
                dependsOn: [secret],
                ignoreChanges: ["spec.replicas"],
                customTimeouts: { create: "25m" },
                deleteBeforeReplace: true,
                replaceOnChanges: ["spec.selector"],
            },
        );
        return { kubeconfig: pulumi.secret("kc-s3cret"), plain: "visible" };
    };

    it("redacts secret inputs, secret data and secret outputs", async () => {
        const result = await runComponents(program);
        const plan = JSON.stringify(toPlan("capstan", "test", result));
        const manifests = toManifestsYaml(toManifestObjects(result));
        expect(plan + manifests).not.toMatch(/s3cret/);
        // A Secret keeps its keys, each value redacted: still a valid Kubernetes object.
        expect(manifests).toMatch(/stringData:\n  TOKEN: "\[secret\]"/);
        expect(toPlan("capstan", "test", result).outputs).toEqual({ kubeconfig: "[secret]", plain: "visible" });
    });

    it("records dependsOn, protect, retainOnDelete, ignoreChanges, timeouts, replacement options and the provider as declared", async () => {
        const plan = toPlan("capstan", "test", await runComponents(program));
        const byName = Object.fromEntries(plan.resources.map((r) => [r.name, r]));
        expect(byName.web.dependsOn).toEqual([byName.env.urn]);
        expect(byName.web.ignoreChanges).toEqual(["spec.replicas"]);
        expect(byName.cfg.protect).toBe(true);
        expect(byName.cfg.retainOnDelete).toBe(true);
        expect(byName.web.retainOnDelete).toBe(false);
        expect(byName.web.provider).toBe(byName.k8s.urn);
        expect(byName.cfg.dependsOn).toEqual([]);
        expect(byName.web.customTimeouts).toEqual({ create: "25m" });
        expect(byName.web.deleteBeforeReplace).toBe(true);
        expect(byName.web.replaceOnChanges).toEqual(["spec.selector"]);
        expect(byName.cfg).toMatchObject({ customTimeouts: null, deleteBeforeReplace: false, replaceOnChanges: [] });
    });

    it("fills Kubernetes auto-names from the content, so new data means a new name", async () => {
        const names = async (value: string) => {
            const result = await runComponents(
                () => new k8s.core.v1.ConfigMap("cfg", { metadata: { namespace: "app" }, data: { A: value } }),
            );
            return (toManifestObjects(result)[0].metadata as { name: string }).name;
        };
        expect(await names("1")).toBe(await names("1"));
        expect(await names("1")).not.toBe(await names("2"));
        expect(await names("1")).toMatch(/^cfg-[0-9a-f]{8}$/);
    });

    it("fails on an invoke, so no preview needs the cloud", async () => {
        await expect(
            runComponents(async () => pulumi.runtime.invoke("aws:index/getCallerIdentity:getCallerIdentity", {})),
        ).rejects.toThrow(/unexpected invoke aws:index\/getCallerIdentity/);
    });
});
