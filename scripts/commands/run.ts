/** `capstan run <stack> [--detach] [--timeout DURATION] -- <command...>`: a one-off command in the web template. */
import { UsageError } from "../cli/cli";
import { defineCommand } from "../cli/define";
import { processIo, runCommand, type CommandIo } from "../cli/runCommand";
import { parseDuration } from "../cli/values";
import type { RunArgs } from "../ops/args";
import { runOneOff } from "../ops/run";
import { STACK_ARGUMENT } from "./shared";

export const definition = defineCommand<RunArgs>({
    name: "run",
    summary: "run a one-off command in a Job made from the web pods' current template",
    description:
        "Makes a Job from the web Deployment's current pod template (image, env, secrets, service account), streams the pod's log and exits with the command's own exit code (124 when --timeout passed, 130 when interrupted: Ctrl-C deletes the Job). A pod that cannot pull its image or cannot be scheduled is reported in words as soon as Kubernetes says so.",
    arguments: [STACK_ARGUMENT],
    options: [
        { name: "detach", short: "d", description: "create the Job and return at once, without following its log" },
        {
            name: "timeout",
            value: "DURATION",
            description: "stop the Job after this long (its activeDeadlineSeconds), e.g. 90s, 15m, 1h30m",
            default: "none",
        },
    ],
    rest: { name: "command", description: "the command to run and its arguments, after --" },
    extraHint: "put the command after --, e.g. -- bin/rails db:version",
    examples: [
        { command: "capstan run staging -- bin/rails db:version", says: "the schema version the database is at" },
        {
            command: "capstan run prod --detach --timeout 2h -- bin/rails data:backfill",
            says: "a long task, left running",
        },
    ],
    exits: ["missingTool", "interrupted"],
    parse: (line) => {
        const command = line.rest;
        if (!command || command.length === 0 || command[0] === "")
            throw new UsageError("name the command to run after --, e.g. capstan run staging -- bin/rails db:version");
        const timeout = line.options.timeout as string | undefined;
        return {
            stack: line.positionals[0],
            command,
            detach: line.options.detach === true,
            timeoutSeconds: timeout === undefined ? undefined : parseDuration(timeout, "--timeout"),
        };
    },
});

/** Entry point of `capstan run`. */
export function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
    return runCommand(definition, argv, io, (a) => runOneOff(a, io));
}
