import * as pulumi from "@pulumi/pulumi";

/**
 * One problem in the stack configuration: where it is, what was found, and how to fix it.
 */
export interface ConfigProblem {
    /** The config key path as `pulumi config set --path` spells it, e.g. `capstan:app.web.minReplicas`. */
    readonly path: string;
    /** What is wrong and what is allowed, including the offending value unless it is secret. */
    readonly message: string;
    /** Set when a number or boolean arrived where text is expected: the fix is to quote it. */
    readonly kind?: "not-text";
}

/** Where a key path of the root object (`region` plus the `capstan:` keys) lives in Pulumi config. */
export function configPath(path: readonly PropertyKey[]): string {
    const [head, ...rest] = path;
    let out = head === "region" ? "aws:region" : `capstan:${String(head)}`;
    for (const p of rest) out += typeof p === "number" ? `[${p}]` : `.${String(p)}`;
    return out;
}

/** How a YAML line sets `key` to `text`: `key: text`, or `- text` for a list item. */
function yamlLine(key: string | number, text: string): string {
    return typeof key === "number" ? `- ${text}` : `${key}: ${text}`;
}

/**
 * The message for a number or boolean where text is expected. YAML reads unquoted digits as a
 * number, which loses what does not count (`1.10` arrives as 1.1): quoting keeps the text. With
 * `written`, the stack file's own text is known (the offline render reads it).
 */
export function notTextMessage(key: string | number, value: number | boolean, written?: string): string {
    const what = typeof value === "boolean" ? "a boolean" : "a number";
    if (written !== undefined && written !== String(value)) {
        return `${yamlLine(key, written)} is not quoted, so it arrives as ${what}, ${JSON.stringify(value)}, where text is expected; quote it: ${yamlLine(key, JSON.stringify(written))}`;
    }
    return `${JSON.stringify(value)} is ${what} where text is expected; quote it in the stack file as you mean it, e.g. ${yamlLine(key, JSON.stringify(String(value)))} (unquoted, 1.10 arrives as the number 1.1)`;
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
        super(
            `invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${lines.join("\n")}`,
        );
        this.name = "ConfigError";
        this.problems = problems;
    }

    /** True for a ConfigError from any copy of this module (tests and the render load the program separately). */
    static is(err: unknown): err is ConfigError {
        return (
            typeof err === "object" &&
            err !== null &&
            (err as { isCapstanConfigError?: unknown }).isCapstanConfigError === true
        );
    }
}
