/**
 * `capstan release <stack> switch | finish`: the steps of a blue/green release after its deploy
 * (scripts/deploy/blueGreen.ts), each a guarded update in the deploy's session.
 */
import * as path from "path";
import { ask, UsageError } from "../cli/cli";
import { defineCommand } from "../cli/define";
import { PROJECT_DIR } from "../cli/program";
import { processIo, runCommand, type CommandIo } from "../cli/runCommand";
import { OpsError, stackDir } from "../cli/target";
import { pulumiCliMissing } from "../cli/tools";
import { automationBackend } from "../deploy/automation";
import { blueGreenOf, finishRelease, switchRoutes, type BlueGreenDeps } from "../deploy/blueGreen";
import { beginUpdate } from "../deploy/session";
import { EXIT, type DeployBackend, type DeployIo } from "../deploy/types";
import { clusterDeps } from "../ops/releaseChecks";
import { STACK_ARGUMENT, YES_OPTION } from "./shared";

export interface ReleaseArgs {
    readonly stack: string;
    readonly step: "switch" | "finish";
    readonly yes: boolean;
    readonly force: boolean;
}

export const definition = defineCommand<ReleaseArgs>({
    name: "release",
    summary: "blue/green: switch the routes to the idle colour, or finish (the old colour scales down)",
    description:
        "For a stack with `capstan:release.strategy: blueGreen` (docs/releases.md). switch moves the app's routes to the idle colour once every pod of it is ready: an update of the VirtualServers' routes only, which the guard checks. finish scales the old colour down once `release.scaleDownDelay` has passed since the last switch (--force: before that, giving the switch back up); the workers and cron tasks then run the active colour's tag.",
    synopsis: ["<stack> switch [--yes]", "<stack> finish [--yes] [--force]"],
    arguments: [
        STACK_ARGUMENT,
        { name: "step", description: "switch or finish", missing: "name the step: switch or finish" },
    ],
    options: [
        YES_OPTION,
        {
            name: "force",
            description: "with finish: scale the old colour down although the routes could still move back to it",
        },
    ],
    examples: [
        { command: "capstan release prod switch", says: "the routes move to the verified idle colour" },
        { command: "capstan release prod finish --yes", says: "after the window: the old colour's pods go" },
    ],
    exits: ["refused", "missingTool"],
    parse: (line) => {
        const step = line.positionals[1];
        if (step !== "switch" && step !== "finish") throw new UsageError(`unknown step ${step}: switch or finish`);
        const force = line.options.force === true;
        if (step === "switch" && force) throw new UsageError("--force goes with finish: a switch needs a ready colour");
        return { stack: line.positionals[0], step, yes: line.options.yes === true, force };
    },
});

async function releaseStep(args: ReleaseArgs, io: DeployIo, backend: DeployBackend, deps: BlueGreenDeps) {
    // The stack file says whether the stack releases blue/green: nothing else is asked before that.
    const bg = blueGreenOf(path.join(stackDir(), `Pulumi.${args.stack}.yaml`));
    if (!bg)
        throw new OpsError(
            `stack ${args.stack} releases by rolling: set capstan:release.strategy: blueGreen (docs/releases.md) to switch colours`,
            2,
        );
    if (!backend.cliAvailable()) {
        io.stderr(`release: ${pulumiCliMissing("the release's steps run it through the Automation API")}\n`);
        return EXIT.noCli;
    }
    const stack = await backend.open(args.stack);
    const work = `capstan release ${args.step} from ${process.cwd()}`;
    const session = await beginUpdate(backend, stack, "release", work, io);
    if (typeof session === "number") return session;
    try {
        // Read again under the lock: a deploy that held it may have moved the release on.
        const now = blueGreenOf(stack.stackFile) ?? bg;
        return args.step === "switch"
            ? await switchRoutes(stack, session, now, "release", args, io, deps)
            : await finishRelease(stack, session, now, { ...args, allowInfraChanges: false }, io, deps);
    } finally {
        session.end();
    }
}

/** Entry point of `capstan release`. */
export function main(
    argv: readonly string[],
    io: CommandIo & Partial<DeployIo> = processIo,
    backend: DeployBackend = automationBackend(PROJECT_DIR),
    deps: BlueGreenDeps = clusterDeps,
): Promise<number> {
    const full: DeployIo = {
        interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
        ask,
        ...io,
    };
    return runCommand(definition, argv, full, (a) => releaseStep(a, full, backend, deps));
}
