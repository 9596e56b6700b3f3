/**
 * The assets Job on the render: one per tag, gating every workload of that tag as the migration
 * does (the canary's included), running the uploader with its own IRSA role under restricted Pod
 * Security; and nothing of it without the CDN or an assets bucket.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { assetsJobName, COPY_PROGRAM } from "../../../components/app/assetsJob";
import { ASSETS_POD } from "../../../components/core";
import { restrictedViolations } from "../../../policy/rules/podSecurity";
import type { Rendered } from "../../harness";
import { ofType, render, stackValues } from "../../harness";

type Any = any;
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0d8c2a4e-1b3f-4a5c-9e7d-6f8a0b1c2d3e";
const JOB = "kubernetes:batch/v1:Job";
const withCdn = (stack: string, more: Record<string, unknown> = {}) =>
    render(stack, { overrides: { "capstan:edge": { cdn: { certificateArn: CERT } }, ...more } });
const jobs = (r: Rendered) => ofType(r.result.resources, JOB);
const assetsJobs = (r: Rendered) => jobs(r).filter((j) => j.name.endsWith("-assets-upload"));
const envOf = (job: Any) =>
    Object.fromEntries(
        job.inputs.spec.template.spec.containers[0].env.map((e: Any) => [e.name, e.value?.value ?? e.value]),
    );

let prod: Rendered;
beforeAll(async () => {
    prod = await withCdn("prod");
}, 120_000);

describe("the assets Job", () => {
    it("is named after the tag and gates every stable workload beside the migration", () => {
        const [job] = assetsJobs(prod);
        const tag = stackValues("prod")["capstan:imageTag"];
        expect((job.inputs as Any).metadata.name).toBe(assetsJobName("phraseapp", tag));
        const migration = jobs(prod).find((j) => j.name === "phraseapp-migrate")!;
        const gated = prod.result.resources.filter(
            (r) =>
                /apps\/v1:Deployment|batch\/v1:CronJob/.test(r.type) &&
                !r.name.includes("canary") &&
                r.dependsOn.includes(job.urn),
        );
        const workloads = prod.result.resources.filter(
            (r) => /apps\/v1:Deployment|batch\/v1:CronJob/.test(r.type) && !r.name.includes("canary"),
        );
        expect(gated.map((r) => r.name)).toEqual(workloads.map((r) => r.name));
        for (const w of workloads) expect(w.dependsOn).toContain(migration.urn);
    });

    it("gives the canary's tag a Job of its own, which gates the canary's pods", () => {
        const canary = assetsJobs(prod).find((j) => j.name.includes("canary"))!;
        const canaryTag = stackValues("prod")["capstan:canary"].imageTag;
        expect((canary.inputs as Any).metadata.name).toBe(assetsJobName("phraseapp", canaryTag, "canary"));
        const deployment = ofType(prod.result.resources, "kubernetes:apps/v1:Deployment").find((d) =>
            d.name.includes("canary"),
        )!;
        expect(deployment.dependsOn).toContain(canary.urn);
        const env = envOf(canary);
        expect(env.ASSETS_RELEASE).toBe(canaryTag);
        expect(env.ASSETS_PROTECT.split(" ")).toEqual(
            expect.arrayContaining([canaryTag, stackValues("prod")["capstan:imageTag"]]),
        );
    });

    it("copies the image's asset folders in an init container, then runs the pinned uploader with the contract's environment", () => {
        const [job] = assetsJobs(prod);
        const spec = (job.inputs as Any).spec.template.spec;
        const [copy] = spec.initContainers;
        expect(copy.image).toBe(
            `${stackValues("prod")["capstan:app"].image}:${stackValues("prod")["capstan:imageTag"]}`,
        );
        expect(copy.command).toEqual([
            "sh",
            "-c",
            COPY_PROGRAM,
            "copy-assets",
            "/rails/public/assets",
            "/assets",
            "/rails/public/packs",
            "/packs",
        ]);
        const upload = spec.containers[0];
        expect(upload.image).toBe("public.ecr.aws/aws-cli/aws-cli:2.27.50");
        expect(upload.command).toEqual(["sh", "/capstan/uploader.sh"]);
        const env = envOf(job);
        expect(env).toMatchObject({
            ASSETS_PREFIX: "",
            ASSETS_RELEASE: stackValues("prod")["capstan:imageTag"],
            ASSETS_KEEP: "3",
            ASSETS_RETAIN_DAYS: "30",
            ASSETS_SOURCE: "/capstan-assets",
            ASSETS_URL_PREFIXES: "/assets /packs",
            AWS_REGION: "eu-central-1",
        });
        const bucket = ofType(prod.result.resources, "aws:s3/bucket:Bucket").find(
            (b) => b.name === "phraseapp-assets",
        )!;
        expect(env.ASSETS_BUCKET).toBe((bucket as Any).state.bucket);
        expect(env).not.toHaveProperty("AWS_ENDPOINT_URL");
        expect(spec.volumes.find((v: Any) => v.name === "script").configMap.name).toMatch(/^phraseapp-assets-script-/);
    });

    it("runs on the app's pod base like the migration, but as its own ServiceAccount, with none of the app's env and its own small resources", () => {
        const spec = (assetsJobs(prod)[0].inputs as Any).spec.template.spec;
        const migration = (jobs(prod).find((j) => j.name === "phraseapp-migrate")!.inputs as Any).spec.template.spec;
        for (const key of ["securityContext", "automountServiceAccountToken", "enableServiceLinks", "restartPolicy"])
            expect([key, spec[key]]).toEqual([key, migration[key]]);
        expect(spec.serviceAccountName).not.toBe(migration.serviceAccountName);
        expect(migration.containers[0].envFrom).toHaveLength(2);
        const [copy] = spec.initContainers;
        const [upload] = spec.containers;
        for (const c of [copy, upload]) {
            expect(c.securityContext).toEqual(migration.containers[0].securityContext);
            expect(c).not.toHaveProperty("envFrom");
            expect(c.resources).toEqual({
                requests: {
                    cpu: ASSETS_POD.cpu,
                    memory: ASSETS_POD.memory,
                    "ephemeral-storage": ASSETS_POD.ephemeralStorage,
                },
                limits: { memory: ASSETS_POD.memoryLimit, "ephemeral-storage": ASSETS_POD.ephemeralStorageLimit },
            });
        }
        // The Job's own folders share its ephemeral-storage limit; the uploader only reads the copied files.
        expect(spec.volumes.filter((v: Any) => v.emptyDir)).toEqual([
            { name: "w-capstan-assets", emptyDir: { sizeLimit: "1024Mi" } },
            { name: "w-tmp", emptyDir: { sizeLimit: "1024Mi" } },
        ]);
        expect(copy.volumeMounts).toEqual([
            { name: "w-capstan-assets", mountPath: "/capstan-assets" },
            { name: "w-tmp", mountPath: "/tmp" },
        ]);
        expect(upload.volumeMounts).toEqual([
            { name: "w-capstan-assets", mountPath: "/capstan-assets", readOnly: true },
            { name: "w-tmp", mountPath: "/tmp" },
            { name: "script", mountPath: "/capstan", readOnly: true },
        ]);
    });

    it("meets restricted Pod Security and fails the deploy like the migration: replaced when unready, waited for past its deadline", () => {
        const [job] = assetsJobs(prod);
        const inputs = job.inputs as Any;
        expect(restrictedViolations(inputs.spec.template.spec)).toEqual([]);
        expect(inputs.metadata.annotations).toEqual({ "pulumi.com/replaceUnready": "true" });
        expect(job.deleteBeforeReplace).toBe(true);
        expect(job.customTimeouts).toEqual({ create: "1020s", update: "1020s" });
        expect(inputs.spec.activeDeadlineSeconds).toBe(900);
    });

    it("runs as its own ServiceAccount, whose IRSA role writes only the bucket's asset prefixes", () => {
        const [job] = assetsJobs(prod);
        const account = ofType(prod.result.resources, "kubernetes:core/v1:ServiceAccount").find(
            (a) => (a.inputs as Any).metadata.name === "phraseapp-assets",
        )!;
        expect((job.inputs as Any).spec.template.spec.serviceAccountName).toBe("phraseapp-assets");
        const roles = ofType(prod.result.resources, "aws:iam/role:Role");
        const role = roles.find((r) => r.name === "phraseapp-assets-uploader")!;
        expect((account.inputs as Any).metadata.annotations["eks.amazonaws.com/role-arn"]).toBe(
            (role as Any).state.arn,
        );
        const trust = JSON.parse((role.inputs as Any).assumeRolePolicy);
        expect(JSON.stringify(trust)).toContain("system:serviceaccount:phraseapp:phraseapp-assets");
        const policy = ofType(prod.result.resources, "aws:iam/rolePolicy:RolePolicy").find(
            (p) => p.name === "phraseapp-assets-uploader",
        )!;
        const statements = JSON.parse((policy.inputs as Any).policy).Statement;
        expect(statements.flatMap((s: Any) => [s.Resource].flat())).toEqual([
            expect.stringMatching(/:::phraseapp-assets-[^/]+\/assets\/\*$/),
            expect.stringMatching(/:::phraseapp-assets-[^/]+\/packs\/\*$/),
            expect.stringMatching(/:::phraseapp-assets-[^/]+\/_releases\/\*$/),
            expect.stringMatching(/:::phraseapp-assets-[^/]+$/),
        ]);
    });
});

describe("an assets bucket of an S3-compatible store, without the CDN", () => {
    it("gets the same Job on a cluster managed elsewhere, writing under the key prefix at the endpoint, with no IAM role", async () => {
        const app = stackValues("local")["capstan:app"];
        const r = await render("local", {
            overrides: {
                "capstan:app": {
                    ...app,
                    assets: {
                        bucket: "capstan-local-assets",
                        keyPrefix: "local",
                        endpointUrl: "https://s3.local.example.com",
                    },
                },
            },
        });
        const [job] = assetsJobs(r);
        expect(envOf(job)).toMatchObject({
            ASSETS_BUCKET: "capstan-local-assets",
            ASSETS_PREFIX: "local",
            AWS_ENDPOINT_URL: "https://s3.local.example.com",
        });
        const account = ofType(r.result.resources, "kubernetes:core/v1:ServiceAccount").find(
            (a) => (a.inputs as Any).metadata.name === "phraseapp-assets",
        )!;
        expect((account.inputs as Any).metadata.annotations).toEqual({});
        const web = ofType(r.result.resources, "kubernetes:apps/v1:Deployment").find(
            (d) => d.name === "phraseapp-web",
        )!;
        expect(web.dependsOn).toContain(job.urn);
        expect(r.result.outputs.app).toMatchObject({ assetsJob: (job.inputs as Any).metadata.name });
    });
});
