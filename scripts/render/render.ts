import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../../components/config";
import { describeCliProblem, stackConfigProblems } from "../cli/cliConfig";
import { diffPlans } from "./diff";
import { stackFileProblems, unsetSecrets } from "./fileChecks";
import { runProgram, type Program, type RunOptions, type RunResult } from "./engine";
import type { StackOutputs } from "./mocks";
import { planJson, toManifestObjects, toManifestsYaml, toPlan, type Plan } from "./plan";
import { isSecretValue } from "./secret";
import {
    loadProjectFile,
    type ProjectFile,
    readStackFile,
    SECRET_PLACEHOLDER,
    type StackFile,
    StackFileError,
    toRuntimeConfig,
    withSecrets,
} from "../cli/stackfile";
import { summarize } from "./summary";

export interface Rendered {
    readonly plan: Plan;
    readonly manifests: readonly Record<string, unknown>[];
    readonly result: RunResult;
    /** The exact bytes of the two files. */
    readonly files: { readonly "plan.json": string; readonly "manifests.yaml": string };
    /** What the render could only stand in for, such as secrets not set yet: printed, not fatal. */
    readonly warnings: readonly string[];
}

export interface RenderOptions {
    /** The project directory (Pulumi.yaml, stack files). */
    readonly dir: string;
    readonly program: Program;
    /** Replaces stack-file values, e.g. a different imageTag (`capstan:imageTag` -> value). */
    readonly overrides?: Readonly<Record<string, unknown>>;
    /**
     * Secret values to hand the program as the CLI would after decrypting them (key -> value),
     * replacing the stack file's `secure:` placeholders. Used by tests that check a known secret
     * never reaches the output.
     */
    readonly secrets?: Readonly<Record<string, unknown>>;
}

/** The stack named by `capstan:cluster.sharedStack` in a stack file, if any. */
function sharedStackOf(values: Record<string, unknown>, project: string): string | undefined {
    const cluster = values[`${project}:cluster`] as { mode?: string; sharedStack?: unknown } | undefined;
    return cluster?.mode === "shared" && typeof cluster.sharedStack === "string" ? cluster.sharedStack : undefined;
}

/**
 * The values a stack renders with: the file's, with the overrides applied (an undefined override
 * removes the key); and what the file itself says, without the overridden keys, for its own checks.
 */
function effectiveValues(
    file: StackFile,
    overrides: Readonly<Record<string, unknown>> = {},
): { values: Record<string, unknown>; written: StackFile } {
    const values: Record<string, unknown> = { ...file.values, ...overrides };
    const written = {
        values: Object.fromEntries(Object.entries(file.values).filter(([k]) => !(k in overrides))),
        changed: file.changed.filter((c) => !(String(c.path[0]) in overrides)),
    };
    for (const [k, v] of Object.entries(values)) if (v === undefined) delete values[k];
    return { values, written };
}

/**
 * The outputs of the stack whose cluster `stack` runs on, as a StackReference receives them:
 * plain values, with the names of the secret ones. Renders that stack from its file here.
 */
async function sharedStackOutputs(
    stack: string,
    shared: string,
    opts: RenderOptions,
    seen: string[],
): Promise<StackOutputs[string]> {
    const local = shared.split("/").pop() as string;
    if (seen.includes(local) || local === stack)
        throw new StackFileError(
            `stack ${stack}: cluster.sharedStack ${shared} refers back to ${[...seen, stack].join(" -> ")}`,
        );
    let upstream: Rendered;
    try {
        upstream = await renderStack(local, { dir: opts.dir, program: opts.program }, [...seen, stack]);
    } catch (err) {
        if (err instanceof StackFileError && !fs.existsSync(path.join(opts.dir, `Pulumi.${local}.yaml`))) {
            throw new StackFileError(
                `stack ${stack} runs on the cluster of ${shared}, whose stack file Pulumi.${local}.yaml is not in this project, so its outputs are unknown offline`,
            );
        }
        throw err;
    }
    const outputs: Record<string, unknown> = {};
    const secretOutputNames: string[] = [];
    for (const [k, v] of Object.entries(upstream.result.outputs)) {
        outputs[k] = isSecretValue(v) ? v.value : v;
        if (isSecretValue(v)) secretOutputNames.push(k);
    }
    return { outputs, secretOutputNames };
}

/** What the CLI refuses before the program starts, the render refuses too. */
function refuseWhatTheCliRefuses(project: ProjectFile, stack: string, values: Record<string, unknown>): void {
    const cliProblems = stackConfigProblems(project, stack, values);
    if (cliProblems.length > 0)
        throw new StackFileError(
            `stack ${stack}: invalid stack configuration (${cliProblems.length} problem${cliProblems.length === 1 ? "" : "s"}):\n  - ${cliProblems.map(describeCliProblem).join("\n  - ")}`,
        );
}

/** Runs the program; a config error names the stack file's own lines where it can. */
async function runStack(
    opts: RenderOptions,
    run: RunOptions,
    written: StackFile,
    project: ProjectFile,
): Promise<RunResult> {
    let result: RunResult;
    try {
        result = await runProgram(opts.program, run);
    } catch (err) {
        if (ConfigError.is(err)) throw new ConfigError(stackFileProblems(err.problems, written, project));
        throw err;
    }
    const fileProblems = stackFileProblems([], written, project);
    if (fileProblems.length > 0) throw new ConfigError(fileProblems);
    return result;
}

/**
 * Renders one stack under the mock engine. A stack that runs on another stack's cluster gets that
 * stack's outputs by rendering it first, when its stack file is in this project.
 */
export async function renderStack(stack: string, opts: RenderOptions, seen: string[] = []): Promise<Rendered> {
    const project = loadProjectFile(opts.dir);
    const { values, written } = effectiveValues(readStackFile(opts.dir, project.name, stack), opts.overrides);
    const stackOutputs: Record<string, StackOutputs[string]> = {};
    const shared = sharedStackOf(values, project.name);
    if (shared) stackOutputs[shared] = await sharedStackOutputs(stack, shared, opts, seen);
    refuseWhatTheCliRefuses(project, stack, values);
    const unset = unsetSecrets(values, project, stack, SECRET_PLACEHOLDER);
    const { config, secretKeys } = withSecrets(toRuntimeConfig(project, values), {
        ...unset.secrets,
        ...(opts.secrets ?? {}),
    });
    const warnings = Object.keys(unset.secrets).some((k) => opts.secrets?.[k] === undefined) ? unset.warnings : [];
    const run = { project: project.name, stack, config, secretKeys, stackOutputs, invokes: RENDER_INVOKES };
    const result = await runStack(opts, run, written, project);
    const plan = toPlan(project.name, stack, result);
    const manifests = toManifestObjects(result);
    return {
        plan,
        manifests,
        result,
        files: { "plan.json": planJson(plan), "manifests.yaml": toManifestsYaml(manifests) },
        warnings,
    };
}

/**
 * The invokes the program makes, answered offline. The ECR image lookup (components/aws/imageTags.ts)
 * is answered as found: whether a tag was pushed is a fact of the registry, which `pulumi preview`
 * asks and the render cannot.
 */
export const RENDER_INVOKES: NonNullable<RunOptions["invokes"]> = {
    // The render has no state: every render is a stack's first update.
    "pulumi:pulumi:readStackOutputs": (inputs) => ({ name: inputs.name, outputs: {}, secretOutputNames: [] }),
    // The prefix list's id differs per region; the render names it by the list it looks up.
    "aws:ec2/getManagedPrefixList:getManagedPrefixList": (inputs) => ({
        ...inputs,
        id: `pl-[${String(inputs.name)}]`,
        entries: [],
    }),
    "aws:ecr/getImage:getImage": (inputs) => ({
        ...inputs,
        imageTags: [inputs.imageTag],
        id: `${String(inputs.repositoryName)}:${String(inputs.imageTag)}`,
    }),
};

/** The previous render of a stack, if one was written to `outDir`. */
export function readPreviousPlan(outDir: string, stack: string): Plan | undefined {
    const file = path.join(outDir, stack, "plan.json");
    try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as Plan;
    } catch {
        return undefined;
    }
}

/** Writes both files at once: to a fresh folder first, then moved into place. */
export function writeRender(outDir: string, stack: string, rendered: Rendered): string {
    const target = path.join(outDir, stack);
    const tmp = path.join(outDir, `.${stack}.tmp-${process.pid}`);
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    for (const [name, text] of Object.entries(rendered.files)) fs.writeFileSync(path.join(tmp, name), text);
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(tmp, target);
    return target;
}

export function summaryFor(rendered: Rendered, previous?: Plan): string {
    return summarize(rendered.plan, previous ? diffPlans(previous, rendered.plan) : undefined);
}
