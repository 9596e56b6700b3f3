/**
 * The small interface the deploy command works through. The real implementation drives the Pulumi
 * CLI with the Automation API (automation.ts); the tests use a fake, so every decision the command
 * makes (guard, confirmation, history walk, exit codes, messages) is tested without the CLI.
 */
import { USAGE_EXIT } from "../cli/cli";

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

/** One stack of this project, as the deploy sees it. */
export interface DeployStack {
    readonly name: string;
    /** The configured `capstan:imageTag`. */
    imageTag(): Promise<string | undefined>;
    setImageTag(tag: string): Promise<void>;
    preview(): Promise<PreviewStep[]>;
    /**
     * Runs the update of the resources `targets` names (URNs), and of no other; `onOutput` receives
     * the CLI's progress output as it comes.
     */
    up(targets: readonly string[], onOutput: (chunk: string) => void): Promise<UpOutcome>;
    history(): Promise<HistoryEntry[]>;
}

export interface DeployBackend {
    /** Whether the Pulumi CLI can be run. */
    cliAvailable(): boolean;
    open(stack: string): Promise<DeployStack>;
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
    /** Stopped before changing anything: the guard, no confirmation, or no terminal to ask on. */
    refused: 3,
    /** The Pulumi CLI is not installed. */
    noCli: 4,
} as const;

/** The name a URN gives its resource. */
export function urnName(urn: string): string {
    return urn.split("::").pop() ?? urn;
}
