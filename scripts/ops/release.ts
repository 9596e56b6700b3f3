/**
 * `capstan release <stack> switch | finish [--yes] [--force]`: the steps of a blue/green release
 * after its deploy (scripts/deploy/blueGreen.ts), each a guarded update in the deploy's session.
 */
import { ask, HelpRequest, isHelp, runAsProcess, UsageError } from "../cli/cli";
import { unknownStackProblem } from "../cli/tools";
import { OpsError, stackDir } from "../cli/target";
import { PROJECT_DIR } from "../cli/program";
import { automationBackend } from "../deploy/automation";
import { blueGreenOf, clusterDeps, finishRelease, switchRoutes, type BlueGreenDeps } from "../deploy/blueGreen";
import { beginUpdate } from "../deploy/session";
import type { DeployBackend, DeployIo } from "../deploy/types";
import { opsCommand } from "./command";

export const USAGE = [
    "usage: capstan release <stack> switch [--yes]            (the routes move to the idle colour, once it is ready)",
    "       capstan release <stack> finish [--yes] [--force]  (the old colour scales down; --force: within the switch-back window)",
].join("\n");

export interface ReleaseArgs {
    readonly stack: string;
    readonly step: "switch" | "finish";
    readonly yes: boolean;
    readonly force: boolean;
}

export function parseReleaseArgs(argv: readonly string[]): ReleaseArgs {
    const positional: string[] = [];
    const flags = { yes: false, force: false };
    for (const a of argv) {
        if (a === "--yes" || a === "-y") flags.yes = true;
        else if (a === "--force") flags.force = true;
        else if (isHelp(a)) throw new HelpRequest();
        else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
        else positional.push(a);
    }
    const [stack, step, ...extra] = positional;
    if (!stack) throw new UsageError("name the stack, e.g. staging");
    if (step !== "switch" && step !== "finish")
        throw new UsageError(`name the step: switch or finish${step ? ` (not ${step})` : ""}`);
    if (extra.length) throw new UsageError(`unexpected argument ${extra[0]}`);
    if (step === "switch" && flags.force)
        throw new UsageError("--force is for finish only: a switch needs a ready colour");
    return { stack, step, ...flags };
}

async function releaseStep(args: ReleaseArgs, io: DeployIo, backend: DeployBackend, deps: BlueGreenDeps) {
    const unknown = unknownStackProblem(stackDir(), args.stack);
    if (unknown) throw new OpsError(unknown, 2);
    const stack = await backend.open(args.stack);
    const bg = blueGreenOf(stack.stackFile);
    if (!bg)
        throw new OpsError(
            `stack ${args.stack} releases by rolling: set capstan:release.strategy: blueGreen (docs/releases.md) to switch colours`,
            2,
        );
    const session = await beginUpdate(
        backend,
        stack,
        "release",
        `capstan release ${args.step} from ${process.cwd()}`,
        io,
    );
    if (typeof session === "number") return session;
    try {
        return args.step === "switch"
            ? await switchRoutes(stack, session, bg, "release", args, io, deps)
            : await finishRelease(stack, session, bg, { ...args, allowInfraChanges: false }, io, deps);
    } finally {
        session.end();
    }
}

/** Entry point of `capstan release`. */
export function main(
    argv: readonly string[],
    io?: Partial<DeployIo>,
    backend: DeployBackend = automationBackend(PROJECT_DIR),
    deps: BlueGreenDeps = clusterDeps,
): Promise<number> {
    const full: DeployIo = {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
        interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
        ask,
        ...io,
    };
    return opsCommand("release", USAGE, argv, parseReleaseArgs, (a) => releaseStep(a, full, backend, deps), full);
}

if (require.main === module) runAsProcess("release", main);
