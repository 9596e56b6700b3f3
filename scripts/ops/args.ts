/**
 * The command lines of the day-two commands: `status`, `run`, `console`, `logs` and `canary`.
 * Pure: each parser returns the arguments or throws a UsageError (exit 2 with the usage).
 */
import { IMAGE_TAG } from "../../components/config/rules";
import { HelpRequest, isHelp, UsageError } from "../cli/cli";
import type { ReleaseStep } from "../release/run";

export const USAGE = {
    status: "usage: capstan status <stack>",
    run: "usage: capstan run <stack> [--detach] [--timeout DURATION] -- <command...>",
    console:
        "usage: capstan console <stack> [--timeout DURATION] [-- <command...>]   (default: capstan:app.console.command)",
    logs: "usage: capstan logs <stack> [web | worker NAME | cron NAME | migration | assets | canary] [-f] [--since DURATION] [--grep REGEX]",
    canary: [
        "usage: capstan canary <stack> start <tag> [--cookie NAME=VALUE] [--header NAME=VALUE] [--yes] [--allow-infra-changes]",
        "       capstan canary <stack> weight <0-100> [--yes] [--allow-infra-changes]",
        "       capstan canary <stack> promote [--yes] [--allow-infra-changes]",
        "       capstan canary <stack> abort [--yes] [--allow-infra-changes]",
        "       capstan canary <stack> run <tag> [--yes] [--allow-infra-changes]   (start, each weight of canary.steps held for its analysis, promote)",
        "       capstan canary <stack> resume [--yes] [--allow-infra-changes]      (a paused or interrupted run, where it stopped)",
    ].join("\n"),
} as const;

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds of a duration such as `90`, `30s`, `5m`, `1h30m`, `2d`; throws a UsageError naming `option`. */
export function parseDuration(text: string, option: string): number {
    const parts = [...text.matchAll(/(\d+)([smhd]?)/g)];
    if (!/^(\d+[smhd]?)+$/.test(text) || parts.length === 0)
        throw new UsageError(`${option}: ${JSON.stringify(text)} is not a duration (e.g. 90s, 15m, 1h30m)`);
    const seconds = parts.reduce((sum, m) => sum + Number(m[1]) * UNITS[m[2] || "s"], 0);
    if (seconds <= 0) throw new UsageError(`${option}: the duration must be more than 0 seconds`);
    return seconds;
}

/** Splits at the first `--`: the options before it, the command after it (undefined when there is none). */
function splitCommand(argv: readonly string[]): { before: string[]; command?: string[] } {
    const dash = argv.indexOf("--");
    return dash < 0 ? { before: [...argv] } : { before: argv.slice(0, dash), command: argv.slice(dash + 1) };
}

/** Reads `--name VALUE` or `--name=VALUE` at `argv[i]`; returns the value and how many arguments it took. */
function optionValue(argv: readonly string[], i: number, name: string): { value: string; used: number } | undefined {
    const a = argv[i];
    if (a.startsWith(`${name}=`)) return { value: a.slice(name.length + 1), used: 1 };
    if (a !== name) return undefined;
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("-")) throw new UsageError(`${name} needs a value`);
    return { value, used: 2 };
}

function theStack(positional: readonly string[]): string {
    const [stack] = positional;
    if (!stack) throw new UsageError("name the stack, e.g. staging");
    return stack;
}

function rejectExtra(positional: readonly string[], from: number): void {
    if (positional.length > from) throw new UsageError(`unexpected argument ${positional[from]}`);
}

export interface StatusArgs {
    readonly stack: string;
}

export function parseStatusArgs(argv: readonly string[]): StatusArgs {
    if (argv.some(isHelp)) throw new HelpRequest();
    const option = argv.find((a) => a.startsWith("-"));
    if (option) throw new UsageError(`unknown option ${option}`);
    rejectExtra(argv, 1);
    return { stack: theStack(argv) };
}

export interface RunArgs {
    readonly stack: string;
    readonly command: readonly string[];
    readonly detach: boolean;
    /** Seconds after which the Job is stopped (its activeDeadlineSeconds). */
    readonly timeoutSeconds?: number;
}

export function parseRunArgs(argv: readonly string[]): RunArgs {
    const { before, command } = splitCommand(argv);
    if (before.some(isHelp)) throw new HelpRequest();
    const positional: string[] = [];
    let detach = false;
    let timeoutSeconds: number | undefined;
    for (let i = 0; i < before.length;) {
        const timeout = optionValue(before, i, "--timeout");
        if (timeout) {
            timeoutSeconds = parseDuration(timeout.value, "--timeout");
            i += timeout.used;
            continue;
        }
        const a = before[i++];
        if (a === "--detach" || a === "-d") detach = true;
        else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
        else positional.push(a);
    }
    const stack = theStack(positional);
    if (positional.length > 1)
        throw new UsageError(
            `unexpected argument ${positional[1]}: put the command after --, e.g. -- bin/rails db:version`,
        );
    if (!command || command.length === 0 || command[0] === "")
        throw new UsageError("name the command to run after --, e.g. capstan run staging -- bin/rails db:version");
    return { stack, command, detach, timeoutSeconds };
}

export interface ConsoleArgs {
    readonly stack: string;
    /** The command; undefined: the stack's `capstan:app.console.command`. */
    readonly command?: readonly string[];
    /** Seconds the session may last at most (the pod's activeDeadlineSeconds). */
    readonly timeoutSeconds: number;
}

/** How long a console session may last unless --timeout says otherwise. */
export const CONSOLE_TIMEOUT_SECONDS = 4 * 3600;

export function parseConsoleArgs(argv: readonly string[]): ConsoleArgs {
    const { before, command } = splitCommand(argv);
    if (before.some(isHelp)) throw new HelpRequest();
    const positional: string[] = [];
    let timeoutSeconds = CONSOLE_TIMEOUT_SECONDS;
    for (let i = 0; i < before.length;) {
        const timeout = optionValue(before, i, "--timeout");
        if (timeout) {
            timeoutSeconds = parseDuration(timeout.value, "--timeout");
            i += timeout.used;
            continue;
        }
        const a = before[i++];
        if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
        positional.push(a);
    }
    const stack = theStack(positional);
    rejectExtra(positional, 1);
    if (command !== undefined && (command.length === 0 || command[0] === ""))
        throw new UsageError("the command after -- is empty; leave -- out for the stack's console command");
    return { stack, command, timeoutSeconds };
}

/** Which pods `capstan logs` reads. */
export type LogPart =
    | { readonly kind: "web" }
    | { readonly kind: "canary" }
    | { readonly kind: "migration" }
    | { readonly kind: "assets" }
    | { readonly kind: "worker"; readonly name: string }
    | { readonly kind: "cron"; readonly name: string };

export interface LogsArgs {
    readonly stack: string;
    readonly part: LogPart;
    readonly follow: boolean;
    readonly sinceSeconds?: number;
    readonly grep?: RegExp;
}

function logPart(words: readonly string[]): LogPart {
    const [kind, name, ...extra] = words;
    if (kind === undefined) return { kind: "web" };
    if (kind === "web" || kind === "canary" || kind === "migration" || kind === "assets") {
        rejectExtra(words, 1);
        return { kind };
    }
    if (kind === "worker" || kind === "cron") {
        if (!name)
            throw new UsageError(`name the ${kind}, e.g. ${kind === "worker" ? "worker default" : "cron cleanup"}`);
        if (extra.length) throw new UsageError(`unexpected argument ${extra[0]}`);
        return { kind, name };
    }
    throw new UsageError(`unknown part ${kind}: one of web, worker NAME, cron NAME, migration, assets, canary`);
}

export function parseLogsArgs(argv: readonly string[]): LogsArgs {
    if (argv.some(isHelp)) throw new HelpRequest();
    const positional: string[] = [];
    let follow = false;
    let sinceSeconds: number | undefined;
    let grep: RegExp | undefined;
    for (let i = 0; i < argv.length;) {
        const since = optionValue(argv, i, "--since");
        const pattern = since ? undefined : optionValue(argv, i, "--grep");
        if (since) {
            sinceSeconds = parseDuration(since.value, "--since");
            i += since.used;
        } else if (pattern) {
            try {
                grep = new RegExp(pattern.value);
            } catch (err) {
                throw new UsageError(`--grep: ${(err as Error).message}`);
            }
            i += pattern.used;
        } else {
            const a = argv[i++];
            if (a === "-f" || a === "--follow") follow = true;
            else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
            else positional.push(a);
        }
    }
    return { stack: theStack(positional), part: logPart(positional.slice(1)), follow, sinceSeconds, grep };
}

/** A name and a value, as `--cookie NAME=VALUE` gives them. */
export interface Match {
    readonly name: string;
    readonly value: string;
}

export type CanaryStep =
    | { readonly step: "start"; readonly tag: string; readonly cookie?: Match; readonly header?: Match }
    | { readonly step: "weight"; readonly weight: number }
    | { readonly step: "promote" }
    | { readonly step: "abort" };

export type { ReleaseStep };

export interface CanaryArgs {
    readonly stack: string;
    readonly step: CanaryStep | ReleaseStep;
    readonly yes: boolean;
    readonly allowInfraChanges: boolean;
}

function match(text: string, option: string): Match {
    const eq = text.indexOf("=");
    if (eq <= 0 || eq === text.length - 1) throw new UsageError(`${option}: ${JSON.stringify(text)} is not NAME=VALUE`);
    return { name: text.slice(0, eq), value: text.slice(eq + 1) };
}

function canaryStep(words: readonly string[], cookie?: Match, header?: Match): CanaryStep | ReleaseStep {
    const [step, value] = words;
    if (step === undefined)
        throw new UsageError("name the step: start <tag>, weight <N>, promote, abort, run <tag> or resume");
    if ((cookie || header) && step !== "start") throw new UsageError("--cookie and --header go with start");
    if (step === "start" || step === "run") {
        if (!value) throw new UsageError("name the tag the canary runs, e.g. start 2026.11.21-9a8b7c6");
        if (!IMAGE_TAG.test(value)) throw new UsageError(`${JSON.stringify(value)} is not a valid image tag`);
        rejectExtra(words, 2);
        return step === "run" ? { step, tag: value } : { step, tag: value, cookie, header };
    }
    if (step === "weight") {
        if (value === undefined) throw new UsageError("name the weight, a percent from 0 to 100");
        const weight = Number(value);
        if (!/^\d+$/.test(value) || weight > 100)
            throw new UsageError(`weight ${JSON.stringify(value)} is outside 0-100: give a whole percent`);
        rejectExtra(words, 2);
        return { step, weight };
    }
    if (step === "promote" || step === "abort" || step === "resume") {
        rejectExtra(words, 1);
        return { step };
    }
    throw new UsageError(`unknown step ${step}: one of start, weight, promote, abort, run, resume`);
}

export function parseCanaryArgs(argv: readonly string[]): CanaryArgs {
    if (argv.some(isHelp)) throw new HelpRequest();
    const positional: string[] = [];
    let yes = false;
    let allowInfraChanges = false;
    let cookie: Match | undefined;
    let header: Match | undefined;
    for (let i = 0; i < argv.length;) {
        const c = optionValue(argv, i, "--cookie");
        const h = c ? undefined : optionValue(argv, i, "--header");
        if (c) {
            cookie = match(c.value, "--cookie");
            i += c.used;
        } else if (h) {
            header = match(h.value, "--header");
            i += h.used;
        } else {
            const a = argv[i++];
            if (a === "--yes" || a === "-y") yes = true;
            else if (a === "--allow-infra-changes") allowInfraChanges = true;
            else if (/^-\d+$/.test(a))
                positional.push(a); // a weight below 0, refused as such
            else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
            else positional.push(a);
        }
    }
    return {
        stack: theStack(positional),
        step: canaryStep(positional.slice(1), cookie, header),
        yes,
        allowInfraChanges,
    };
}
