import { afterEach, describe, expect, it, vi } from "vitest";
import { main as benchMain } from "../../../bench/bench";
import { readCommandLine } from "../../../scripts/cli/cli";
import { deployCli } from "../../../scripts/commands/deploy";
import type { DeployBackend } from "../../../scripts/deploy/types";
import { renderCli } from "../../../scripts/commands/render";
import { tenantCli } from "../../../scripts/commands/tenant";

// The shared reader is wrapped so that a test can change it in one place and watch every command follow.
vi.mock("../../../scripts/cli/cli", async (original) => {
    const cli = await original<typeof import("../../../scripts/cli/cli")>();
    return { ...cli, readCommandLine: vi.fn(cli.readCommandLine) };
});

afterEach(() => vi.restoreAllMocks());

/** Runs a command with `argv`, returning its exit code and what it wrote to stderr. */
type Run = (argv: string[]) => Promise<{ code: number; stderr: string }>;

const unreachable = () => {
    throw new Error("the command went past its command line");
};

const COMMANDS: [string, Run, string][] = [
    [
        "render",
        async (argv) => {
            let stderr = "";
            const io = {
                dir: "/nonexistent",
                program: unreachable,
                stdout: unreachable,
                stderr: (t: string) => (stderr += t),
            };
            return { code: await renderCli(argv, io), stderr };
        },
        "usage: capstan render <stack> [--out DIR]",
    ],
    [
        "tenant",
        async (argv) => {
            let stderr = "";
            const code = tenantCli(["new", ...argv], {
                dir: "/nonexistent",
                stdout: unreachable,
                stderr: (t) => (stderr += t),
            });
            return { code, stderr };
        },
        "usage: capstan tenant new <name> --from <stack> [--org ORG]",
    ],
    [
        "deploy",
        async (argv) => {
            let stderr = "";
            const io = {
                stdout: unreachable,
                stderr: (t: string) => (stderr += t),
                interactive: false,
                ask: unreachable,
            };
            return { code: await deployCli(argv, io, {} as DeployBackend), stderr };
        },
        "usage: capstan deploy <stack> <imageTag> [--yes] [--allow-infra-changes] [--force] [--no-switch]\n       capstan deploy <stack> --rollback [--yes] [--allow-infra-changes]",
    ],
    [
        "bench",
        async (argv) => {
            let stderr = "";
            vi.spyOn(process.stderr, "write").mockImplementation((t) => {
                stderr += String(t);
                return true;
            });
            return { code: await benchMain(argv), stderr };
        },
        "usage: npm run bench -- [--samples N] [--only LABEL,...] [--out FILE] [--markdown]\n       npm run bench -- --engine [--crds FILE|URL] [--sizes N,...] [--out FILE]   (needs npm run toolchain)",
    ],
];

describe("every command reports a command line it cannot read the same way", () => {
    it.each(COMMANDS)("%s: the reason, its usage, and exit code 2", async (name, run, usage) => {
        const { code, stderr } = await run(["--no-such-option"]);
        expect(code).toBe(2);
        expect(stderr).toMatch(new RegExp(`^${name}: unknown (option|argument) --no-such-option\\n`));
        expect(stderr.endsWith(`\n${usage}\n`)).toBe(true);
    });

    it.each(COMMANDS)("%s: follows the one shared reader when it changes", async (_name, run) => {
        vi.mocked(readCommandLine).mockImplementation((command) => {
            command.stderr("see --help\n");
            return { exitCode: 64 };
        });
        const { code, stderr } = await run(["--no-such-option"]);
        expect(code).toBe(64);
        expect(stderr).toBe("see --help\n");
    });
});
