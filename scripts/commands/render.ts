/**
 * `capstan render <stack> [--out DIR]`: the offline render. Runs index.ts unchanged under Pulumi's
 * mock engine with the stack's config and writes out/<stack>/plan.json and out/<stack>/manifests.yaml.
 * An invalid config writes nothing and exits 1.
 */
import * as path from "path";
import { ConfigError } from "../../components/config";
import { defineCommand } from "../cli/define";
import { runCommand } from "../cli/runCommand";
import type { Program } from "../render/engine";
import { loadProgram, PROJECT_DIR } from "../cli/program";
import { readPreviousPlan, renderStack, summaryFor, writeRender } from "../render/render";
import { StackFileError } from "../cli/stackfile";
import { STACK_ARGUMENT } from "./shared";

export const definition = defineCommand<{ stack: string; outDir?: string }>({
    name: "render",
    summary: "render a stack offline under the mock engine: out/<stack>/plan.json and manifests.yaml",
    description:
        "Runs the program unchanged under Pulumi's mock engine with the stack's config, with no cloud access and no Pulumi CLI, and writes the plan (every resource with its inputs) and the Kubernetes manifests. The config check runs first: an invalid config lists every problem, with its key path and fix, and nothing is written. The summary says what changed since the last render.",
    arguments: [{ ...STACK_ARGUMENT, missing: "name the stack to render, e.g. staging" }],
    options: [{ name: "out", value: "DIR", description: "where the render goes, in DIR/<stack>/", default: "out" }],
    examples: [
        { command: "capstan render staging", says: "out/staging/plan.json and out/staging/manifests.yaml" },
        { command: "capstan render prod --out /tmp/renders", says: "the render of prod, elsewhere" },
    ],
    exits: [],
    parse: (line) => {
        const out = line.options.out as string | undefined;
        return { stack: line.positionals[0], outDir: out === undefined ? undefined : path.resolve(out) };
    },
});

export interface CliIo {
    readonly dir: string;
    readonly program: () => Program;
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
}

/** The command itself, separate from the process so that tests can run it in-process. */
export async function renderCli(argv: readonly string[], io: CliIo): Promise<number> {
    return runCommand(
        definition,
        argv,
        io,
        (args) => render({ stack: args.stack, outDir: args.outDir ?? path.join(io.dir, "out") }, io),
        io.dir,
    );
}

async function render(args: { stack: string; outDir: string }, io: CliIo): Promise<number> {
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
