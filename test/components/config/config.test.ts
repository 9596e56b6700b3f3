import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../components/config";
import { loadConfigOf, PROJECT_DIR, renderCliIn, scratchProject, stackValues } from "../../harness";

type Values = Record<string, any>;
type Mutation = (v: Values) => void;

const staging = () => stackValues("staging");
const prod = () => stackValues("prod");

/** Each bad input, the stack it starts from, and the key path its error must name. */
const BAD_INPUTS: [string, () => Values, Mutation, string][] = [
    ["imageTag missing", staging, (v) => delete v["capstan:imageTag"], "capstan:imageTag"],
    ['imageTag "latest" in production', prod, (v) => (v["capstan:imageTag"] = "latest"), "capstan:imageTag"],
    ["imageTag empty in production", prod, (v) => (v["capstan:imageTag"] = ""), "capstan:imageTag"],
    ["imageTag with a space", staging, (v) => (v["capstan:imageTag"] = "v1 2"), "capstan:imageTag"],
    ["app name not a DNS-1123 label", staging, (v) => (v["capstan:app"].name = "Phrase_App"), "capstan:app.name"],
    [
        "worker name not a DNS-1123 label",
        staging,
        (v) => (v["capstan:app"].workers[0].name = "Default"),
        "capstan:app.workers[0].name",
    ],
    [
        "cron name not a DNS-1123 label",
        staging,
        (v) => (v["capstan:app"].cron[0].name = "clean.up"),
        "capstan:app.cron[0].name",
    ],
    [
        "node group name not a DNS-1123 label",
        staging,
        (v) => (v["capstan:nodeGroups"][0].name = "-general"),
        "capstan:nodeGroups[0].name",
    ],
    [
        "tenant name not a DNS-1123 label",
        staging,
        (v) => (v["capstan:tenant"] = { name: "Acme Corp" }),
        "capstan:tenant.name",
    ],
    [
        "CronJob name too long once suffixed",
        staging,
        (v) => (v["capstan:app"].cron[0].name = "c".repeat(40)),
        "capstan:app.cron[0].name",
    ],
    [
        "worker Deployment name too long",
        staging,
        (v) => (v["capstan:app"].workers[0].name = "w".repeat(50)),
        "capstan:app.workers[0].name",
    ],
    [
        "app name too long for the migration Job",
        staging,
        (v) => (v["capstan:app"].name = "a".repeat(50)),
        "capstan:app.name",
    ],
    [
        "duplicate worker names",
        staging,
        (v) => v["capstan:app"].workers.push({ ...v["capstan:app"].workers[0] }),
        "capstan:app.workers",
    ],
    [
        "duplicate cron names",
        staging,
        (v) => v["capstan:app"].cron.push({ ...v["capstan:app"].cron[0] }),
        "capstan:app.cron",
    ],
    [
        "duplicate node-group names",
        staging,
        (v) => v["capstan:nodeGroups"].push({ ...v["capstan:nodeGroups"][0] }),
        "capstan:nodeGroups",
    ],
    [
        "web minReplicas > maxReplicas",
        staging,
        (v) => Object.assign(v["capstan:app"].web, { minReplicas: 5, maxReplicas: 3 }),
        "capstan:app.web.minReplicas",
    ],
    [
        "worker minReplicas > maxReplicas",
        staging,
        (v) => Object.assign(v["capstan:app"].workers[0], { minReplicas: 4, maxReplicas: 2 }),
        "capstan:app.workers[0].minReplicas",
    ],
    ["web minReplicas < 1", staging, (v) => (v["capstan:app"].web.minReplicas = 0), "capstan:app.web.minReplicas"],
    [
        "targetCPUUtilization 0",
        staging,
        (v) => (v["capstan:app"].web.targetCPUUtilization = 0),
        "capstan:app.web.targetCPUUtilization",
    ],
    [
        "targetCPUUtilization 101",
        staging,
        (v) => (v["capstan:app"].web.targetCPUUtilization = 101),
        "capstan:app.web.targetCPUUtilization",
    ],
    [
        "cron minute out of range",
        staging,
        (v) => (v["capstan:app"].cron[0].schedule = "61 * * * *"),
        "capstan:app.cron[0].schedule",
    ],
    [
        "cron with four fields",
        staging,
        (v) => (v["capstan:app"].cron[0].schedule = "0 3 * *"),
        "capstan:app.cron[0].schedule",
    ],
    [
        "cron with CRON_TZ=",
        staging,
        (v) => (v["capstan:app"].cron[0].schedule = "CRON_TZ=Europe/Berlin 0 3 * * *"),
        "capstan:app.cron[0].schedule",
    ],
    [
        "cron with TZ=",
        staging,
        (v) => (v["capstan:app"].cron[0].schedule = "TZ=UTC 0 3 * * *"),
        "capstan:app.cron[0].schedule",
    ],
    ["port 0", staging, (v) => (v["capstan:app"].web.port = 0), "capstan:app.web.port"],
    ["port 65536", staging, (v) => (v["capstan:app"].web.port = 65536), "capstan:app.web.port"],
    ["CIDR prefix /33", staging, (v) => (v["capstan:network"].cidrBlock = "10.20.0.0/33"), "capstan:network.cidrBlock"],
    [
        "CIDR with host bits",
        staging,
        (v) => (v["capstan:network"].cidrBlock = "10.20.0.1/16"),
        "capstan:network.cidrBlock",
    ],
    [
        "VPC block overlapping the Service range",
        staging,
        (v) => (v["capstan:network"].cidrBlock = "172.20.0.0/16"),
        "capstan:network.cidrBlock",
    ],
    [
        "one availability zone",
        staging,
        (v) => (v["capstan:network"].availabilityZones = ["eu-central-1a"]),
        "capstan:network.availabilityZones",
    ],
    [
        "zone outside the region",
        staging,
        (v) => (v["capstan:network"].availabilityZones = ["eu-central-1a", "us-east-1b"]),
        "capstan:network.availabilityZones[1]",
    ],
    [
        "node group minSize > maxSize",
        staging,
        (v) => Object.assign(v["capstan:nodeGroups"][0], { minSize: 5, maxSize: 2 }),
        "capstan:nodeGroups[0].minSize",
    ],
    [
        "canary weight 101",
        staging,
        (v) =>
            (v["capstan:canary"] = {
                imageTag: "2026.11.21-9a8b7c6",
                cookie: { name: "_AUSER_TYPE", value: "canary" },
                weight: 101,
            }),
        "capstan:canary.weight",
    ],
    [
        "canary weight -1",
        staging,
        (v) =>
            (v["capstan:canary"] = {
                imageTag: "2026.11.21-9a8b7c6",
                cookie: { name: "_AUSER_TYPE", value: "canary" },
                weight: -1,
            }),
        "capstan:canary.weight",
    ],
    [
        "secretEnv name without a value",
        staging,
        (v) => v["capstan:app"].secretEnv.push("REDIS_URL"),
        "capstan:app.secretEnv[2]",
    ],
    [
        "basic-auth user without a password",
        staging,
        (v) => v["capstan:staging"].basicAuth.users.push("qa"),
        "capstan:staging.basicAuth.users[1]",
    ],
    [
        "app env naming the bucket variable",
        staging,
        (v) => (v["capstan:app"].env.S3_BUCKET = "mine"),
        "capstan:app.env.S3_BUCKET",
    ],
    [
        "app env naming a queue URL variable",
        staging,
        (v) => (v["capstan:app"].env.SQS_MAILERS_URL = "https://x"),
        "capstan:app.env.SQS_MAILERS_URL",
    ],
    [
        "tenant egress CIDR invalid",
        staging,
        (v) => (v["capstan:tenant"] = { name: "acme", egress: [{ cidr: "10.30.0.0/99", ports: [5432] }] }),
        "capstan:tenant.egress[0].cidr",
    ],
    [
        "tenant egress rule without ports",
        staging,
        (v) => (v["capstan:tenant"] = { name: "acme", egress: [{ cidr: "10.30.0.0/16", ports: [] }] }),
        "capstan:tenant.egress[0].ports",
    ],
    [
        "tenant default memory limit not a quantity",
        staging,
        (v) => (v["capstan:tenant"] = { name: "acme", limits: { memoryLimit: "lots" } }),
        "capstan:tenant.limits.memoryLimit",
    ],
    [
        "tenant default memory request above its limit",
        staging,
        (v) => (v["capstan:tenant"] = { name: "acme", limits: { memoryRequest: "1Gi", memoryLimit: "512Mi" } }),
        "capstan:tenant.limits.memoryRequest",
    ],
    [
        "internal basic auth without staging basic auth",
        prod,
        (v) => (v["capstan:ingress"].internal.basicAuth = true),
        "capstan:ingress.internal.basicAuth",
    ],
    ["unknown nested key", staging, (v) => (v["capstan:app"].webb = {}), "capstan:app.webb"],
    ["unknown top-level key", staging, (v) => (v["capstan:imagetag"] = "x"), "capstan:imagetag"],
    [
        "an entry without a TLS certificate",
        staging,
        (v) => delete v["capstan:ingress"].internal.certificateArn,
        "capstan:ingress.internal.certificateArn",
    ],
    [
        "API endpoint open to the world",
        staging,
        (v) => (v["capstan:cluster"].publicAccessCidrs = ["0.0.0.0/0"]),
        "capstan:cluster.publicAccessCidrs[0]",
    ],
    [
        "environment neither production nor staging",
        staging,
        (v) => (v["capstan:environment"] = "prod"),
        "capstan:environment",
    ],
    ["app running as root", staging, (v) => (v["capstan:app"].runAsUser = 0), "capstan:app.runAsUser"],
    [
        "writable path not absolute",
        staging,
        (v) => (v["capstan:app"].writablePaths = ["tmp"]),
        "capstan:app.writablePaths[0]",
    ],
    [
        "writable path listed twice",
        staging,
        (v) => (v["capstan:app"].writablePaths = ["/tmp", "/tmp"]),
        "capstan:app.writablePaths",
    ],
    [
        "app secrets stored in plain text",
        staging,
        (v) => (v["capstan:appSecrets"] = { DATABASE_URL: "postgres://plain", SECRET_KEY_BASE: "plain" }),
        "capstan:appSecrets",
    ],
];

/** Writes a throwaway project: the real Pulumi.yaml plus one stack file with the given values. */
function renderBad(values: Values) {
    return renderCliIn(scratchProject({ bad: YAML.stringify({ config: values }) }), "bad");
}

describe("an invalid stack config is refused before anything renders", () => {
    it.each(BAD_INPUTS)(
        "%s: exits non-zero naming the key path, writes nothing",
        async (_name, base, mutate, keyPath) => {
            const values = base();
            mutate(values);
            const { code, stderr, stdout, wrote } = await renderBad(values);
            expect(code).toBe(1);
            expect(stderr).toMatch(new RegExp(`^  - ${keyPath.replace(/[.[\]]/g, "\\$&")}: `, "m"));
            expect(stdout).toBe("");
            expect(wrote).toBe(false);
        },
    );

    it("the committed stacks are the valid baseline of the table", async () => {
        for (const base of [staging(), prod()]) {
            const { code, stderr } = await renderBad(base);
            expect(stderr).toBe("");
            expect(code).toBe(0);
        }
    });

    it("reports every problem at once, one line each", async () => {
        const values = staging();
        values["capstan:imageTag"] = "bad tag";
        values["capstan:app"].web.port = 0;
        values["capstan:app"].cron[0].schedule = "nope";
        values["capstan:nodeGroups"][0].minSize = 9;
        const { stderr } = await renderBad(values);
        const lines = stderr.split("\n").filter((l) => l.startsWith("  - "));
        expect(lines.map((l) => l.split(": ")[0].slice(4)).sort()).toEqual(
            [
                "capstan:app.cron[0].schedule",
                "capstan:app.web.port",
                "capstan:imageTag",
                "capstan:nodeGroups[0].minSize",
            ].sort(),
        );
    });

    it("an error about secret config never shows the secret", async () => {
        const values = staging();
        values["capstan:appSecrets"] = { DATABASE_URL: "postgres://user:hunter2@db", SECRET_KEY_BASE: "s3cr3t-base" };
        const { stderr } = await renderBad(values);
        expect(stderr).toContain("capstan:appSecrets: is stored in plain text");
        expect(stderr).not.toContain("hunter2");
        expect(stderr).not.toContain("s3cr3t-base");
    });

    it("names the fix along with the problem", async () => {
        const values = staging();
        values["capstan:app"].secretEnv.push("REDIS_URL");
        const { stderr } = await renderBad(values);
        expect(stderr).toContain("pulumi config set --secret --path 'appSecrets.REDIS_URL'");
    });
});

const load = (values: Values, secrets: Record<string, unknown> = {}) => loadConfigOf(values, secrets, "staging");

describe("a valid config is read once into one typed, frozen object", () => {
    it("resolves every default", async () => {
        const cfg = await load(staging(), {
            "capstan:appSecrets": { DATABASE_URL: "x", SECRET_KEY_BASE: "y" },
            "capstan:basicAuthPasswords": { team: "pw" },
        });
        expect(cfg.namespace).toBe("phraseapp");
        expect(cfg.app.web.preStopSleepSeconds).toBe(15);
        expect(cfg.app.web.resources.memoryLimit).toBe("768Mi");
        expect(cfg.app.workers[0].shutdownTimeoutSeconds).toBe(25);
        expect(cfg.app.cron[0].startingDeadlineSeconds).toBe(300);
        expect(cfg.ingress.public.nodePorts).toEqual({ http: 30080, https: 30443, healthCheck: 30090 });
        expect(cfg.cluster).toMatchObject({ mode: "create", adminRoleArns: [] });
        expect(cfg.canary).toBeUndefined();
        expect(cfg.tenant).toBeUndefined();
        expect(cfg.region).toBe("eu-central-1");
    });

    it("is frozen all the way down", async () => {
        const cfg = await load(staging(), {
            "capstan:appSecrets": { DATABASE_URL: "x", SECRET_KEY_BASE: "y" },
            "capstan:basicAuthPasswords": { team: "pw" },
        });
        expect(Object.isFrozen(cfg)).toBe(true);
        expect(Object.isFrozen(cfg.app.web)).toBe(true);
        expect(Object.isFrozen(cfg.app.workers[0].command)).toBe(true);
    });

    it("keeps secret config secret", async () => {
        const cfg = await load(staging(), {
            "capstan:appSecrets": { DATABASE_URL: "x", SECRET_KEY_BASE: "y" },
            "capstan:basicAuthPasswords": { team: "pw" },
        });
        const pulumi = await import("@pulumi/pulumi");
        expect(await pulumi.isSecret(cfg.secrets.appSecrets)).toBe(true);
        expect(await pulumi.isSecret(cfg.secrets.basicAuthPasswords)).toBe(true);
    });

    it("throws a ConfigError listing the problems, for callers that catch it", async () => {
        const values = staging();
        values["capstan:app"].web.port = 0;
        await expect(load(values)).rejects.toSatisfy(
            (e: unknown) => ConfigError.is(e) && e.problems.some((p) => p.path === "capstan:app.web.port"),
        );
    });

    it("throws it as a Pulumi RunError, which the CLI prints as its message alone, with no stack trace", async () => {
        const pulumi = await import("@pulumi/pulumi");
        const values = staging();
        values["capstan:app"].web.port = 0;
        await expect(load(values)).rejects.toSatisfy(
            (e: unknown) => pulumi.RunError.isInstance(e) && e.message.includes("capstan:app.web.port"),
        );
    });
});

describe("Pulumi.yaml declares the config contract", () => {
    it("declares every capstan: key the program reads, and no other, each with type and description", async () => {
        const { CONFIG_KEYS } = await import("../../../components/config");
        const { loadProjectFile } = await import("../../../scripts/cli/stackfile");
        const project = loadProjectFile(PROJECT_DIR);
        const declared = Object.keys(project.declarations)
            .filter((k) => k.startsWith("capstan:"))
            .map((k) => k.slice("capstan:".length));
        expect(declared.sort()).toEqual(Object.keys(CONFIG_KEYS).sort());
        for (const [key, decl] of Object.entries(project.declarations)) {
            expect(decl.type, key).toMatch(/^(string|integer|boolean|array|object)$/);
            expect(decl.description, key).toBeTruthy();
            // A secret flag with a default is refused by the CLI (it fills the default in as plain
            // text); Capstan itself refuses a plain entry in a secret map.
            expect(decl.secret === true && decl.default !== undefined, `${key}: secret with a default`).toBe(false);
            if (CONFIG_KEYS[key.slice("capstan:".length) as keyof typeof CONFIG_KEYS] === "secret")
                expect(decl.description, key).toMatch(/--secret/);
        }
    });

    it("gives every optional key a default, since the CLI requires declared keys without one in every stack", async () => {
        const { loadProjectFile } = await import("../../../scripts/cli/stackfile");
        const project = loadProjectFile(PROJECT_DIR);
        const required = Object.entries(project.declarations)
            .filter(([, d]) => d.default === undefined)
            .map(([k]) => k)
            .sort();
        expect(required).toEqual([
            "capstan:app",
            "capstan:cluster",
            "capstan:environment",
            "capstan:imageTag",
            "capstan:ingress",
        ]);
    });
});
