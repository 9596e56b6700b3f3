/**
 * What the day-two commands and kube-score check before they do anything, in this order: the
 * stack's name (an unknown one lists the stacks there are, exit 2), then the tools they need (the
 * Pulumi CLI, a kubeconfig context, the AWS CLI a kubeconfig runs, a toolchain piece), each refused
 * in words with the command that installs or selects it and the missing-tool exit code.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MISSING_TOOL_EXIT, USAGE_EXIT } from "../../../scripts/cli/cli";
import { EXIT } from "../../../scripts/deploy/types";
import type { DeployBackend } from "../../../scripts/deploy/types";
import { main as kubeScoreMain } from "../../../scripts/commands/kube-score";
import { main as canaryMain } from "../../../scripts/commands/canary";
import { main as consoleMain } from "../../../scripts/commands/console";
import { main as logsMain } from "../../../scripts/commands/logs";
import { main as runMain } from "../../../scripts/commands/run";
import { main as releaseMain } from "../../../scripts/commands/release";
import { main as statusMain } from "../../../scripts/commands/status";
import { kubeConfigFor, OpsError } from "../../../scripts/cli/target";

type Io = { stdout: (t: string) => void; stderr: (t: string) => void };
type Main = (argv: readonly string[], io: Io) => Promise<number>;

/** A backend whose CLI is missing, and that fails the test if anything opens a stack. */
const noCli: DeployBackend = {
    cliAvailable: () => false,
    stacks: () => Promise.reject(new Error("nothing may list the stacks once the CLI is known to be missing")),
    open: () => Promise.reject(new Error("nothing may open a stack once the CLI is known to be missing")),
    lockDir: () => {
        throw new Error("nothing may take the deploy lock once the CLI is known to be missing");
    },
};

const COMMANDS: [string, Main, string[]][] = [
    ["status", statusMain, []],
    ["logs", logsMain, ["web"]],
    ["run", runMain, ["--", "bin/rails", "db:version"]],
    ["console", consoleMain, []],
    ["canary", (argv, io) => canaryMain(argv, io, noCli), ["abort", "--yes"]],
];

async function call(main: Main, argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
}

let dir: string;
const saved = { ...process.env };

beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-preflight-"));
    for (const stack of ["staging", "prod"])
        fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "config:\n  capstan:imageTag: v1\n");
    process.env.CAPSTAN_STACK_DIR = dir;
    // A PATH with nothing on it: no pulumi, no aws.
    process.env.PATH = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-empty-path-"));
});
afterEach(() => {
    process.env = { ...saved };
    fs.rmSync(dir, { recursive: true, force: true });
});

describe("a day-two command checks the stack's name first", () => {
    it.each(COMMANDS)("%s with an unknown stack lists the stacks there are and exits 2", async (_name, main, rest) => {
        const r = await call(main, ["stagin", ...rest]);
        expect(r.code).toBe(USAGE_EXIT);
        expect(r.stderr).toContain(`no stack named stagin: there is no Pulumi.stagin.yaml in ${dir}`);
        expect(r.stderr).toContain("(stacks: prod, staging); did you mean staging?");
        expect(r.stderr).not.toContain("Pulumi CLI");
    });
});

describe("a day-two command without the Pulumi CLI says how to install it", () => {
    it.each(COMMANDS)("%s exits with the missing-tool code and the install commands", async (name, main, rest) => {
        const r = await call(main, ["staging", ...rest]);
        expect(r.code).toBe(MISSING_TOOL_EXIT);
        expect(r.stderr).toMatch(new RegExp(`^${name}: the Pulumi CLI is not installed \\(no \`pulumi\` on PATH\\)`));
        expect(r.stderr).toContain("curl -fsSL https://get.pulumi.com | sh");
        expect(r.stderr).toContain("npm run toolchain -- pulumi");
        expect(r.stderr).not.toMatch(/ENOENT|\n\s+at /);
        expect(r.stdout).toBe("");
    });

    it("release says a rolling stack has no colours to switch before it asks for the CLI, and a blue/green one needs the CLI", async () => {
        const release: Main = (argv, io) => releaseMain(argv, io, noCli);
        const rolling = await call(release, ["staging", "switch", "--yes"]);
        expect(rolling.code).toBe(USAGE_EXIT);
        expect(rolling.stderr).toContain("stack staging releases by rolling: set capstan:release.strategy: blueGreen");
        expect(rolling.stderr).not.toContain("Pulumi CLI");
        fs.writeFileSync(
            path.join(dir, "Pulumi.prod.yaml"),
            "config:\n  capstan:imageTag: v1\n  capstan:release: {strategy: blueGreen, previewHosts: [preview.example.com]}\n",
        );
        const r = await call(release, ["prod", "switch", "--yes"]);
        expect(r.code).toBe(MISSING_TOOL_EXIT);
        expect(r.stderr).toMatch(/^release: the Pulumi CLI is not installed \(no `pulumi` on PATH\)/);
        expect(r.stderr).not.toMatch(/ENOENT|\n\s+at /);
    });

    it("deploy exits with the same code for a missing CLI", () => {
        expect(EXIT.noCli).toBe(MISSING_TOOL_EXIT);
    });
});

describe("a cluster the kubeconfig cannot reach is a missing tool, with the command that adds it", () => {
    function kubeconfig(contexts: string[], current?: string): string {
        const file = path.join(dir, "kubeconfig");
        const yaml = [
            "apiVersion: v1",
            "kind: Config",
            "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]",
            "users: [{name: u, user: {token: t}}]",
            `contexts: [${contexts.map((n) => `{name: ${n}, context: {cluster: c, user: u}}`).join(", ")}]`,
            ...(current ? [`current-context: ${current}`] : []),
        ].join("\n");
        fs.writeFileSync(file, yaml);
        return file;
    }

    async function refusal(access: Parameters<typeof kubeConfigFor>[0]): Promise<OpsError> {
        const err = await kubeConfigFor(access).then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(OpsError);
        return err as OpsError;
    }

    it("a context the kubeconfig does not have names the contexts it has and how to add one", async () => {
        process.env.KUBECONFIG = kubeconfig(["kind-dev", "other"], "kind-dev");
        const err = await refusal({ context: "capstan-local" });
        expect(err.exitCode).toBe(MISSING_TOOL_EXIT);
        expect(err.message).toContain("the kubeconfig context capstan-local, which your kubeconfig");
        expect(err.message).toContain("(its contexts: kind-dev, other)");
        expect(err.message).toContain("aws eks update-kubeconfig --name CLUSTER --alias capstan-local");
    });

    it("no kubeconfig file at all is refused before the client guesses localhost:8080", async () => {
        process.env.KUBECONFIG = path.join(dir, "no-such-kubeconfig");
        delete process.env.KUBERNETES_SERVICE_HOST;
        const err = await refusal({ default: true });
        expect(err.exitCode).toBe(MISSING_TOOL_EXIT);
        expect(err.message).toMatch(/^no kubeconfig: .*no-such-kubeconfig does not exist/);
    });

    it("a kubeconfig that selects no context says how to select one", async () => {
        process.env.KUBECONFIG = kubeconfig(["a", "b"]);
        const err = await refusal({ default: true });
        expect(err.exitCode).toBe(MISSING_TOOL_EXIT);
        expect(err.message).toContain("kubectl config use-context NAME");
    });

    it("a stack's kubeconfig that runs the AWS CLI for a token, with no aws on PATH, says to install it", async () => {
        const stackKubeconfig = JSON.stringify({
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: "c", cluster: { server: "https://127.0.0.1:1" } }],
            users: [
                {
                    name: "u",
                    user: {
                        exec: {
                            apiVersion: "client.authentication.k8s.io/v1beta1",
                            command: "aws",
                            args: ["eks", "get-token"],
                        },
                    },
                },
            ],
            contexts: [{ name: "x", context: { cluster: "c", user: "u" } }],
            "current-context": "x",
        });
        const err = await refusal({ kubeconfig: stackKubeconfig });
        expect(err.exitCode).toBe(MISSING_TOOL_EXIT);
        expect(err.message).toContain("runs `aws` for a token, which is not on PATH: install the AWS CLI");
    });

    it("a context the kubeconfig has is selected", async () => {
        process.env.KUBECONFIG = kubeconfig(["kind-dev", "capstan-local"], "kind-dev");
        expect((await kubeConfigFor({ context: "capstan-local" })).getCurrentContext()).toBe("capstan-local");
    });
});

describe("capstan kube-score without its tool", () => {
    async function kubeScore(argv: string[]) {
        let stderr = "";
        const spy = vi.spyOn(process.stderr, "write").mockImplementation((t) => {
            stderr += String(t);
            return true;
        });
        try {
            return { code: await kubeScoreMain(argv), stderr };
        } finally {
            spy.mockRestore();
        }
    }

    it("exits with the missing-tool code and says how to build it", async () => {
        process.env.CAPSTAN_CACHE = dir;
        const r = await kubeScore(["staging"]);
        expect(r.code).toBe(MISSING_TOOL_EXIT);
        expect(r.stderr).toBe(
            `kube-score: kube-score is not built (no ${path.join(dir, "toolchain", "bin", "kube-score")}); build it with: npm run toolchain -- kube-score\n`,
        );
    });

    it("still refuses an unknown stack first, with exit 2", async () => {
        process.env.CAPSTAN_CACHE = dir;
        const r = await kubeScore(["stagin"]);
        expect(r.code).toBe(USAGE_EXIT);
        expect(r.stderr).toContain("no stack named stagin");
    });
});
