/** `capstan console <stack> [--timeout DURATION] [-- <command...>]`: an interactive console in a fresh pod. */
import { UsageError } from "../cli/cli";
import { defineCommand } from "../cli/define";
import { processIo, runCommand, type CommandIo } from "../cli/runCommand";
import { parseDuration } from "../cli/values";
import { CONSOLE_TIMEOUT_SECONDS, type ConsoleArgs } from "../ops/args";
import { consoleSession } from "../ops/console";
import { STACK_ARGUMENT } from "./shared";

export const definition = defineCommand<ConsoleArgs>({
    name: "console",
    summary: "an interactive console (bin/rails console) in a fresh pod of the web template",
    description:
        "Starts a pod from the web Deployment's current template running `capstan:app.console.command` (default `bin/rails console`) with a terminal attached. The pod is deleted when the session ends; should the command die without deleting it, its active deadline (--timeout) ends it.",
    arguments: [STACK_ARGUMENT],
    options: [
        {
            name: "timeout",
            value: "DURATION",
            description: "the longest the session may last (the pod's activeDeadlineSeconds), e.g. 30m, 8h",
            default: "4h",
        },
    ],
    rest: {
        name: "command",
        description: "another command than the stack's console command, after --",
        optional: true,
    },
    examples: [
        { command: "capstan console staging", says: "bin/rails console on staging" },
        { command: "capstan console prod -- bin/rails dbconsole", says: "a database console instead" },
    ],
    exits: ["missingTool"],
    parse: (line) => {
        if (line.rest !== undefined && (line.rest.length === 0 || line.rest[0] === ""))
            throw new UsageError("the command after -- is empty; leave -- out for the stack's console command");
        const timeout = line.options.timeout as string | undefined;
        return {
            stack: line.positionals[0],
            command: line.rest,
            timeoutSeconds: timeout === undefined ? CONSOLE_TIMEOUT_SECONDS : parseDuration(timeout, "--timeout"),
        };
    },
});

/** Entry point of `capstan console`. */
export function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
    return runCommand(definition, argv, io, (a) => consoleSession(a, io));
}
