/**
 * `npm run render -- <stack> [--out DIR]`: the offline render. Runs index.ts unchanged under
 * Pulumi's mock engine with the stack's config and writes out/<stack>/plan.json and
 * out/<stack>/manifests.yaml. An invalid config writes nothing and exits 1.
 */
import * as path from "path";
import { ConfigError } from "../components/config";
import { readCommandLine, runAsProcess, UsageError } from "./cli/cli";
import type { Program } from "./render/engine";
import { loadProgram, PROJECT_DIR } from "./cli/program";
import { readPreviousPlan, renderStack, summaryFor, writeRender } from "./render/render";
import { StackFileError } from "./cli/stackfile";

const USAGE = "usage: npm run render -- <stack> [--out DIR]";

function parseArgs(argv: readonly string[], dir: string): { stack: string; outDir: string } {
    let stack: string | undefined;
    let outDir = path.join(dir, "out");
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--out") {
            const v = argv[++i];
            if (!v) throw new UsageError("--out needs a directory");
            outDir = path.resolve(v);
        } else if (a === "-h" || a === "--help") {
            throw new UsageError("");
        } else if (a.startsWith("-")) {
            throw new UsageError(`unknown option ${a}`);
        } else if (stack === undefined) {
            stack = a;
        } else {
            throw new UsageError(`unexpected argument ${a}`);
        }
    }
    if (!stack) throw new UsageError("name the stack to render, e.g. staging");
    return { stack, outDir };
}

export interface CliIo {
    readonly dir: string;
    readonly program: () => Program;
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
}

/** The command itself, separate from the process so that tests can run it in-process. */
export async function renderCli(argv: readonly string[], io: CliIo): Promise<number> {
    const line = readCommandLine({ name: "render", usage: USAGE, stderr: io.stderr }, () => parseArgs(argv, io.dir));
    if ("exitCode" in line) return line.exitCode;
    const { args } = line;
    try {
        const rendered = await renderStack(args.stack, { dir: io.dir, program: io.program() });
        for (const w of rendered.warnings) io.stderr(`render: warning: ${w}\n`);
        const previous = readPreviousPlan(args.outDir, args.stack);
        const target = writeRender(args.outDir, args.stack, rendered);
        io.stdout(summaryFor(rendered, previous));
        io.stdout(
            `\nWrote ${path.relative(process.cwd(), path.join(target, "plan.json"))} and ${path.relative(process.cwd(), path.join(target, "manifests.yaml"))}\n`,
        );
        return 0;
    } catch (err) {
        if (ConfigError.is(err)) io.stderr(`render: stack ${args.stack}: ${err.message}\n`);
        else if (err instanceof StackFileError) io.stderr(`render: ${err.message}\n`);
        else io.stderr(`render: ${(err as Error).stack ?? String(err)}\n`);
        io.stderr("Nothing was written.\n");
        return 1;
    }
}

/** Entry point for `npm run render` and `capstan render`. */
export function main(argv: readonly string[]): Promise<number> {
    return renderCli(argv, {
        dir: PROJECT_DIR,
        program: () => loadProgram(PROJECT_DIR),
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
    });
}

if (require.main === module) runAsProcess("render", main);
