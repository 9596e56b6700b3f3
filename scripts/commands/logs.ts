/** `capstan logs <stack> [part] [-f] [--since DURATION] [--grep REGEX]`: the logs of a part's pods. */
import { UsageError } from "../cli/cli";
import { defineCommand } from "../cli/define";
import { processIo, runCommand, type CommandIo } from "../cli/runCommand";
import { parseDuration, parsePattern } from "../cli/values";
import type { LogPart, LogsArgs } from "../ops/args";
import { showLogs } from "../ops/logs";
import { STACK_ARGUMENT } from "./shared";

const PARTS = "one of web, worker NAME, cron NAME, migration, assets, canary";

/** The part the words after the stack name. */
function logPart(words: readonly string[]): LogPart {
    const [kind, name] = words;
    if (kind === undefined) return { kind: "web" };
    if (kind === "web" || kind === "canary" || kind === "migration" || kind === "assets") {
        if (name !== undefined) throw new UsageError(`unexpected argument ${name}`);
        return { kind };
    }
    if (kind === "worker" || kind === "cron") {
        if (!name)
            throw new UsageError(`name the ${kind}, e.g. ${kind === "worker" ? "worker default" : "cron cleanup"}`);
        return { kind, name };
    }
    throw new UsageError(`unknown part ${kind}: ${PARTS}`);
}

export const definition = defineCommand<LogsArgs>({
    name: "logs",
    summary: "the logs of every pod of web, a worker, a cron task, the migration, the assets Job or the canary",
    description:
        "Prints the logs of every started pod of the part, interleaved by time and prefixed with the pod's name; with --follow, follows them (and the pods that start later) until Ctrl-C. A migration whose pod is gone is looked up where its log was shipped.",
    synopsis: [
        "<stack> [web | worker NAME | cron NAME | migration | assets | canary] [-f] [--since DURATION] [--grep REGEX]",
    ],
    arguments: [
        STACK_ARGUMENT,
        { name: "part", description: `which pods: ${PARTS} (default: web)` },
        { name: "name", description: "the worker's or cron task's name (capstan:app.workers, capstan:app.cron)" },
    ],
    options: [
        { name: "follow", short: "f", description: "follow the logs until Ctrl-C" },
        { name: "since", value: "DURATION", description: "only lines newer than this, e.g. 10m, 2h", default: "all" },
        { name: "grep", value: "REGEX", description: "only lines that match this regular expression" },
    ],
    examples: [
        { command: "capstan logs staging", says: "the web pods' logs" },
        { command: "capstan logs prod worker default -f --since 10m", says: "follows the default worker's pods" },
        { command: "capstan logs prod canary --grep 'Completed [45]'", says: "the canary's failed requests" },
    ],
    exits: ["missingTool"],
    parse: (line) => {
        const since = line.options.since as string | undefined;
        const grep = line.options.grep as string | undefined;
        return {
            stack: line.positionals[0],
            part: logPart(line.positionals.slice(1)),
            follow: line.options.follow === true,
            sinceSeconds: since === undefined ? undefined : parseDuration(since, "--since"),
            grep: grep === undefined ? undefined : parsePattern(grep, "--grep"),
        };
    },
});

/** Entry point of `capstan logs`. */
export function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
    return runCommand(definition, argv, io, (a) => showLogs(a, io));
}
