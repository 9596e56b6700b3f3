import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../../components/config";
import { exampleValues } from "../../../components/config/exampleValues";
import { initCli } from "../../../scripts/commands/init";
import type { InitIo } from "../../../scripts/init/command";
import { QUESTIONS } from "../../../scripts/init/questions";
import { PROJECT_DIR, rootOf, runCommand, scratchProject } from "../../harness";

/** A scratch project with the committed stack files. */
function project(): string {
    const files = Object.fromEntries(
        ["staging", "prod", "local", "tenant-acme"].map((s) => [
            s,
            fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${s}.yaml`), "utf8"),
        ]),
    );
    return scratchProject(files);
}

/** An io whose answers come from a script, line by line, as a person types them. */
function io(dir: string, script?: string[]): InitIo & { out: () => string; err: () => string; asked: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    const asked: string[] = [];
    const lines = [...(script ?? [])];
    return {
        dir,
        interactive: script !== undefined,
        stdout: (t) => out.push(t),
        stderr: (t) => err.push(t),
        ask: (prompt) => {
            asked.push(prompt);
            return Promise.resolve(lines.shift());
        },
        out: () => out.join(""),
        err: () => err.join(""),
        asked,
    };
}

const FLAGS = [
    "--region=eu-west-1",
    "--account=210987654321",
    "--api-access=198.18.0.0/24",
    "--public-hosts=staging.shop.io",
    "--public-cert=arn:aws:acm:eu-west-1:210987654321:certificate/0f3c1a52-8e0b-4c7e",
    "--image=shop",
    "--image-tag=2026.12.07-abc1234",
    "--backend=s3://shop-state",
    "--secrets-provider=awskms://alias/capstan-secrets?region=eu-west-1",
];

function written(dir: string, stack: string): Record<string, any> {
    const doc = YAML.parse(fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8")) as { config: object };
    return doc.config;
}

describe("capstan init with flags", () => {
    it("writes a stack of one's own from staging's shape that passes the config check, and prints the secrets to set", async () => {
        const dir = project();
        const o = io(dir);
        expect(await initCli(["mine", ...FLAGS], o), o.err()).toBe(0);
        const cfg = written(dir, "mine");
        expect(cfg["aws:region"]).toBe("eu-west-1");
        expect(cfg["capstan:network"].availabilityZones).toEqual(["eu-west-1a", "eu-west-1b"]);
        expect(cfg["capstan:app"].image).toBe("210987654321.dkr.ecr.eu-west-1.amazonaws.com/shop");
        expect(cfg["capstan:app"].env.APP_HOST).toBe("staging.shop.io");
        expect(cfg["capstan:ingress"].internal).toBeUndefined();
        expect(exampleValues(rootOf(cfg))).toEqual([]);
        expect(JSON.stringify(cfg)).not.toContain("secure");
        expect(o.out()).toContain("pulumi stack init mine --secrets-provider");
        expect(o.out()).toContain("pulumi config set --stack mine --secret --path 'appSecrets.DATABASE_URL' <value>");
        expect(o.out()).toContain("'basicAuthPasswords.team' <password>");
        // The config check, as loadConfig runs it once the secrets are set, finds nothing.
        const root = rootOf(cfg);
        const secrets = { appSecrets: root.app.secretEnv, basicAuthPasswords: root.staging.basicAuth.users };
        expect(validateConfig(root, secrets, { project: "capstan", stack: "mine" }).problems).toEqual([]);
    });

    it("refuses every bad value at once, in the config check's words, and writes nothing", async () => {
        const dir = project();
        const o = io(dir);
        const bad = [
            ...FLAGS.filter((f) => !/^--(account|public-hosts|public-cert|api-access)=/.test(f)),
            "--account=123456789012",
            "--api-access=203.0.113.0/24",
            "--public-hosts=Staging_Shop",
            "--public-cert=arn:aws:acm:us-east-1:210987654321:certificate/abc",
        ];
        expect(await initCli(["mine", ...bad], o)).toBe(2);
        expect(o.err()).toContain("--account: 123456789012 is the example account");
        expect(o.err()).toContain('--api-access: "203.0.113.0/24" is a network reserved for documentation');
        expect(o.err()).toContain('--public-hosts: "Staging_Shop" must be a lower-case DNS host name');
        expect(o.err()).toContain(
            "is a certificate of us-east-1, but the stack's load balancers are in aws:region eu-west-1",
        );
        expect(fs.existsSync(path.join(dir, "Pulumi.mine.yaml"))).toBe(false);
    });

    it("refuses a certificate of another account than the stack's", async () => {
        const o = io(project());
        const flags = FLAGS.map((f) =>
            f.startsWith("--public-cert") ? "--public-cert=arn:aws:acm:eu-west-1:111122223333:certificate/x" : f,
        );
        expect(await initCli(["mine", ...flags], o)).toBe(2);
        expect(o.err()).toContain("is a certificate of account 111122223333, but the stack's account is 210987654321");
    });

    it("never overwrites a stack file", async () => {
        const dir = project();
        const before = fs.readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8");
        const o = io(dir);
        expect(await initCli(["staging", ...FLAGS], o)).toBe(1);
        expect(o.err()).toContain("never overwrites");
        expect(fs.readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8")).toBe(before);
    });

    it("--from prod copies prod's shape and leaves out its example hosted zone", async () => {
        const dir = project();
        const o = io(dir);
        const flags = [
            ...FLAGS,
            "--vpn-hosts=admin.internal.shop.io",
            "--vpn-cert=arn:aws:acm:eu-west-1:210987654321:certificate/y",
        ];
        expect(await initCli(["myprod", "--from", "prod", ...flags], o), o.err()).toBe(0);
        const cfg = written(dir, "myprod");
        expect(cfg["capstan:environment"]).toBe("production");
        expect(cfg["capstan:database"]).toBeDefined();
        expect(cfg["capstan:dns"]).toBeUndefined();
        expect(cfg["capstan:ingress"].internal.hosts).toEqual(["admin.internal.shop.io"]);
        expect(o.out()).toContain("capstan:dns left out");
    });

    it("a shared stack takes the tenant's shape and the owner's name", async () => {
        const dir = project();
        const o = io(dir);
        const flags = FLAGS.filter((f) => !/^--(api-access|public-cert)=/.test(f));
        expect(
            await initCli(["tenant-shop", "--cluster=shared", "--owner=acme/capstan/prod", ...flags], o),
            o.err(),
        ).toBe(0);
        expect(written(dir, "tenant-shop")["capstan:cluster"]).toEqual({
            mode: "shared",
            sharedStack: "acme/capstan/prod",
        });
    });

    it("checks the --from stack first: an unknown one lists the stacks there are, before any value is read", async () => {
        const o = io(project());
        expect(await initCli(["mine", "--from", "prd", "--account=123456789012"], o)).toBe(2);
        expect(o.err()).toContain("no stack named prd");
        expect(o.err()).toContain("did you mean prod?");
        expect(o.err()).not.toContain("example account");
    });

    it("--help describes every question's option, from the one definition", async () => {
        const o = io(project());
        expect(await initCli(["--help"], o)).toBe(0);
        for (const q of QUESTIONS) expect(o.out()).toContain(`${q.flag} ${q.value}`);
        expect(o.out()).toContain("Exit codes:");
    });

    it("without a terminal, a value it needs and has no flag for is a usage error naming the flag", async () => {
        const o = io(project());
        expect(await initCli(["mine", ...FLAGS.filter((f) => !f.startsWith("--image="))], o)).toBe(2);
        expect(o.err()).toContain("--image is required");
    });
});

describe("capstan init on a terminal", () => {
    it("asks for each value, asks again after a bad one with the check's words, and writes the stack", async () => {
        const dir = project();
        const o = io(dir, [
            "eu-west-1",
            "123456789012", // the example account: asked again
            "210987654321",
            "", // cluster mode: the default, create
            "198.18.0.0/24",
            "shop.example.com", // an example host: asked again
            "staging.shop.io",
            "arn:aws:acm:eu-west-1:210987654321:certificate/abc",
            "", // no VPN entry
            "shop",
            "2026.12.07-abc1234",
            "cloud",
            "", // Pulumi Cloud's own secrets provider
        ]);
        expect(await initCli(["mine"], o), o.err()).toBe(0);
        expect(o.err()).toContain("123456789012 is the example account");
        expect(o.err()).toContain("is an example host");
        expect(o.asked.filter((q) => q.startsWith("AWS account ID"))).toHaveLength(2);
        expect(o.asked.some((q) => q.startsWith("cluster mode") && q.includes("[create]"))).toBe(true);
        expect(written(dir, "mine")["capstan:ingress"].public.hosts).toEqual(["staging.shop.io"]);
        expect(o.out()).toContain("pulumi login https://api.pulumi.com");
        expect(o.out()).toContain("pulumi stack init mine\n");
    });

    it("stops without writing when the input ends", async () => {
        const dir = project();
        const o = io(dir, ["eu-west-1"]);
        expect(await initCli(["mine"], o)).toBe(2);
        expect(o.err()).toContain("--account: no answer (the input ended)");
        expect(fs.existsSync(path.join(dir, "Pulumi.mine.yaml"))).toBe(false);
    });

    it("reads its answers from stdin with --interactive, as the process", async () => {
        const dir = project();
        const answers = [
            "eu-west-1",
            "210987654321",
            "external",
            "my-cluster",
            "staging.shop.io",
            "",
            "shop",
            "v1",
            "s3://shop-state",
            "passphrase",
        ];
        const r = await runCommand(
            "node",
            [path.join(PROJECT_DIR, "scripts/capstan.js"), "init", "ext", "--interactive"],
            {
                cwd: dir,
                env: { ...process.env, CAPSTAN_STACK_DIR: dir },
                input: `${answers.join("\n")}\n`,
            },
        );
        expect(r.status, r.stderr).toBe(0);
        expect(written(dir, "ext")["capstan:cluster"]).toEqual({ mode: "external", context: "my-cluster" });
    });
});
