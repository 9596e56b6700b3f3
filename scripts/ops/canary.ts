/**
 * `capstan canary <stack> start <tag> | weight <N> | promote | abort`: one step as a guarded update
 * (canaryStep.ts); `run <tag>` and `resume`: a whole release judged by its analysis (scripts/release).
 */
import { ask, runAsProcess } from "../cli/cli";
import { readOutputs, targetFromOutputs } from "../cli/target";
import { PROJECT_DIR } from "../cli/program";
import { automationBackend } from "../deploy/automation";
import type { DeployBackend } from "../deploy/types";
import { runRelease, type ReleaseDeps } from "../release/run";
import { metricsSource } from "../release/source";
import { parseCanaryArgs, USAGE, type CanaryArgs, type CanaryStep, type ReleaseStep } from "./args";
import { takeStep, type CanaryIo } from "./canaryStep";
import { opsCommand, type OpsIo } from "./command";

const isRelease = (a: CanaryArgs): a is CanaryArgs & { step: ReleaseStep } =>
    a.step.step === "run" || a.step.step === "resume";

/** The stack's app and namespace from its outputs, and the outputs themselves (for the workspace endpoint). */
async function stackTarget(stack: string) {
    const outputs = await readOutputs(stack);
    const t = targetFromOutputs(stack, outputs);
    return { namespace: t.namespace, app: t.app, outputs };
}

/** Entry point of `capstan canary`. */
export function main(
    argv: readonly string[],
    io?: OpsIo & Partial<CanaryIo>,
    backend: DeployBackend = automationBackend(PROJECT_DIR),
    release: Partial<ReleaseDeps> = {},
): Promise<number> {
    const full: CanaryIo = {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
        interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
        ask,
        ...io,
    };
    const deps: ReleaseDeps = {
        backend,
        target: stackTarget,
        source: metricsSource,
        takeStep: (a, step) => takeStep({ ...a, step, yes: true }, full, backend),
        ...release,
    };
    return opsCommand(
        "canary",
        USAGE.canary,
        argv,
        parseCanaryArgs,
        (a) =>
            isRelease(a) ? runRelease(a, full, deps) : takeStep(a as CanaryArgs & { step: CanaryStep }, full, backend),
        full,
    );
}

if (require.main === module) runAsProcess("canary", main);
