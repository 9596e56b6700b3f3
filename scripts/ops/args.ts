/**
 * The arguments of the day-two commands, as their definitions in scripts/commands/ read them from
 * the command line.
 */
import type { Match } from "../cli/values";
import type { ReleaseStep } from "../release/run";

export interface StatusArgs {
    readonly stack: string;
}

export interface RunArgs {
    readonly stack: string;
    readonly command: readonly string[];
    readonly detach: boolean;
    /** Seconds after which the Job is stopped (its activeDeadlineSeconds). */
    readonly timeoutSeconds?: number;
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

export type { Match };

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
