import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { UsageError } from "../../../scripts/cli/cli";
import { parseCommandLine } from "../../../scripts/cli/define";
import { definition, nextCommands, WALK_TAG } from "../../../scripts/commands/local";
import { PROJECT_DIR } from "../../harness";

const parse = (argv: string[]) => parseCommandLine(definition, argv);

describe("capstan local: its command line", () => {
    it("reads up (with --crds passed through as a file or a URL), env and down", () => {
        const file = path.join(PROJECT_DIR, "package.json");
        expect(parse(["up"])).toEqual({ command: "up", crds: undefined });
        expect(parse(["up", "--crds", file])).toEqual({ command: "up", crds: file });
        expect(parse(["up", "--crds=https://example.com/crds.yaml"])).toEqual({
            command: "up",
            crds: "https://example.com/crds.yaml",
        });
        expect(parse(["env"])).toEqual({ command: "env" });
        expect(parse(["down"])).toEqual({ command: "down" });
    });

    it.each([
        [[], "name a command: up, env or down"],
        [["sideways"], "unknown command sideways: up, env or down"],
        [["down", "--crds", "x.yaml"], "--crds goes with up"],
        [["up", "--crds", "/no/such/crds.yaml"], "--crds: no file /no/such/crds.yaml"],
        [["up", "now"], "unexpected argument now"],
        [["up", "--yes"], "unknown option --yes"],
    ])("refuses %j with a usage error naming what is wrong", (argv, message) => {
        expect(() => parse(argv)).toThrow(UsageError);
        expect(() => parse(argv)).toThrow(message);
    });

    it("is listed among the commands, with the missing-tool exit code and an example of each form", async () => {
        const { definitions } = await import("../../../scripts/commands/index");
        expect(definitions().map((d) => d.name)).toContain("local");
        expect(definition.exits).toContain("missingTool");
        for (const form of ["local up", "local env", "local down"])
            expect(definition.examples.some((e) => e.command.includes(form))).toBe(true);
    });

    it("names the next commands of the walk after up: env first, a tag deploy, day two, rollback, down", () => {
        const lines = nextCommands()
            .split("\n")
            .map((l) => l.trim())
            .filter((l) => l.startsWith("npx") || l.startsWith("eval"));
        expect(lines[0]).toBe('eval "$(npx capstan local env)"');
        expect(lines[1]).toContain(`npx capstan deploy local ${WALK_TAG} --yes`);
        for (const c of [
            "status local",
            "logs local",
            "run local --",
            "canary local start",
            "--rollback",
            "local down",
        ])
            expect(lines.some((l) => l.includes(c))).toBe(true);
    });
});

const SAVED = ["CAPSTAN_CACHE", "PATH", "CAPSTAN_LOCAL_CLUSTER_DIR", "CAPSTAN_STACK_DIR"].map((k) => [
    k,
    process.env[k],
]);

function restoreEnv(): void {
    for (const [k, v] of SAVED) {
        if (v === undefined) delete process.env[k!];
        else process.env[k!] = v;
    }
    vi.resetModules();
}

describe("capstan local up without the toolchain and without Go", () => {
    afterEach(restoreEnv);

    it("exits 4 with the way to install Go, and starts and writes nothing", async () => {
        const cache = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-local-"));
        process.env.CAPSTAN_CACHE = cache;
        process.env.PATH = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-nogo-"));
        vi.resetModules();
        const local = await import("../../../scripts/commands/local");
        let stdout = "";
        let stderr = "";
        const code = await local.main(["up"], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
        expect(code).toBe(4);
        expect(stdout).toMatch(/building what is missing .*about 16 minutes the first time on two cores/);
        expect(stderr).toContain("Go is not installed");
        expect(stderr).toContain("Install Go");
        expect(fs.readdirSync(cache)).toEqual([]);
    });
});

describe("capstan local down of nothing", () => {
    afterEach(restoreEnv);

    async function down(stackDir?: (cache: string) => string) {
        const cache = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-local-"));
        process.env.CAPSTAN_CACHE = cache;
        process.env.CAPSTAN_LOCAL_CLUSTER_DIR = path.join(cache, "no-cluster");
        if (stackDir) process.env.CAPSTAN_STACK_DIR = stackDir(cache);
        else delete process.env.CAPSTAN_STACK_DIR;
        vi.resetModules();
        const local = await import("../../../scripts/commands/local");
        let out = "";
        const code = await local.main(["down"], { stdout: (t) => (out += t), stderr: (t) => (out += t) });
        return { code, out };
    }

    it("does nothing and exits 0, saying so", async () => {
        const { code, out } = await down();
        expect(code).toBe(0);
        expect(out).toContain("no local stack to remove");
        expect(out).not.toContain("unset");
    });

    it("tells a shell that ran the env eval which variables still point at the local stack", async () => {
        const { code, out } = await down((cache) => path.join(cache, "local", "project"));
        expect(code).toBe(0);
        expect(out).toMatch(/unset PULUMI_BACKEND_URL PULUMI_CONFIG_PASSPHRASE_FILE KUBECONFIG CAPSTAN_STACK_DIR\n$/);
    });
});
