/**
 * `capstan init <stack>`: writes `Pulumi.<stack>.yaml`, a stack of one's own that passes the config
 * check, from the shape of a committed stack. On a terminal it asks; in CI its flags answer. Each
 * value is checked as it is given; the file is never overwritten; the secrets still to set are
 * printed with their commands.
 */
import * as fs from "fs";
import * as path from "path";
import { exampleValues, exampleValueVerdict } from "../../components/config/exampleValues";
import { UsageError, USAGE_EXIT } from "../cli/cli";
import { listStacks, loadProjectFile, loadStackFile, stackFilePath } from "../cli/stackfile";
import { secretCommandsFor, stackFileText } from "../tenant/scaffold";
import { baseMode, QUESTIONS, type Question } from "./questions";
import { type Answers, checkShaped, type ClusterMode, shapeStack } from "./shape";

export interface InitIo {
    readonly dir: string;
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
    /** Whether to ask for what the options leave out (a terminal, or --interactive). */
    readonly interactive: boolean;
    /** Asks one question; undefined when the input has ended. */
    readonly ask: (prompt: string) => Promise<string | undefined>;
}

/** The arguments of `capstan init`, as its definition (scripts/commands/init.ts) reads them. */
export interface InitArgs {
    stack: string;
    from?: string;
    interactive: boolean;
    /** The values given as options, by flag (`--region`). */
    given: Map<string, string>;
}

/** The committed stack whose shape the new one takes. */
function baseStack(args: InitArgs, mode: string | undefined): string {
    if (args.from) return args.from;
    return mode === "shared" ? "tenant-acme" : mode === "external" ? "local" : "staging";
}

type Draft = Record<string, unknown>;

/** One answer: from its option, the terminal, or its fallback; with its problem, if any. */
async function answer(q: Question, draft: Draft, ctx: Ctx): Promise<{ value?: unknown; problem?: string }> {
    // With --from, the cluster mode is the base's unless told otherwise.
    const fallback = (q.key === "cluster" ? ctx.fromMode : undefined) ?? q.fallback?.(draft);
    const given = ctx.args.given.get(q.flag);
    for (;;) {
        let text = given;
        if (text === undefined && ctx.io.interactive) {
            const asked = await ctx.io.ask(`${q.prompt}${fallback ? ` [${fallback}]` : ""}: `);
            if (asked === undefined) return { problem: `${q.flag}: no answer (the input ended)` };
            text = asked.trim() || fallback || "";
        }
        text ??= fallback;
        if (text === undefined || text === "") {
            if (q.optional) return {};
            if (given !== undefined || !ctx.io.interactive) return { problem: `${q.flag} is required: ${q.prompt}` };
            ctx.io.stderr(`  an answer is required\n`);
            continue;
        }
        const value = q.parse ? q.parse(text, draft) : text;
        const problem = q.check?.(value as never, draft, ctx.base(draft), ctx.args.stack);
        if (!problem) return { value };
        if (given !== undefined || !ctx.io.interactive) return { problem: `${q.flag}: ${problem}` };
        ctx.io.stderr(`  ${problem}\n`);
    }
}

interface Ctx {
    readonly io: InitIo;
    readonly args: InitArgs;
    readonly base: (draft: Draft) => Record<string, unknown>;
    readonly fromMode?: ClusterMode;
}

/** Every answer, and every problem of the options at once. */
async function answers(ctx: Ctx): Promise<{ draft: Draft; problems: string[] }> {
    const draft: Draft = {};
    const problems: string[] = [];
    for (const q of QUESTIONS) {
        if (q.when && !q.when(draft)) continue;
        const a = await answer(q, draft, ctx);
        if (a.problem) problems.push(a.problem);
        else if (a.value !== undefined) draft[q.key] = a.value;
    }
    return { draft, problems };
}

/** The base stack's values; a stack that is not there is a usage error naming the stacks. */
function readBase(dir: string, name: string): Record<string, unknown> {
    if (!listStacks(dir).includes(name))
        throw new UsageError(`--from: no stack ${name} (stacks: ${listStacks(dir).join(", ")})`);
    return loadStackFile(dir, loadProjectFile(dir).name, name);
}

/** Writes the new stack file from the answers, or says why it cannot. */
export async function init(args: InitArgs, io: InitIo): Promise<number> {
    const file = stackFilePath(io.dir, args.stack);
    if (fs.existsSync(file)) {
        io.stderr(
            `init: ${path.basename(file)} exists already; capstan init never overwrites a stack file. Pick another name, or edit that file.\n`,
        );
        return 1;
    }
    const fromBase = args.from ? readBase(io.dir, args.from) : undefined;
    const base = (draft: Draft) => fromBase ?? readBase(io.dir, baseStack(args, draft.cluster as string | undefined));
    const fromMode = fromBase ? baseMode(fromBase) : undefined;
    const { draft, problems } = await answers({ io, args, base, fromMode });
    if (problems.length > 0) {
        io.stderr(
            `init: ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was written:\n${problems.map((p) => `  - ${p}`).join("\n")}\nEvery option: capstan init --help\n`,
        );
        return USAGE_EXIT;
    }
    return write(io, args, file, draft as unknown as Answers, base(draft));
}

/** Shapes, checks and writes the stack file, then prints what is left to do. */
function write(io: InitIo, args: InitArgs, file: string, a: Answers, base: Record<string, unknown>): number {
    const from = baseStack(args, a.cluster);
    let shaped;
    try {
        shaped = shapeStack(base, a, args.stack);
    } catch (err) {
        io.stderr(`init: --from ${from}: ${(err as Error).message}; nothing was written\n`);
        return USAGE_EXIT;
    }
    const external = a.cluster === "external" && !a.context;
    const checked = checkShaped(shaped.values, args.stack, external);
    const { secretEnv, users } = checked;
    // The stack is the user's own: no example value may stay, whatever its cluster.
    const left = exampleValueVerdict(exampleValues(checked.root), "update", false).problems;
    const problems = [...checked.problems, ...left];
    if (problems.length > 0) {
        io.stderr(
            `init: the stack's config would not pass the config check; nothing was written:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join("\n")}\n`,
        );
        return 1;
    }
    const secrets = [
        ...secretCommandsFor(args.stack, secretEnv, users),
        ...(external ? [`pulumi config set --stack ${args.stack} --secret kubeconfig "$(cat <kubeconfig file>)"`] : []),
    ];
    const header = [
        `Stack ${args.stack}: written by capstan init ${args.stack} from the shape of ${from}.`,
        "Its secrets are set with pulumi config set --secret (see below); nothing here is secret.",
    ];
    fs.writeFileSync(file, stackFileText(shaped.values, header), { flag: "wx" });
    io.stdout(nextSteps(args.stack, from, a, shaped.notes, secrets, path.basename(file)));
    return 0;
}

function nextSteps(stack: string, from: string, a: Answers, notes: string[], secrets: string[], file: string): string {
    const provider = a.secretsProvider === "default" ? "" : ` --secrets-provider ${JSON.stringify(a.secretsProvider)}`;
    return [
        `Wrote ${file} (the shape of ${from}, your account's values): it passes the config check.`,
        ...notes.map((n) => `  note: ${n}`),
        "",
        "Next, the stack in its backend, then the secrets it still needs:",
        `  pulumi login ${a.backend}`,
        `  pulumi stack init ${stack}${provider}`,
        ...secrets.map((s) => `  ${s}`),
        "Then:",
        `  npx capstan render ${stack}                         # the offline render`,
        `  pulumi preview --stack ${stack} --policy-pack policy  # what the first update does`,
        `  pulumi up --stack ${stack}`,
        "What must exist in the account first (ECR repository, certificates, state bucket, KMS key, quotas): docs/getting-started.md",
        "",
    ].join("\n");
}

export type { ClusterMode };
