/**
 * The small interface the deploy command works through. The real implementation drives the Pulumi
 * CLI with the Automation API (automation.ts); the tests use a fake, so every decision the command
 * makes (guard, confirmation, history walk, exit codes, messages) is tested without the CLI.
 */
import { MISSING_TOOL_EXIT, USAGE_EXIT } from "../cli/cli";
import { EXIT as CODES } from "../cli/exits";
import type { Holder } from "./locks";
import type { Serving } from "./serving";

/** One resource step of a preview, as the engine reports it. */
export interface PreviewStep {
    /** same, create, update, delete, replace, create-replacement, delete-replaced, read, ... */
    readonly op: string;
    readonly urn: string;
    readonly type: string;
    /** Inputs before and after the change, when the engine reports them. */
    readonly oldInputs?: Record<string, unknown>;
    readonly newInputs?: Record<string, unknown>;
    /**
     * The property paths the provider says differ (its detailed diff, or the engine's top-level
     * keys when there is none); undefined when the engine reports neither.
     */
    readonly diffKeys?: readonly string[];
}

export interface FailedResource {
    readonly urn: string;
    readonly type: string;
    readonly message: string;
}

export interface UpOutcome {
    readonly ok: boolean;
    /** Resources whose operation failed, with the engine's message. */
    readonly failures: readonly FailedResource[];
    /** The error of the update as a whole, when it failed without naming a resource. */
    readonly error?: string;
}

/** One entry of the stack's update history. */
export interface HistoryEntry {
    readonly version: number;
    /** update, preview, refresh, destroy, ... */
    readonly kind: string;
    /** succeeded, failed, in-progress, not-started */
    readonly result: string;
    /** `capstan:imageTag` as configured for that update. */
    readonly imageTag?: string;
    readonly startTime?: string;
}

/** An operation the engine began and never finished: its process died during it. */
export interface PendingOperation {
    /** creating, updating, deleting, reading, importing */
    readonly type: string;
    readonly urn: string;
    /** `namespace/name` (or `name`) of the Kubernetes object, when it is one. */
    readonly object?: { readonly kind: string; readonly name: string; readonly namespace?: string };
}

/** What the stack's state says it runs, read from the backend, never from the stack file. */
export interface StackFacts {
    /** The `imageTag` output of the last update that completed. */
    readonly deployedTag?: string;
    /** Operations a dead update left unfinished. */
    readonly pending: readonly PendingOperation[];
    /** The stack's latest update, if any. */
    readonly lastUpdate?: HistoryEntry;
}

/** One stack of this project, as the deploy sees it. */
export interface DeployStack {
    readonly name: string;
    /** The stack file the person edits (`Pulumi.<stack>.yaml`). */
    readonly stackFile: string;
    /** What the state says the stack runs. */
    facts(): Promise<StackFacts>;
    /** The update locks the backend holds on the stack (a file backend's), with their holders. */
    lockHolders(): Holder[];
    /** Removes a lock whose holder is proven gone. */
    removeLock(holder: Holder): void;
    /**
     * Resolves the operations a dead update left: the ones the engine can settle by reading the
     * cluster are refreshed, pending creates are dropped from the state (their objects having been
     * dealt with by the caller). Returns what the engine did, a line each.
     */
    settlePending(pending: readonly PendingOperation[]): Promise<string[]>;
    /** What the cluster serves, or why it could not be read. */
    serving(): Promise<Serving | string>;
    /** What was changed in the cluster by hand since Pulumi last wrote it, a line each, or why it could not be read. */
    drift(): Promise<string[] | string>;
    /** Removes a Kubernetes object a dead update created, after its Job (if one) has finished; a line of what was done. */
    removeOrphan(op: PendingOperation): Promise<string>;
    /** The preview of the update with the config of `configFile`. */
    preview(configFile: string): Promise<PreviewStep[]>;
    /**
     * Runs the update of the resources `targets` names (URNs), and of no other, with the config
     * of `configFile`; `onOutput` receives the CLI's progress output as it comes, and an abort of
     * `signal` cancels the update the engine's way (SIGINT: in-flight steps finish, state is written).
     * With `stateAtEnd` the engine writes the stack's state once, when the update ends (also when it
     * fails or is cancelled), instead of after every step: only for updates whose every step applies
     * a Kubernetes object by server-side apply, which the next update adopts if this one dies.
     */
    up(
        configFile: string,
        targets: readonly string[],
        onOutput: (chunk: string) => void,
        signal?: AbortSignal,
        opts?: { stateAtEnd?: boolean },
    ): Promise<UpOutcome>;
    history(): Promise<HistoryEntry[]>;
}

export interface DeployBackend {
    /** Whether the Pulumi CLI can be run. */
    cliAvailable(): boolean;
    /** The names of the project's stacks in the backend. */
    stacks(): Promise<string[]>;
    open(stack: string): Promise<DeployStack>;
    /** The folder of Capstan's deploy locks: beside a file backend's state, else in the stack folder. */
    lockDir(): string;
}

/** The terminal, or whatever stands in for it. */
export interface DeployIo {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
    /** Whether a person can answer a question (stdin and stdout are a terminal). */
    readonly interactive: boolean;
    readonly ask: (question: string) => Promise<string>;
}

/** Exit codes of `npm run deploy`. */
export const EXIT = {
    /** Deployed, or nothing to deploy. */
    ok: 0,
    /** The update failed (the previous version is still serving), or the command could not run. */
    failed: 1,
    /** Called wrong: the exit code of every Capstan command called wrong. */
    usage: USAGE_EXIT,
    /**
     * Stopped before changing anything: the guard, no confirmation, no terminal to ask on, another
     * deploy or update holding the stack, or a state only a person can settle.
     */
    refused: CODES.refused,
    /** The Pulumi CLI is not installed. */
    noCli: MISSING_TOOL_EXIT,
} as const;

/** The name a URN gives its resource. */
export function urnName(urn: string): string {
    return urn.split("::").pop() ?? urn;
}
