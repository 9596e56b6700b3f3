/** `capstan status <stack>`: what a stack runs now. */
import { defineCommand } from "../cli/define";
import { processIo, runCommand, type CommandIo } from "../cli/runCommand";
import type { StatusArgs } from "../ops/args";
import { status } from "../ops/status";
import { STACK_ARGUMENT } from "./shared";

export const definition = defineCommand<StatusArgs>({
    name: "status",
    summary: "what a stack runs: tags, rollouts, autoscalers, migration, cron, canary, Pending pods",
    description:
        "Reads the stack's outputs and its namespace's Deployments, autoscalers, Jobs, CronJobs, Pending pods and their events; changes nothing. Exits 0 when all is well and 1 when something needs attention: a rollout not done, a failed migration, a Pending pod.",
    arguments: [STACK_ARGUMENT],
    options: [],
    examples: [{ command: "capstan status staging", says: "the tags, rollouts and anything that needs attention" }],
    exits: ["missingTool"],
    parse: (line) => ({ stack: line.positionals[0] }),
});

/** Entry point of `capstan status`. */
export function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
    return runCommand(definition, argv, io, (a) => status(a.stack, io));
}
