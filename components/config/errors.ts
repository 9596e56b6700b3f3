import * as pulumi from "@pulumi/pulumi";

/**
 * One problem in the stack configuration: where it is, what was found, and how to fix it.
 */
export interface ConfigProblem {
    /** The config key path as `pulumi config set --path` spells it, e.g. `capstan:app.web.minReplicas`. */
    readonly path: string;
    /** What is wrong and what is allowed, including the offending value unless it is secret. */
    readonly message: string;
}

/**
 * Thrown once, with every problem found, when the stack configuration is invalid. Nothing is
 * registered before it is thrown, so an invalid config never renders or deploys anything. It is a
 * Pulumi `RunError`: the CLI's language host prints its message alone, without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
    /** Marks the error for callers that load the program through another module instance. */
    readonly isCapstanConfigError = true;
    readonly problems: readonly ConfigProblem[];

    constructor(problems: readonly ConfigProblem[]) {
        const lines = problems.map((p) => `  - ${p.path}: ${p.message}`);
        super(`invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${lines.join("\n")}`);
        this.name = "ConfigError";
        this.problems = problems;
    }

    /** True for a ConfigError from any copy of this module (tests and the render load the program separately). */
    static is(err: unknown): err is ConfigError {
        return typeof err === "object" && err !== null && (err as { isCapstanConfigError?: unknown }).isCapstanConfigError === true;
    }
}
