import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { readStackFile } from "../../../scripts/cli/stackfile";
import { tenantHosts } from "../../../scripts/tenant/scaffold";
import { renderCli } from "../../../scripts/commands/render";
import { tenantCli } from "../../../scripts/commands/tenant";
import { capstanProgram, loadConfigOf, PROJECT_DIR } from "../../harness";

/** A throwaway copy of the project's stack files, so that a scaffold writes nowhere that matters. */
function scratch(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-tenant-"));
    for (const f of fs.readdirSync(PROJECT_DIR).filter((f) => /^Pulumi\..*ya?ml$/.test(f) || f === "Pulumi.yaml")) {
        fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(dir, f));
    }
    return dir;
}

function run(dir: string, argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = tenantCli(argv, { dir, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
}

function stackFile(dir: string, stack: string): { text: string; values: Record<string, any> } {
    const text = fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8");
    return { text, values: (YAML.parse(text) as { config: Record<string, any> }).config };
}

const load = (values: Record<string, unknown>, secrets: Record<string, unknown>) =>
    loadConfigOf(values, secrets, "tenant-globex");

describe("npm run tenant -- new <name> --from <stack>", () => {
    it("writes a tenant stack on the source's cluster, with the source's app, its own hosts and no secrets", () => {
        const dir = scratch();
        const { code, stdout, stderr } = run(dir, ["new", "globex", "--from", "prod", "--org", "acme-corp"]);
        expect(stderr).toBe("");
        expect(code).toBe(0);
        const { text, values } = stackFile(dir, "tenant-globex");
        const prod = stackFile(dir, "prod").values;
        expect(values["capstan:cluster"]).toEqual({ mode: "shared", sharedStack: "acme-corp/capstan/prod" });
        expect(values["capstan:tenant"].name).toBe("globex");
        expect(values["capstan:ingress"].public.hosts).toEqual(["globex.example.com"]);
        expect(values["capstan:ingress"].internal.hosts).toEqual(["globex.internal.example.com"]);
        expect(values["capstan:app"].env.APP_HOST).toBe("globex.example.com");
        expect({ ...values["capstan:app"], env: undefined }).toEqual({ ...prod["capstan:app"], env: undefined });
        for (const key of ["aws:region", "capstan:environment", "capstan:imageTag"])
            expect(values[key]).toEqual(prod[key]);
        for (const key of [
            "capstan:network",
            "capstan:nodeGroups",
            "capstan:appSecrets",
            "capstan:basicAuthPasswords",
            "capstan:canary",
        ])
            expect(values).not.toHaveProperty(key);
        expect(text).not.toContain("secure:");
        for (const name of prod["capstan:app"].secretEnv) {
            expect(stdout).toContain(
                `pulumi config set --stack tenant-globex --secret --path 'appSecrets.${name}' <value>`,
            );
        }
    });

    it("writes a config that loads: namespace <app>-<tenant>, shared cluster, once its secrets are set", async () => {
        const dir = scratch();
        expect(run(dir, ["new", "globex", "--from", "prod"]).code).toBe(0);
        const { values } = stackFile(dir, "tenant-globex");
        const cfg = await load(values, { "capstan:appSecrets": { DATABASE_URL: "x", SECRET_KEY_BASE: "y" } });
        expect(cfg.namespace).toBe("phraseapp-globex");
        expect(cfg.tenant?.name).toBe("globex");
        expect(cfg.cluster).toMatchObject({ mode: "shared", sharedStack: "organization/capstan/prod" });
    });

    it("copies basic auth from a staging source and prints the password commands", () => {
        const dir = scratch();
        const { code, stdout } = run(dir, ["new", "initech", "--from", "staging"]);
        expect(code).toBe(0);
        expect(stackFile(dir, "tenant-initech").values["capstan:staging"]).toEqual(
            stackFile(dir, "staging").values["capstan:staging"],
        );
        expect(stdout).toContain(
            "pulumi config set --stack tenant-initech --secret --path 'basicAuthPasswords.team' <password>",
        );
    });

    it("from a tenant stack, runs on that tenant's shared cluster", () => {
        const dir = scratch();
        expect(run(dir, ["new", "globex", "--from", "tenant-acme"]).code).toBe(0);
        const values = stackFile(dir, "tenant-globex").values;
        expect(values["capstan:cluster"].sharedStack).toBe(
            stackFile(dir, "tenant-acme").values["capstan:cluster"].sharedStack,
        );
        expect(values["capstan:ingress"].public.hosts).toEqual(["globex.example.com"]);
    });

    it.each([["Acme"], ["-acme"], ["acme-"], ["ac_me"], ["acme.corp"], ["a".repeat(64)]])(
        "refuses the name %s, which is not a DNS-1123 label, and writes nothing",
        (name) => {
            const dir = scratch();
            const before = fs.readdirSync(dir).sort();
            // After --, a name that starts with a dash is a name, not an option.
            const { code, stderr } = run(dir, ["new", "--from", "prod", "--", name]);
            expect(code).toBe(1);
            expect(stderr).toMatch(/DNS-1123 label|characters/);
            expect(fs.readdirSync(dir).sort()).toEqual(before);
        },
    );

    it("refuses a tenant whose stack file exists, leaving it untouched", () => {
        const dir = scratch();
        const before = fs.readFileSync(path.join(dir, "Pulumi.tenant-acme.yaml"), "utf8");
        const { code, stderr } = run(dir, ["new", "acme", "--from", "prod"]);
        expect(code).toBe(1);
        expect(stderr).toContain("tenant acme already exists");
        expect(fs.readFileSync(path.join(dir, "Pulumi.tenant-acme.yaml"), "utf8")).toBe(before);
    });

    it("refuses a tenant that another stack already runs, whatever its file is called", () => {
        const dir = scratch();
        fs.renameSync(path.join(dir, "Pulumi.tenant-acme.yaml"), path.join(dir, "Pulumi.acme-eu.yaml"));
        const { code, stderr } = run(dir, ["new", "acme", "--from", "prod"]);
        expect(code).toBe(1);
        expect(stderr).toContain("already exists in stack acme-eu");
        expect(fs.existsSync(path.join(dir, "Pulumi.tenant-acme.yaml"))).toBe(false);
    });

    it("refuses a source on a shared cluster that does not name the cluster's owner", () => {
        const dir = scratch();
        const file = path.join(dir, "Pulumi.tenant-acme.yaml");
        fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/^ +sharedStack: .*\n/m, ""));
        const { code, stderr } = run(dir, ["new", "globex", "--from", "tenant-acme"]);
        expect(code).toBe(1);
        expect(stderr).toContain("stack tenant-acme has cluster.mode shared but no cluster.sharedStack");
        expect(fs.existsSync(path.join(dir, "Pulumi.tenant-globex.yaml"))).toBe(false);
    });

    it("refuses a name that would make the namespace too long, naming the key", () => {
        const dir = scratch();
        const { code, stderr } = run(dir, ["new", "t".repeat(60), "--from", "prod"]);
        expect(code).toBe(1);
        expect(stderr).toContain("capstan:tenant.name");
    });

    it.each([[[]], [["old", "acme"]], [["new", "acme"]], [["new", "--from", "prod"]], [["new", "acme", "--from"]]])(
        "says how to call it when called as %j",
        (argv) => {
            const { code, stderr } = run(scratch(), argv);
            expect(code).toBe(2);
            expect(stderr).toContain("usage: capstan tenant new <name> --from <stack>");
        },
    );

    it("names the stacks there are when the source does not exist", () => {
        const { code, stderr } = run(scratch(), ["new", "globex", "--from", "nosuch"]);
        expect(code).toBe(2);
        expect(stderr).toContain("no stack named nosuch");
    });
});

describe("the committed example tenant", () => {
    it("is what the scaffold writes from prod, plus its secrets", () => {
        const dir = scratch();
        fs.rmSync(path.join(dir, "Pulumi.tenant-acme.yaml"));
        expect(run(dir, ["new", "acme", "--from", "prod", "--org", "acme-corp"]).code).toBe(0);
        const generated = stackFile(dir, "tenant-acme").values;
        const committed = stackFile(PROJECT_DIR, "tenant-acme").values;
        const { "capstan:appSecrets": secrets, ...rest } = committed;
        expect(rest).toEqual(generated);
        expect(Object.keys(secrets)).toEqual(generated["capstan:app"].secretEnv);
    });
});

describe("the tenant's hosts", () => {
    it.each([
        [["app.example.com", "www.example.com"], ["acme.example.com"]],
        [["example.com"], ["acme.example.com"]],
        [["admin.internal.example.com"], ["acme.internal.example.com"]],
        [
            ["shop.example.com", "shop.example.org"],
            ["acme.example.com", "acme.example.org"],
        ],
    ])("from %j are %j", (hosts, expected) => {
        expect(tenantHosts("acme", hosts)).toEqual(expected);
    });
});

describe("the scaffold's first step works offline: its render, before any secret is set", () => {
    it.each<[string, string, string[]]>([
        // prod's DATABASE_URL is composed from its own database, so it is no secret to set.
        ["prod", "organization/capstan/prod", ["appSecrets.SECRET_KEY_BASE"]],
        [
            "staging",
            "organization/capstan/staging",
            ["appSecrets.DATABASE_URL", "appSecrets.SECRET_KEY_BASE", "basicAuthPasswords.team"],
        ],
        ["tenant-acme", "acme-corp/capstan/prod", ["appSecrets.SECRET_KEY_BASE"]],
    ])("from %s: names the owner %s, and renders with a warning per unset secret", async (from, owner, secrets) => {
        const dir = scratch();
        const scaffold = run(dir, ["new", "globex", "--from", from]);
        expect(scaffold.stdout).toContain(`tenant globex on the cluster of ${owner}.`);
        expect(scaffold.stdout).toContain("Check it with: capstan render tenant-globex");
        let stderr = "";
        let stdout = "";
        const out = path.join(dir, "out");
        const code = await renderCli(["tenant-globex", "--out", out], {
            dir,
            program: capstanProgram,
            stdout: (t) => (stdout += t),
            stderr: (t) => (stderr += t),
        });
        expect(code).toBe(0);
        const warnings = stderr.split("\n").filter((l) => l.startsWith("render: warning: "));
        expect(warnings.map((w) => /capstan:(\S+) is not set/.exec(w)?.[1])).toEqual(secrets);
        for (const s of secrets)
            expect(stderr).toContain(`pulumi config set --stack tenant-globex --secret --path '${s}' <value>`);
        expect(stdout).toContain("Stack capstan/tenant-globex");
        expect(fs.readFileSync(path.join(out, "tenant-globex", "manifests.yaml"), "utf8")).toContain("[secret]");
    });

    it("a real preview, which reads the stack's own secrets, still refuses it until they are set", async () => {
        const dir = scratch();
        expect(run(dir, ["new", "globex", "--from", "prod"]).code).toBe(0);
        await expect(load(stackFile(dir, "tenant-globex").values, {})).rejects.toSatisfy((e: any) =>
            e.problems?.some(
                (p: { path: string; message: string }) =>
                    p.path === "capstan:app.secretEnv[0]" && p.message.includes("has no value in capstan:appSecrets"),
            ),
        );
    });

    it("a secret map that is set but lacks an entry is still refused by the render", async () => {
        const dir = scratch();
        const file = path.join(dir, "Pulumi.staging.yaml");
        fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/    SECRET_KEY_BASE:\n      secure: \S+\n/, ""));
        let stderr = "";
        const code = await renderCli(["staging", "--out", path.join(dir, "out")], {
            dir,
            program: capstanProgram,
            stdout: () => undefined,
            stderr: (t) => (stderr += t),
        });
        expect(code).toBe(1);
        expect(stderr).toContain("capstan:app.secretEnv[1]: SECRET_KEY_BASE has no value in capstan:appSecrets");
    });
});

describe("the scaffold writes text the CLI reads back as the same text", () => {
    it.each(["2026-11-20", "1_000", "0b101", "1.10", "True", "~", "010"])(
        "an env value %j is written quoted",
        (value) => {
            const dir = scratch();
            const file = path.join(dir, "Pulumi.prod.yaml");
            fs.writeFileSync(
                file,
                fs
                    .readFileSync(file, "utf8")
                    .replace("APP_HOST: app.example.com", `APP_HOST: app.example.com\n      RELEASE: "${value}"`),
            );
            expect(run(dir, ["new", "globex", "--from", "prod"]).code).toBe(0);
            const written = readStackFile(dir, "capstan", "tenant-globex");
            expect(written.values["capstan:app"]).toMatchObject({ env: { RELEASE: value } });
            expect(written.changed).toEqual([]);
        },
    );
});
