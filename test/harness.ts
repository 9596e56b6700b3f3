/**
 * Runs Capstan, or any part of it, under Pulumi's mock engine and returns what was registered.
 * The mock engine fails the run on any invoke it was not told to expect.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadConfig, validateConfig, type CapstanConfig } from "../components/config";
import type { Program, RecordedResource, RunResult } from "../scripts/render/engine";
import { runProgram } from "../scripts/render/engine";
import { loadProgram, PROJECT_DIR } from "../scripts/cli/program";
import { renderStack, type Rendered } from "../scripts/render/render";
import { renderCli } from "../scripts/commands/render";
import { listStacks, loadProjectFile, loadStackFile, toRuntimeConfig, withSecrets } from "../scripts/cli/stackfile";

export { PROJECT_DIR };
export type { Rendered, RecordedResource, RunResult };

let program: Program | undefined;
/** index.ts, loaded once per test file the way the Pulumi CLI loads it. */
export function capstanProgram(): Program {
    program ??= loadProgram(PROJECT_DIR);
    return program;
}

/** The committed stacks: every Pulumi.<stack>.yaml of the project. */
export function committedStacks(): string[] {
    return listStacks(PROJECT_DIR);
}

/** A deep copy of a committed stack file's config, keys fully qualified (`capstan:app`). */
export function stackValues(stack: string): Record<string, any> {
    const project = loadProjectFile(PROJECT_DIR);
    return structuredClone(loadStackFile(PROJECT_DIR, project.name, stack));
}

export interface StackRun {
    /** Stack-file values replacing the committed ones, by fully qualified key. */
    readonly overrides?: Record<string, unknown>;
    /** Decrypted secret config, by fully qualified key. */
    readonly secrets?: Record<string, unknown>;
}

/** Renders a committed stack (optionally with changed values) exactly as `npm run render` does. */
export function render(stack: string, run: StackRun = {}): Promise<Rendered> {
    return renderStack(stack, {
        dir: PROJECT_DIR,
        program: capstanProgram(),
        overrides: run.overrides,
        secrets: run.secrets,
    });
}

/**
 * Runs `fn` (which declares resources, e.g. one component) under the mock engine with the given
 * stack config (fully qualified keys; objects as values), and returns every resource registered.
 */
export function runComponents(
    fn: () => unknown,
    config: { values?: Record<string, unknown>; secrets?: Record<string, unknown>; stack?: string } = {},
): Promise<RunResult> {
    const project = loadProjectFile(PROJECT_DIR);
    const runtime = withSecrets(toRuntimeConfig(project, config.values ?? {}), config.secrets);
    return runProgram(
        async () => {
            const out = await fn();
            return (typeof out === "object" && out !== null ? out : {}) as Record<string, unknown>;
        },
        {
            project: project.name,
            stack: config.stack ?? "test",
            config: runtime.config,
            secretKeys: runtime.secretKeys,
        },
    );
}

/** The config `loadConfig()` reads from the given stack values and secrets, under the mock engine. */
export async function loadConfigOf(
    values: Record<string, unknown>,
    secrets: Record<string, unknown> = {},
    stack = "test",
): Promise<CapstanConfig> {
    let cfg: CapstanConfig | undefined;
    await runComponents(
        () => {
            cfg = loadConfig();
        },
        { values, secrets, stack },
    );
    return cfg as CapstanConfig;
}

/** A stack's values as `validateConfig` reads them: `region` plus the `capstan:` keys without their namespace. */
export function rootOf(values: Record<string, unknown>): Record<string, any> {
    const root: Record<string, any> = { region: values["aws:region"] };
    for (const [k, v] of Object.entries(values)) if (k.startsWith("capstan:")) root[k.slice("capstan:".length)] = v;
    return root;
}

/** The problems `validateConfig` finds in a committed stack changed by `mutate`, with every secret set. */
export function problemsOf(
    stack: string,
    mutate: (root: Record<string, any>) => void,
    stackName = stack,
): { path: string; message: string }[] {
    const root = rootOf(stackValues(stack));
    mutate(root);
    const users: string[] = root.staging?.basicAuth?.users ?? [];
    return validateConfig(
        root,
        { appSecrets: root.app?.secretEnv ?? [], basicAuthPasswords: users },
        { project: "capstan", stack: stackName },
    ).problems;
}

/** Resources of one type token, e.g. `kubernetes:apps/v1:Deployment`. */
export function ofType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((r) => r.type === type);
}

/** The relative path of a project file, for messages. */
export function rel(file: string): string {
    return path.relative(PROJECT_DIR, file);
}

/** A scratch project folder: this project's Pulumi.yaml beside the given stack files (stack name to file text). */
export function scratchProject(stackFiles: Readonly<Record<string, string>>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-scratch-"));
    fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    for (const [stack, text] of Object.entries(stackFiles))
        fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
    return dir;
}

/** `npm run render -- <stack> --out <dir>/out` in a project folder: its exit code, what it printed, whether it wrote. */
export async function renderCliIn(
    dir: string,
    stack: string,
): Promise<{ code: number; stdout: string; stderr: string; wrote: boolean }> {
    const out = path.join(dir, "out");
    let stdout = "";
    let stderr = "";
    const code = await renderCli([stack, "--out", out], {
        dir,
        program: capstanProgram,
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
    });
    return { code, stdout, stderr, wrote: fs.existsSync(out) };
}

/** What a finished child process gave: its exit code and its output. */
export interface Finished {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/**
 * Runs a command to its end without blocking this process. A test must never wait on a child
 * synchronously: the blocked event loop cannot answer the test runner's calls, which then time
 * out and fail the run even though every test passed.
 */
export function runCommand(
    command: string,
    args: readonly string[],
    opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<Finished> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd: opts.cwd ?? PROJECT_DIR, env: opts.env ?? process.env });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t));
        child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, stdout, stderr }));
        if (opts.input !== undefined) child.stdin.end(opts.input);
    });
}
