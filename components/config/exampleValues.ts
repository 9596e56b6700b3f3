/**
 * The example values of the committed stack files: the account `123456789012` (in the image and
 * every ARN), the `example.com` hosts (and the other names reserved for documentation, RFC 2606)
 * and the documentation networks of `publicAccessCidrs` (RFC 5737). They let a newcomer render
 * every stack offline; in a real update they would deploy an image nobody can pull, certificates
 * of nobody's account, hosts nobody owns and an API endpoint nobody can reach. A preview warns
 * about each one still in a stack; an update refuses them all at once. The render and a stack on
 * the local cluster (`cluster.local`) keep them.
 */
import { configPath, type ConfigProblem } from "./errors";

/** The AWS account of the committed stacks' examples (AWS's own documentation uses it too). */
export const EXAMPLE_ACCOUNT = "123456789012";

/** Domains reserved for documentation (RFC 2606): no one can own a host under them. */
const EXAMPLE_HOST = /(^|\.)example(\.(com|net|org))?$/i;

/** The networks reserved for documentation (RFC 5737): no client has an address in them. */
const EXAMPLE_NETWORKS = ["192.0.2.", "198.51.100.", "203.0.113."];

/** One example value found in a stack's config: where, what, and what to put there instead. */
export interface ExampleValue {
    /** The key path as `pulumi config set --path` spells it. */
    readonly path: string;
    readonly value: string;
    /** What the value is an example of, and what to set instead. */
    readonly fix: string;
}

/** The host part of a value that names a host, a URL or an address, or undefined. */
function hostOf(value: string): string | undefined {
    const url = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#@]+@)?([^/:?#]+)/i.exec(value);
    if (url) return url[2];
    const email = /^[^@\s]+@([^@\s]+)$/.exec(value);
    if (email) return email[1];
    return /^[A-Za-z0-9.-]+$/.test(value) ? value : undefined;
}

/** What an example value is, and its fix; undefined for a value of one's own. */
export function exampleFix(value: string): string | undefined {
    if (new RegExp(`(^|[^0-9])${EXAMPLE_ACCOUNT}([^0-9]|$)`).test(value)) {
        if (value.startsWith("arn:aws"))
            return `names the example account ${EXAMPLE_ACCOUNT}; set the ARN of your own account's resource (docs/getting-started.md)`;
        if (value.includes(".dkr.ecr."))
            return `is the example ECR repository of account ${EXAMPLE_ACCOUNT}; set your own repository, <account>.dkr.ecr.<region>.amazonaws.com/<name> (docs/getting-started.md#the-ecr-repository)`;
        return `names the example account ${EXAMPLE_ACCOUNT}; set your own account's value`;
    }
    const host = hostOf(value);
    if (host && EXAMPLE_HOST.test(host))
        return `is an example host (${host.split(".").slice(-2).join(".")} is reserved for documentation, so no one can own it); set a host of your own`;
    if (EXAMPLE_NETWORKS.some((n) => value.startsWith(n)))
        return "is a network reserved for documentation, from which no client connects; set your own network (e.g. your office or VPN egress, a.b.c.d/32)";
    return undefined;
}

/**
 * Every example value in a stack's config, given as the root object (`region` plus every `capstan:`
 * key without its namespace), in the order of the keys. Secrets are never given here, so never read.
 */
export function exampleValues(root: Readonly<Record<string, unknown>>): ExampleValue[] {
    const found: ExampleValue[] = [];
    const walk = (value: unknown, at: PropertyKey[]) => {
        if (typeof value === "string") {
            const fix = exampleFix(value);
            if (fix) found.push({ path: configPath(at), value, fix });
        } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...at, i]));
        else if (typeof value === "object" && value !== null)
            for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
    };
    for (const [key, value] of Object.entries(root)) walk(value, [key]);
    return found;
}

/** Whether the stack says it runs on the local try-out cluster (`cluster.local`), as written. */
export function onLocalCluster(root: Readonly<Record<string, unknown>>): boolean {
    const cluster = root.cluster as { mode?: unknown; local?: unknown } | undefined;
    return cluster?.mode === "external" && cluster.local === true;
}

/** What the run is: the offline render (no engine), a preview, or an update. */
export type RunKind = "render" | "preview" | "update";

/** What a run does with the example values: nothing, a warning, or the problems that refuse it. */
export function exampleValueVerdict(
    found: readonly ExampleValue[],
    kind: RunKind,
    onLocalCluster: boolean,
): { warning?: string; problems: ConfigProblem[] } {
    if (found.length === 0 || kind === "render" || onLocalCluster) return { problems: [] };
    const problems = found.map((f) => ({
        path: f.path,
        message: `${JSON.stringify(f.value)} ${f.fix}`,
    }));
    if (kind === "update") return { problems };
    const lines = problems.map((p) => `  - ${p.path}: ${p.message}`);
    return {
        warning: `this stack still holds ${found.length} example value${found.length === 1 ? "" : "s"} of the committed stack files, which an update refuses:\n${lines.join("\n")}`,
        problems: [],
    };
}

/** What a run of the stack whose config is `root` does with its example values. */
export function exampleValueVerdictOf(
    root: Readonly<Record<string, unknown>>,
    kind: RunKind,
): { warning?: string; problems: ConfigProblem[] } {
    return exampleValueVerdict(exampleValues(root), kind, onLocalCluster(root));
}
