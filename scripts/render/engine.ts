import * as pulumi from "@pulumi/pulumi";
import { recordingMocks, type StackOutputs } from "./mocks";
import { formatPromiseTracesPlainly } from "../cli/promiseTraces";
import { Recorder } from "./recorder";
import type { Program } from "../cli/program";
import { assembleResult, type RunResult } from "./runResult";

export type { RecordedResource } from "./recorder";
export type { RunResult };
export { isSecretValue } from "./secret";

export type { Program };

export interface RunOptions {
    readonly project: string;
    readonly stack: string;
    /** Config as the CLI passes it: `namespace:key` -> text. */
    readonly config: Readonly<Record<string, string>>;
    readonly secretKeys: readonly string[];
    /** Outputs of the stacks a StackReference may name, by fully qualified stack name. */
    readonly stackOutputs?: StackOutputs;
    /** Invoke tokens the program may call, with their answers. Any other invoke fails the run. */
    readonly invokes?: Readonly<Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>>;
}

/**
 * Runs the program inside the stack with the recorder's transformation installed. A throw is kept,
 * not raised: inside the stack's init it would also reject promises of the Pulumi runtime that
 * nobody awaits.
 */
async function runInStack(
    program: Program,
    transformation: pulumi.ResourceTransformation,
): Promise<{ outputs: Record<string, unknown> | void; error?: { err: unknown } }> {
    let outputs: Record<string, unknown> | void = undefined;
    let error: { err: unknown } | undefined;
    await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation(transformation);
        try {
            outputs = await program();
        } catch (err) {
            error = { err };
        }
        return error ? {} : outputs;
    });
    return { outputs, error };
}

/**
 * Waits until every registration in flight has reached the mock engine, so the records are
 * complete. `waitForRPCs` is internal to the SDK (@pulumi/pulumi `runtime/settings.ts`, marked
 * `@internal`, exported from `runtime` but left out of its type declarations); the CLI's own
 * language host calls it before it disconnects. When upgrading @pulumi/pulumi, check that
 * `pulumi.runtime.waitForRPCs` still exists and still drains the queue of resource registrations:
 * without it the last resources of a program would be missing from plan.json.
 */
function waitForRegistrations(): Promise<void> {
    return (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

/**
 * Runs a program, unchanged, under Pulumi's mock engine and records every resource it registers.
 * Runs can follow one another in the same process: each starts from fresh mocks and config.
 */
export async function runProgram(program: Program, opts: RunOptions): Promise<RunResult> {
    formatPromiseTracesPlainly();
    const recorder = new Recorder(opts.project, opts.stack);
    const failures: string[] = [];
    const mockOptions = {
        region: opts.config["aws:region"] ?? "eu-central-1",
        stackOutputs: opts.stackOutputs,
        invokes: opts.invokes,
    };
    // The organization of a self-managed backend, which is what stack references name without Pulumi Cloud.
    await pulumi.runtime.setMocks(
        recordingMocks(recorder, mockOptions, failures),
        opts.project,
        opts.stack,
        false,
        "organization",
    );
    pulumi.runtime.setAllConfig({ ...opts.config }, [...opts.secretKeys]);

    const run = await runInStack(program, recorder.transformation);
    await waitForRegistrations();
    const fail = () => new Error(`the program could not be rendered:\n  - ${failures.join("\n  - ")}`);
    if (failures.length > 0) throw fail();
    if (run.error) throw run.error.err;
    const result = await assembleResult(recorder, run.outputs);
    if (failures.length > 0) throw fail();
    return result;
}
