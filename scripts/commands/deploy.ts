/**
 * `capstan deploy <stack> <imageTag> [--yes] [--allow-infra-changes]` and
 * `capstan deploy <stack> --rollback`: a deploy is a stack update whose only change is the image
 * tag. Runs the Pulumi CLI through the Automation API; see scripts/deploy/.
 */
import { IMAGE_TAG } from "../../components/config/rules";
import { ask, UsageError } from "../cli/cli";
import { defineCommand } from "../cli/define";
import { PROJECT_DIR } from "../cli/program";
import { runCommand } from "../cli/runCommand";
import type { DeployArgs } from "../deploy/args";
import { automationBackend } from "../deploy/automation";
import type { BlueGreenDeps } from "../deploy/blueGreen";
import { runDeploy } from "../deploy/flow";
import { clusterDeps } from "../ops/releaseChecks";
import type { DeployBackend, DeployIo } from "../deploy/types";
import { ALLOW_INFRA_OPTION, STACK_ARGUMENT, YES_OPTION } from "./shared";

export const definition = defineCommand<DeployArgs>({
    name: "deploy",
    summary: "deploy an image tag (or --rollback): preview, guard, confirm, targeted update",
    description:
        "Sets `capstan:imageTag` and updates the stack, changing nothing but what the tag moves: it previews the update, refuses it when it would change anything else (the guard), asks for confirmation, runs the update targeted at the tag's resources and waits for the rollout and the migration. --rollback deploys the tag the stack ran before, from its history. On a blue/green stack (`capstan:release.strategy: blueGreen`) the idle colour goes to the tag at the active colour's size, is verified through its preview hosts (`release.checks`, and the analysis when `canary.analysis` is set), and the routes switch to it; --rollback within `release.scaleDownDelay` moves them back (docs/releases.md).",
    synopsis: [
        `<stack> <imageTag> [--yes] [--allow-infra-changes] [--force] [--no-switch]`,
        `<stack> --rollback [--yes] [--allow-infra-changes]`,
    ],
    arguments: [
        { ...STACK_ARGUMENT, missing: "name the stack to deploy, e.g. staging" },
        { name: "imageTag", description: "the tag to deploy (letters, digits, '_', '.', '-'; at most 128 characters)" },
    ],
    options: [
        { name: "rollback", description: "deploy the tag the stack ran before the running one (from its history)" },
        YES_OPTION,
        ALLOW_INFRA_OPTION,
        {
            name: "force",
            description:
                "blue/green: deploy to the old colour although the routes could still move back to it (gives the switch back up)",
        },
        {
            name: "no-switch",
            description:
                "blue/green: stop once the idle colour runs the tag and passed its checks; move the routes later with `capstan release <stack> switch`",
        },
    ],
    examples: [
        {
            command: "capstan deploy staging 2026.11.21-9a8b7c6",
            says: "preview, confirm, update, wait for the rollout",
        },
        { command: "capstan deploy prod --rollback --yes", says: "back to the tag before, without asking" },
        {
            command: "capstan deploy prod 2026.11.21-9a8b7c6 --no-switch",
            says: "blue/green: the idle colour at the tag, verified; the routes stay",
        },
    ],
    exits: ["refused", "missingTool", "analysisFailed", "inconclusive"],
    parse: (line) => {
        const [stack, imageTag] = line.positionals;
        const rollback = line.options.rollback === true;
        if (rollback && imageTag)
            throw new UsageError(
                "--rollback reads the tag from the stack history; give either an image tag or --rollback",
            );
        if (!rollback && !imageTag) throw new UsageError("name the image tag to deploy, or pass --rollback");
        if (imageTag && !IMAGE_TAG.test(imageTag))
            throw new UsageError(
                `${JSON.stringify(imageTag)} is not a valid image tag (letters, digits, '_', '.', '-'; at most 128 characters)`,
            );
        return {
            stack,
            imageTag,
            rollback,
            yes: line.options.yes === true,
            allowInfraChanges: line.options["allow-infra-changes"] === true,
            force: line.options.force === true,
            noSwitch: line.options["no-switch"] === true,
        };
    },
});

/** The command with its io, backend and blue/green cluster given (tests pass fakes). */
export function deployCli(
    argv: readonly string[],
    io: DeployIo,
    backend: DeployBackend,
    blueGreen: BlueGreenDeps = clusterDeps,
): Promise<number> {
    return runCommand(definition, argv, io, (args) => runDeploy(args, io, backend, blueGreen));
}

/** Entry point of `capstan deploy`. */
export function main(argv: readonly string[]): Promise<number> {
    return deployCli(
        argv,
        {
            stdout: (t) => process.stdout.write(t),
            stderr: (t) => process.stderr.write(t),
            interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
            ask,
        },
        automationBackend(PROJECT_DIR),
    );
}
