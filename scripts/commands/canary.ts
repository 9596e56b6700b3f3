/**
 * `capstan canary <stack> start <tag> | weight <N> | promote | abort`: one step as a guarded update
 * (ops/canaryStep.ts); `run <tag>` and `resume`: a whole release judged by its analysis (scripts/release).
 */
import { IMAGE_TAG } from "../../components/config/rules";
import { ask, UsageError } from "../cli/cli";
import { defineCommand } from "../cli/define";
import { processIo, runCommand, type CommandIo } from "../cli/runCommand";
import { readOutputs, targetFromOutputs } from "../cli/target";
import { PROJECT_DIR } from "../cli/program";
import { parseMatch, type Match } from "../cli/values";
import { automationBackend } from "../deploy/automation";
import type { DeployBackend } from "../deploy/types";
import type { CanaryArgs, CanaryStep, ReleaseStep } from "../ops/args";
import { takeStep, type CanaryIo } from "../ops/canaryStep";
import { runRelease, type ReleaseDeps } from "../release/run";
import { metricsSource } from "../release/source";
import { ALLOW_INFRA_OPTION, STACK_ARGUMENT, YES_OPTION } from "./shared";

const STEPS = "start <tag>, weight <N>, promote, abort, run <tag> or resume";

function tagStep(step: "start" | "run", value: string | undefined, cookie?: Match, header?: Match) {
    if (!value) throw new UsageError("name the tag the canary runs, e.g. start 2026.11.21-9a8b7c6");
    if (!IMAGE_TAG.test(value)) throw new UsageError(`${JSON.stringify(value)} is not a valid image tag`);
    return step === "run" ? { step, tag: value } : { step, tag: value, cookie, header };
}

/** The step the words after the stack name. */
function canaryStep(words: readonly string[], cookie?: Match, header?: Match): CanaryStep | ReleaseStep {
    const [step, value] = words;
    if ((cookie || header) && step !== "start") throw new UsageError("--cookie and --header go with start");
    if (step === "start" || step === "run") return tagStep(step, value, cookie, header);
    if (step === "weight") {
        if (value === undefined) throw new UsageError("name the weight, a percent from 0 to 100");
        const weight = Number(value);
        if (!/^\d+$/.test(value) || weight > 100)
            throw new UsageError(`weight ${JSON.stringify(value)} is outside 0-100: give a whole percent`);
        return { step, weight };
    }
    if (step === "promote" || step === "abort" || step === "resume") {
        if (value !== undefined) throw new UsageError(`unexpected argument ${value}`);
        return { step };
    }
    throw new UsageError(`unknown step ${step}: one of start, weight, promote, abort, run, resume`);
}

const GUARD = "[--yes] [--allow-infra-changes]";

export const definition = defineCommand<CanaryArgs>({
    name: "canary",
    summary: "canary steps as guarded updates, or run <tag>: every step, judged by the analysis",
    description:
        "Each step writes `capstan:canary` in the stack file and runs a guarded update of the canary's resources only: start runs the web pods at another tag beside the stable ones, reached by the cookie or header; weight sends a share of all traffic to it; promote makes its tag the stable one and removes it; abort removes it. run takes a release through start, each weight of `capstan:canary.steps` held for its analysis, and promote, and takes the canary out when the analysis fails; resume goes on with a paused or interrupted run where it stopped.",
    synopsis: [
        `<stack> start <tag> [--cookie NAME=VALUE] [--header NAME=VALUE] ${GUARD}`,
        `<stack> weight <0-100> ${GUARD}`,
        `<stack> promote ${GUARD}`,
        `<stack> abort ${GUARD}`,
        `<stack> run <tag> ${GUARD}   (start, each weight of canary.steps held for its analysis, promote)`,
        `<stack> resume ${GUARD}      (a paused or interrupted run, where it stopped)`,
    ],
    arguments: [
        STACK_ARGUMENT,
        { name: "step", description: `what to do: ${STEPS}`, missing: `name the step: ${STEPS}` },
        { name: "value", description: "the tag (start, run) or the percent of traffic (weight)" },
    ],
    options: [
        {
            name: "cookie",
            value: "NAME=VALUE",
            description: "with start: the cookie that reaches the canary",
            default: "capstan:canary.cookie",
        },
        {
            name: "header",
            value: "NAME=VALUE",
            description: "with start: the header that reaches the canary",
            default: "capstan:canary.header",
        },
        YES_OPTION,
        ALLOW_INFRA_OPTION,
    ],
    examples: [
        { command: "capstan canary prod start 2026.11.21-9a8b7c6", says: "the canary, reached by its cookie only" },
        { command: "capstan canary prod weight 10", says: "a tenth of all traffic to the canary" },
        { command: "capstan canary prod run 2026.11.21-9a8b7c6 --yes", says: "the whole release, judged at each step" },
    ],
    exits: ["refused", "missingTool", "analysisFailed", "inconclusive", "interrupted"],
    parse: (line) => {
        const cookie = line.options.cookie as string | undefined;
        const header = line.options.header as string | undefined;
        return {
            stack: line.positionals[0],
            step: canaryStep(
                line.positionals.slice(1),
                cookie === undefined ? undefined : parseMatch(cookie, "--cookie"),
                header === undefined ? undefined : parseMatch(header, "--header"),
            ),
            yes: line.options.yes === true,
            allowInfraChanges: line.options["allow-infra-changes"] === true,
        };
    },
});

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
    io: CommandIo & Partial<CanaryIo> = processIo,
    backend: DeployBackend = automationBackend(PROJECT_DIR),
    release: Partial<ReleaseDeps> = {},
): Promise<number> {
    const full: CanaryIo = {
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
    return runCommand(definition, argv, full, (a) =>
        isRelease(a) ? runRelease(a, full, deps) : takeStep(a as CanaryArgs & { step: CanaryStep }, full, backend),
    );
}
