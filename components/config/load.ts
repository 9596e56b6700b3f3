import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { crossChecks, type SecretKeys } from "./checks";
import type { StackName } from "./nameChecks";
import { appNamespace } from "../core/names";
import { unknownKeyMessage } from "./expected";
import { describeIssue } from "./issues";
import { salvage, type Salvaged } from "./salvage";
import { ConfigError, type ConfigProblem } from "./errors";
import { exampleValueVerdictOf, type RunKind } from "./exampleValues";
import {
    type CanaryConfig,
    CONFIG_KEYS,
    type ConfigKey,
    type LoadedClusterConfig,
    loadedClusterSchema,
    type RootConfig,
    rootSchema,
    runningCanary,
} from "./schema";

/** The validated stack configuration, every default resolved. Frozen: nothing downstream may change it. */
export type CapstanConfig = Readonly<
    Omit<RootConfig, "cluster" | "network" | "nodeGroups" | "canary"> & {
        /** The canary that runs (`capstan:canary` with its `imageTag`); the release settings are `capstan canary run`'s. */
        canary?: CanaryConfig;
        /**
         * The cluster, one member per `cluster.mode`: narrow on `mode` to read a mode's keys. The
         * `create` member also holds `capstan:network` and `capstan:nodeGroups`.
         */
        cluster: LoadedClusterConfig;
        /** The Pulumi project and stack, for naming and tags. */
        project: string;
        stack: string;
        /** The namespace the app runs in. */
        namespace: string;
        /** Secret config, kept secret end to end: only ever Outputs marked secret. */
        secrets: {
            /** `capstan:appSecrets`: name -> value of the app's secret environment. */
            appSecrets: pulumi.Output<Record<string, string>>;
            /** `capstan:basicAuthPasswords`: staging user -> password. */
            basicAuthPasswords: pulumi.Output<Record<string, string>>;
            /** `capstan:kubeconfig`: the kubeconfig of a cluster managed elsewhere, when set. */
            kubeconfig?: pulumi.Output<string>;
        };
    }
>;

/** The names in a secret map, without its values; undefined when it is not a readable map. */
function secretNames(raw: string | undefined): { names?: string[]; values?: Record<string, string>; problem?: string } {
    if (raw === undefined) return { names: [], values: {} };
    let parsed: unknown;
    try {
        parsed = JSON.parse(raw);
    } catch {
        return {};
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) {
        if (typeof v !== "string")
            return {
                problem: `entry ${JSON.stringify(k)} is not a string; set each entry with pulumi config set --secret --path`,
            };
        values[k] = v;
    }
    return { names: Object.keys(values), values };
}

/**
 * Reads the raw values of the stack's config: `aws:region` and every `capstan:` key. Object keys
 * arrive from Pulumi as JSON text. Values are never printed; only problems are returned.
 */
function readRaw(): { raw: Record<string, unknown>; problems: ConfigProblem[] } {
    const capstan = new pulumi.Config("capstan");
    const problems: ConfigProblem[] = [];
    const raw: Record<string, unknown> = { region: new pulumi.Config("aws").get("region") };
    for (const [key, kind] of Object.entries(CONFIG_KEYS) as [ConfigKey, string][]) {
        if (kind === "secret" || kind === "secretText") continue;
        const text = capstan.get(key);
        if (text === undefined) continue;
        if (kind === "object") {
            try {
                const value: unknown = JSON.parse(text);
                // Pulumi.yaml gives optional keys the default {} (a declared key needs a default):
                // an empty map means the feature is off.
                if (!isEmptyMap(value)) raw[key] = value;
            } catch {
                problems.push({
                    path: `capstan:${key}`,
                    message: `${JSON.stringify(text)} is not a map or list; see the config reference in docs/configuration.md`,
                });
            }
        } else {
            raw[key] = text;
        }
    }
    for (const full of Object.keys(pulumi.runtime.allConfig())) {
        const [ns, key] = full.split(":", 2);
        if (ns === "capstan" && !(key in CONFIG_KEYS)) {
            problems.push({
                path: full,
                message: unknownKeyMessage(key, Object.keys(CONFIG_KEYS), "the capstan namespace"),
            });
        }
    }
    return { raw, problems };
}

/**
 * Whether the CLI marked a config key secret. The SDK keeps this check internal, so it is reached
 * through the runtime module; should a future SDK drop it, the check is skipped, never failed.
 */
function isConfigSecret(key: string): boolean {
    const runtime = pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean };
    return runtime.isConfigSecret ? runtime.isConfigSecret(key) : true;
}

/** Reads one secret map, checking it is stored as a secret. */
function readSecret(key: "appSecrets" | "basicAuthPasswords", problems: ConfigProblem[]) {
    const full = `capstan:${key}`;
    const text = pulumi.runtime.getConfig(full);
    if (text !== undefined && !isConfigSecret(full) && text.trim() !== "{}") {
        problems.push({
            path: full,
            message: `is stored in plain text in the stack file; remove it and set each entry with: pulumi config set --secret --path '${key}.NAME' <value>`,
        });
    }
    const read = secretNames(text);
    if (read.problem) problems.push({ path: full, message: read.problem });
    const sizes = read.values
        ? Object.fromEntries(Object.entries(read.values).map(([k, v]) => [k, Buffer.byteLength(v, "utf8")]))
        : undefined;
    return { names: read.names, sizes, output: pulumi.secret(read.values ?? {}) };
}

/** Reads a secret text, checking it is stored as a secret; the default "" means unset. */
function readSecretText(key: "kubeconfig", problems: ConfigProblem[]): pulumi.Output<string> | undefined {
    const full = `capstan:${key}`;
    const text = pulumi.runtime.getConfig(full);
    if (text === undefined || text === "") return undefined;
    if (!isConfigSecret(full)) {
        problems.push({
            path: full,
            message: `is stored in plain text in the stack file; remove it and set it with: pulumi config set --secret ${key} "$(cat FILE)"`,
        });
    }
    return pulumi.secret(text);
}

function isEmptyMap(value: unknown): boolean {
    return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

function deepFreeze<T>(value: T): T {
    if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const v of Object.values(value)) deepFreeze(v);
    }
    return value;
}

/**
 * Validates a stack's config given as the root object (`region` plus every `capstan:` key without
 * its namespace), with no Pulumi runtime: the rules `loadConfig` applies, for any caller that has
 * config in hand. Each key is parsed on its own, so that the cross-field rules still run for the
 * keys that are valid, and every problem is reported in one go.
 */
export function validateConfig(
    raw: Readonly<Record<string, unknown>>,
    secrets: SecretKeys,
    names?: StackName,
): { config?: RootConfig; problems: ConfigProblem[] } {
    const problems: ConfigProblem[] = [];
    const parts: Partial<Record<keyof RootConfig, unknown>> = {};
    const salvaged: (Salvaged & { key: string })[] = [];
    for (const [key, schema] of Object.entries(rootSchema.shape) as [keyof RootConfig, z.ZodType][]) {
        const parsed = schema.safeParse(raw[key], { reportInput: true });
        if (parsed.success) {
            parts[key] = parsed.data;
            continue;
        }
        problems.push(
            ...parsed.error.issues.flatMap((i) => describeIssue({ ...i, path: [key, ...i.path] }, rootSchema)),
        );
        // The rest of the key still gets its cross-field checks.
        const partial = salvage(key, schema, raw[key], parsed.error.issues);
        if (partial) {
            parts[key] = partial.data;
            salvaged.push({ ...partial, key });
        }
    }
    const incomplete = new Set(salvaged.filter((s) => s.leftOut).map((s) => s.key));
    const cross = crossChecks(parts as Partial<RootConfig>, secrets, names, incomplete).flatMap((p) => {
        const path = salvaged.reduce<string | undefined>(
            (at, s) => (at === undefined ? undefined : s.mapPath(at)),
            p.path,
        );
        return path === undefined ? [] : [{ ...p, path }];
    });
    problems.push(...cross);
    return problems.length > 0 ? { problems } : { config: parts as RootConfig, problems };
}

/**
 * What this run is: the offline render runs under the mock engine, which has no engine to log to;
 * otherwise the CLI's preview or update.
 */
function runKind(): RunKind {
    if (pulumi.runtime.getEngine() === undefined) return "render";
    return pulumi.runtime.isDryRun() ? "preview" : "update";
}

/** The committed stacks' example values: a preview warns about them, an update gets them as problems. */
function exampleValueProblems(raw: Readonly<Record<string, unknown>>): ConfigProblem[] {
    const verdict = exampleValueVerdictOf(raw, runKind());
    if (verdict.warning) warned = pulumi.log.warn(`capstan: ${verdict.warning}`);
    return verdict.problems;
}

let warned: Promise<void> = Promise.resolve();

/**
 * Resolves once the warnings of the last `loadConfig` have reached the engine. Awaited before the
 * program goes on: an update that then fails at once (a provider plugin that is missing) would
 * otherwise end before they are shown.
 */
export function configWarningsDelivered(): Promise<void> {
    return warned;
}

/**
 * Reads and validates the whole stack configuration: the only function in Capstan that reads
 * Pulumi config. Throws a {@link ConfigError} listing every problem at once.
 */
export function loadConfig(): CapstanConfig {
    const { raw, problems } = readRaw();
    const appSecrets = readSecret("appSecrets", problems);
    const basicAuthPasswords = readSecret("basicAuthPasswords", problems);
    const kubeconfig = readSecretText("kubeconfig", problems);
    const validated = validateConfig(
        raw,
        {
            appSecrets: appSecrets.names,
            basicAuthPasswords: basicAuthPasswords.names,
            kubeconfig: kubeconfig !== undefined,
            appSecretSizes: appSecrets.sizes,
        },
        { project: pulumi.getProject(), stack: pulumi.getStack() },
    );
    problems.push(...validated.problems, ...exampleValueProblems(raw));
    if (problems.length > 0 || !validated.config) throw new ConfigError(problems);
    const { network, nodeGroups, ...cfg } = validated.config;
    const { namespace } = appNamespace(validated.config);
    // The checks have passed, so the cluster parses as its mode's member; a failure here is a bug in checks.ts.
    const cluster = loadedClusterSchema.parse({ ...cfg.cluster, network, nodeGroups });
    const canary = runningCanary(cfg.canary);
    const frozen = deepFreeze({
        ...cfg,
        canary,
        cluster,
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        namespace,
    });
    return Object.freeze({
        ...frozen,
        secrets: {
            appSecrets: appSecrets.output,
            basicAuthPasswords: basicAuthPasswords.output,
            ...(kubeconfig ? { kubeconfig } : {}),
        },
    });
}
