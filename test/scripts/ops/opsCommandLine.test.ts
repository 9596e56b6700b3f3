/**
 * The day-two commands' command lines, and `capstan` itself: every command has --help (exit 0,
 * usage on stdout), a wrong argument prints the usage and exits 2, and `capstan --help` lists every
 * command in one line each. Also what the commands read from a stack's outputs and print of logs.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { definition as canary, main as canaryMain } from "../../../scripts/commands/canary";
import { definition as consoleCommand, main as consoleMain } from "../../../scripts/commands/console";
import { COMMANDS } from "../../../scripts/commands";
import { definition as logs, main as logsMain } from "../../../scripts/commands/logs";
import { definition as run, main as runMain } from "../../../scripts/commands/run";
import { definition as status, main as statusMain } from "../../../scripts/commands/status";
import { parseCommandLine, type CommandDefinition } from "../../../scripts/cli/define";
import { helpText, usageText } from "../../../scripts/cli/help";
import { parseDuration } from "../../../scripts/cli/values";
import { readStackFile, stackSettingsOf } from "../../../scripts/cli/stackfile";
import { configuredConsoleCommand } from "../../../scripts/ops/console";
import { formatLine, interleave, parseLogLine } from "../../../scripts/ops/logLines";
import { targetFromOutputs, OpsError } from "../../../scripts/cli/target";
import { UsageError } from "../../../scripts/cli/cli";
import { PROJECT_DIR, runCommand } from "../../harness";

type Main = (
    argv: readonly string[],
    io?: { stdout: (t: string) => void; stderr: (t: string) => void },
) => Promise<number>;

async function call(main: Main, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
}

const parseRunArgs = (argv: string[]) => parseCommandLine(run, argv);
const parseConsoleArgs = (argv: string[]) => parseCommandLine(consoleCommand, argv);
const parseLogsArgs = (argv: string[]) => parseCommandLine(logs, argv);
const parseCanaryArgs = (argv: string[]) => parseCommandLine(canary, argv);

const DAY_TWO: [string, Main, CommandDefinition<unknown>, string[]][] = [
    ["status", statusMain, status, ["staging", "extra"]],
    ["run", runMain, run, ["staging", "--"]],
    ["console", consoleMain, consoleCommand, ["staging", "--bogus"]],
    ["logs", logsMain, logs, ["staging", "sidecar"]],
    ["canary", canaryMain, canary, ["staging", "weight", "120"]],
];

describe("the day-two commands' command lines", () => {
    it.each(DAY_TWO)("%s --help prints its help on stdout and exits 0", async (_name, main, definition) => {
        expect(await call(main, ["--help"])).toEqual({ code: 0, stdout: `${helpText(definition)}\n`, stderr: "" });
    });

    it.each(DAY_TWO)(
        "%s with a wrong argument says why, prints its usage and exits 2",
        async (name, main, definition, wrong) => {
            const usage = usageText(definition);
            const r = await call(main, wrong);
            expect(r.code).toBe(2);
            expect(r.stderr).toMatch(new RegExp(`^${name}: .+\\n`));
            expect(r.stderr.endsWith(`\n${usage}\n`)).toBe(true);
            expect(r.stdout).toBe("");
        },
    );

    it.each(DAY_TWO)("%s with no stack asks for one", async (_name, main) => {
        const r = await call(main, []);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/name the stack/);
    });

    it.each([
        [
            ["staging", "--", "bin/rails", "db:version"],
            { stack: "staging", command: ["bin/rails", "db:version"], detach: false },
        ],
        [
            ["staging", "--detach", "--timeout", "15m", "--", "rake", "--trace", "x"],
            { stack: "staging", command: ["rake", "--trace", "x"], detach: true, timeoutSeconds: 900 },
        ],
        [
            ["--timeout=1h30m", "prod", "--", "ls"],
            { stack: "prod", command: ["ls"], detach: false, timeoutSeconds: 5400 },
        ],
    ])("run reads %j", (argv, args) => {
        expect(parseRunArgs(argv)).toEqual({ timeoutSeconds: undefined, ...args });
    });

    it.each([
        [["staging"], /name the command to run after --/],
        [["staging", "--"], /name the command to run after --/],
        [["staging", "--", ""], /name the command/],
        [["staging", "ls"], /put the command after --/],
        [["staging", "--timeout", "soon", "--", "ls"], /--timeout: "soon" is not a duration/],
    ])("run refuses %j", (argv, message) => {
        expect(() => parseRunArgs(argv)).toThrow(UsageError);
        expect(() => parseRunArgs(argv)).toThrow(message);
    });

    it("console takes the stack's command unless given one after --", () => {
        expect(parseConsoleArgs(["staging"]).command).toBeUndefined();
        expect(parseConsoleArgs(["staging", "--", "bin/rails", "dbconsole"]).command).toEqual([
            "bin/rails",
            "dbconsole",
        ]);
        expect(() => parseConsoleArgs(["staging", "--"])).toThrow(/the command after -- is empty/);
        const staging = readStackFile(PROJECT_DIR, "capstan", "staging").values;
        const app = staging["capstan:app"] as Record<string, unknown>;
        expect(configuredConsoleCommand(stackSettingsOf(staging, "staging"))).toEqual(["bin/rails", "console"]);
        const irb = { ...staging, "capstan:app": { ...app, console: { command: ["bundle", "exec", "irb"] } } };
        expect(configuredConsoleCommand(stackSettingsOf(irb, "staging"))).toEqual(["bundle", "exec", "irb"]);
    });

    it.each([
        [["staging"], { kind: "web" }],
        [["staging", "worker", "default", "-f"], { kind: "worker", name: "default" }],
        [["staging", "cron", "cleanup"], { kind: "cron", name: "cleanup" }],
        [["staging", "migration"], { kind: "migration" }],
        [["staging", "assets", "-f"], { kind: "assets" }],
        [["staging", "canary", "--since", "10m", "--grep", "Completed [45]"], { kind: "canary" }],
    ])("logs reads the part of %j", (argv, part) => {
        expect(parseLogsArgs(argv).part).toEqual(part);
    });

    it("logs reads -f, --since and --grep, and refuses a bad pattern or a part without its name", () => {
        const a = parseLogsArgs(["staging", "-f", "--since=2h", "--grep", "Completed [45]"]);
        expect(a).toMatchObject({ follow: true, sinceSeconds: 7200 });
        expect(a.grep?.test("Completed 500")).toBe(true);
        expect(() => parseLogsArgs(["staging", "--grep", "("])).toThrow(/--grep: /);
        expect(() => parseLogsArgs(["staging", "worker"])).toThrow(/name the worker/);
        expect(() => parseLogsArgs(["staging", "db"])).toThrow(/unknown part db/);
    });

    it.each([
        [["staging", "start", "2026.12.04-abc"], { step: "start", tag: "2026.12.04-abc" }],
        [
            ["staging", "start", "t1", "--cookie", "_AUSER_TYPE=canary"],
            { step: "start", tag: "t1", cookie: { name: "_AUSER_TYPE", value: "canary" } },
        ],
        [["staging", "weight", "0"], { step: "weight", weight: 0 }],
        [["staging", "weight", "100"], { step: "weight", weight: 100 }],
        [["staging", "promote"], { step: "promote" }],
        [["staging", "abort", "--yes"], { step: "abort" }],
    ])("canary reads %j", (argv, step) => {
        expect(parseCanaryArgs(argv).step).toMatchObject(step);
    });

    it.each([
        [["staging", "weight", "101"], /outside 0-100/],
        [["staging", "weight", "-5"], /outside 0-100/],
        [["staging", "weight", "ten"], /outside 0-100/],
        [["staging", "start"], /name the tag/],
        [["staging", "start", "not a tag!"], /not a valid image tag/],
        [["staging", "promote", "--cookie", "a=b"], /--cookie and --header go with start/],
        [["staging", "rollback"], /unknown step rollback/],
    ])("canary refuses %j", (argv, message) => {
        expect(() => parseCanaryArgs(argv)).toThrow(message);
    });

    it.each([
        ["90", 90],
        ["30s", 30],
        ["5m", 300],
        ["1h30m", 5400],
        ["2d", 172800],
    ])("reads the duration %s as %d seconds", (text, seconds) => {
        expect(parseDuration(text, "--since")).toBe(seconds);
    });
});

describe("a stack's outputs", () => {
    const outputs = {
        namespace: "phraseapp",
        imageTag: "2026.12.04-abc",
        kubeContext: "capstan-local",
        app: {
            name: "phraseapp",
            webDeployment: "phraseapp-web",
            migrationJob: "phraseapp-migrate-1234abcd",
            workers: { default: "phraseapp-worker-default" },
            cronJobs: { cleanup: "phraseapp-cron-cleanup" },
        },
    };

    it("name the namespace, the objects and the cluster's kubeconfig context", () => {
        expect(targetFromOutputs("local", outputs)).toMatchObject({
            namespace: "phraseapp",
            deployedTag: "2026.12.04-abc",
            webDeployment: "phraseapp-web",
            workers: { default: "phraseapp-worker-default" },
            cronJobs: { cleanup: "phraseapp-cron-cleanup" },
            cluster: { context: "capstan-local" },
        });
    });

    it("prefer the kubeconfig of a stack that creates or shares its cluster", () => {
        expect(targetFromOutputs("prod", { ...outputs, kubeconfig: "apiVersion: v1" }).cluster).toEqual({
            kubeconfig: "apiVersion: v1",
        });
    });

    it("of a stack never deployed are refused with exit 2 and what to do", () => {
        expect(() => targetFromOutputs("staging", {})).toThrow(OpsError);
        expect(() => targetFromOutputs("staging", {})).toThrow(/stack staging has no outputs: it was never deployed/);
        expect(() => targetFromOutputs("staging", {})).toThrow(expect.objectContaining({ exitCode: 2 }));
    });
});

describe("capstan logs' lines", () => {
    it("interleave the pods' lines by their time, each prefixed with its pod", () => {
        const lines = [
            parseLogLine("web-a", "2026-12-04T20:00:00.5Z second"),
            parseLogLine("web-a", "2026-12-04T20:00:01.000000001Z fourth"),
            parseLogLine("web-b", "2026-12-04T20:00:00.123456789Z first"),
            parseLogLine("web-b", "2026-12-04T20:00:01Z third"),
        ];
        expect(interleave(lines).map((l) => formatLine(l, 5))).toEqual([
            "web-b | first",
            "web-a | second",
            "web-b | third",
            "web-a | fourth",
        ]);
    });
});

describe("capstan", () => {
    const capstan = (args: string[]) => runCommand("node", [path.join(PROJECT_DIR, "scripts", "capstan.js"), ...args]);
    const COMMAND_NAMES = [
        "render",
        "deploy",
        "status",
        "run",
        "console",
        "logs",
        "canary",
        "release",
        "init",
        "tenant",
        "cost",
        "kube-score",
        "local",
        "local-cluster",
        "toolchain",
        "docs",
    ];

    it("--help lists every command with one line each, and exits 0", async () => {
        const r = await capstan(["--help"]);
        expect(r.status).toBe(0);
        const listed = r.stdout
            .split("\n")
            .filter((l) => /^ {2}\S/.test(l))
            .map((l) => l.trim().split(/\s+/)[0]);
        expect(listed).toEqual(COMMAND_NAMES);
        for (const name of COMMAND_NAMES) expect(r.stdout).toMatch(new RegExp(`^ {2}${name} +\\S.{10,}$`, "m"));
    });

    it("refuses an unknown command with the list and exit 2", async () => {
        const r = await capstan(["deploi"]);
        expect(r.status).toBe(2);
        expect(r.stderr).toMatch(/^capstan: unknown command deploi\n/);
        expect(r.stderr).toContain("  canary ");
    });

    it.each(COMMAND_NAMES)(
        "reaches %s, whose --help exits 0 with its usage",
        async (name) => {
            const r = await capstan([name, "--help"]);
            expect(r.status, r.stderr).toBe(0);
            expect(r.stdout).toMatch(/^usage: /);
        },
        60_000,
    );

    it("dispatches to every command file of scripts/commands, each listed once in its registry under its file's name", () => {
        const files = fs
            .readdirSync(path.join(PROJECT_DIR, "scripts", "commands"))
            .filter((f) => f.endsWith(".ts") && !["index.ts", "list.ts", "shared.ts"].includes(f))
            .map((f) => f.slice(0, -3));
        expect(COMMANDS.map((c) => c.definition.name).sort()).toEqual(files.sort());
    });
});
