import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { BIN_DIR } from "../../../scripts/localCluster/layout";
import {
    ensurePassphrase,
    exportLines,
    LOCAL_CONTEXT,
    localEnv,
    localSite,
    newSecret,
    writeProject,
} from "../../../scripts/local/site";
import { PROJECT_DIR, runCommand } from "../../harness";

const tempSite = () => localSite(fs.mkdtempSync(path.join(os.tmpdir(), "capstan-site-")));

describe("the local try-out's files under the cache", () => {
    it("keeps them all in <cache>/local", () => {
        const site = localSite("/c");
        expect(site).toEqual({
            dir: "/c/local",
            stateDir: "/c/local/state",
            passphraseFile: "/c/local/passphrase",
            projectDir: "/c/local/project",
            logFile: "/c/local/local.log",
            podLog: "/c/local/pod.log",
        });
    });

    it("generates a passphrase of 32 random bytes, readable by its owner only, and keeps it on the next up", () => {
        const site = tempSite();
        expect(ensurePassphrase(site)).toBe(true);
        const first = fs.readFileSync(site.passphraseFile, "utf8");
        expect(Buffer.from(first, "base64url")).toHaveLength(32);
        expect(fs.statSync(site.passphraseFile).mode & 0o777).toBe(0o600);
        expect(fs.existsSync(site.stateDir)).toBe(true);
        expect(ensurePassphrase(site)).toBe(false);
        expect(fs.readFileSync(site.passphraseFile, "utf8")).toBe(first);
        const other = tempSite();
        ensurePassphrase(other);
        expect(fs.readFileSync(other.passphraseFile, "utf8")).not.toBe(first);
    });

    it("writes the local stack file pointed at the local cluster, without the committed secrets, and names them to set anew", () => {
        const site = tempSite();
        const secrets = writeProject(site, PROJECT_DIR);
        expect(secrets.sort()).toEqual([
            "capstan:appSecrets.DATABASE_URL",
            "capstan:appSecrets.SECRET_KEY_BASE",
            "capstan:basicAuthPasswords.team",
        ]);
        const text = fs.readFileSync(path.join(site.projectDir, "Pulumi.local.yaml"), "utf8");
        expect(text).not.toMatch(/secure:|encryptionsalt/);
        const written = YAML.parse(text) as { config: Record<string, { context?: string }> };
        const committed = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.local.yaml"), "utf8")) as {
            config: Record<string, unknown>;
        };
        expect(written.config["capstan:cluster"].context).toBe(LOCAL_CONTEXT);
        expect(written.config["capstan:app"]).toEqual(committed.config["capstan:app"]);
        expect(fs.readFileSync(path.join(site.projectDir, "Pulumi.yaml"), "utf8")).toBe(
            fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"),
        );
    });

    it("keeps a stack file an earlier up wrote (its deployed tag, its secrets) and sets nothing anew", () => {
        const site = tempSite();
        writeProject(site, PROJECT_DIR);
        const file = path.join(site.projectDir, "Pulumi.local.yaml");
        fs.appendFileSync(file, "# edited by a deploy\n");
        expect(writeProject(site, PROJECT_DIR)).toEqual([]);
        expect(fs.readFileSync(file, "utf8")).toContain("# edited by a deploy");
    });

    it("makes each secret value new and random", () => {
        const values = new Set([newSecret(), newSecret(), newSecret()]);
        expect(values.size).toBe(3);
        for (const v of values) expect(v).toMatch(/^[0-9a-f]{48}$/);
    });
});

describe("capstan local env", () => {
    const site = localSite("/c");
    const env = localEnv(site, "/k/kubeconfig", "");

    it("points the CLI at the toolchain, the file backend, the passphrase file, the cluster and the project copy", () => {
        expect(env).toMatchObject({
            PATH: BIN_DIR,
            PULUMI_BACKEND_URL: "file:///c/local/state",
            PULUMI_CONFIG_PASSPHRASE_FILE: "/c/local/passphrase",
            KUBECONFIG: "/k/kubeconfig",
            CAPSTAN_STACK_DIR: "/c/local/project",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        });
        expect(env).not.toHaveProperty("PULUMI_CONFIG_PASSPHRASE");
        expect(localEnv(site, "/k", "/usr/bin").PATH).toBe(`${BIN_DIR}${path.delimiter}/usr/bin`);
    });

    it("prints lines a shell's eval turns back into the same values, PATH before the shell's own", async () => {
        const odd = { ...env, CAPSTAN_STACK_DIR: "/it's here/$HOME `x`" };
        const { stdout: out } = await runCommand(
            "bash",
            [
                "-c",
                'PATH=/usr/bin:/bin; eval "$(cat)"; printf "%s\\n" "$PATH" "$PULUMI_BACKEND_URL" "$CAPSTAN_STACK_DIR"',
            ],
            { input: exportLines(odd) },
        );
        expect(out.split("\n").slice(0, 3)).toEqual([
            `${BIN_DIR}:/usr/bin:/bin`,
            "file:///c/local/state",
            "/it's here/$HOME `x`",
        ]);
    });
});
