import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import type { z } from "zod";
import { fieldProblems } from "../../components/config/fieldProblems";
import { CONFIG_KEYS, rootSchema } from "../../components/config/schema";
import { CliYamlError, readConfigLikeCli, type ChangedScalar } from "./cliYaml";

/** What the render shows in place of every `secure:` value: it cannot be decrypted offline. */
export const SECRET_PLACEHOLDER = "[secret]";

/** One config key as Pulumi.yaml declares it. */
export interface ConfigDeclaration {
    readonly type?: string;
    readonly description?: string;
    readonly secret?: boolean;
    readonly default?: unknown;
    /** The element type of an `array` key. */
    readonly items?: { readonly type: string; readonly items?: ConfigDeclaration["items"] };
}

export interface ProjectFile {
    readonly name: string;
    readonly runtime: unknown;
    /** Every key declared in `config:`, fully qualified (`capstan:imageTag`). */
    readonly declarations: Readonly<Record<string, ConfigDeclaration>>;
    /** Project-wide values: declared defaults and plain values. */
    readonly defaults: Readonly<Record<string, unknown>>;
}

/** The config a program sees: every value as Pulumi passes it (text; objects as JSON). */
export interface RuntimeConfig {
    readonly config: Readonly<Record<string, string>>;
    /** Keys whose value is (or contains) a secret. */
    readonly secretKeys: readonly string[];
}

export class StackFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackFileError";
    }
}

function qualify(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

function readYaml(file: string): unknown {
    try {
        return YAML.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new StackFileError(`${file}: ${(err as Error).message}`);
    }
}

export function loadProjectFile(dir: string): ProjectFile {
    const file = path.join(dir, "Pulumi.yaml");
    if (!fs.existsSync(file)) throw new StackFileError(`${file} not found: run from the project directory`);
    const doc = readYaml(file) as { name?: string; runtime?: unknown; config?: Record<string, unknown> } | null;
    if (!doc?.name) throw new StackFileError(`${file}: has no project name`);
    const declarations: Record<string, ConfigDeclaration> = {};
    const defaults: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        const full = qualify(doc.name, key);
        if (typeof value === "object" && value !== null && !Array.isArray(value)) {
            const decl = value as ConfigDeclaration & { value?: unknown };
            if ("value" in decl) defaults[full] = decl.value;
            else {
                declarations[full] = decl;
                if (decl.default !== undefined) defaults[full] = decl.default;
            }
        } else {
            defaults[full] = value;
        }
    }
    return { name: doc.name, runtime: doc.runtime, declarations, defaults };
}

/** The stacks that have a `Pulumi.<stack>.yaml` in the project directory. */
export function listStacks(dir: string): string[] {
    return fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

export function stackFilePath(dir: string, stack: string): string {
    return path.join(dir, `Pulumi.${stack}.yaml`);
}

/** A stack file's values as the CLI passes them, and the unquoted scalars whose text that changes. */
export interface StackFile {
    /** The `config:` map, keys fully qualified; `secure:` values left as they are. */
    readonly values: Record<string, unknown>;
    /** Unquoted scalars the program does not receive as written (`1.10` arrives as 1.1); paths start with the qualified key. */
    readonly changed: readonly ChangedScalar[];
}

/** The stack's file, or a StackFileError naming the stacks there are. */
function existingStackFile(dir: string, stack: string): string {
    const file = stackFilePath(dir, stack);
    if (fs.existsSync(file)) return file;
    throw new StackFileError(
        `unknown stack ${JSON.stringify(stack)}: ${path.basename(file)} does not exist (stacks here: ${listStacks(dir).join(", ") || "none"})`,
    );
}

/** A stack file's text read the way the Pulumi CLI does (see cliYaml.ts); `file` names it in errors. */
export function stackFileOfText(text: string, project: string, file: string): StackFile {
    let read;
    try {
        read = readConfigLikeCli(text);
    } catch (err) {
        if (err instanceof CliYamlError) throw new StackFileError(`${file}: ${err.message}`);
        throw err;
    }
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(read.config)) values[qualify(project, key)] = value;
    const changed = read.changed.map((c) => ({
        ...c,
        path: [qualify(project, String(c.path[0])), ...c.path.slice(1)],
    }));
    return { values, changed };
}

/** Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI does (see cliYaml.ts). */
export function readStackFile(dir: string, project: string, stack: string): StackFile {
    const file = existingStackFile(dir, stack);
    return stackFileOfText(fs.readFileSync(file, "utf8"), project, file);
}

/** The `config:` map of a stack file as the CLI passes it, keys fully qualified; `secure:` values left as they are. */
export function loadStackFile(dir: string, project: string, stack: string): Record<string, unknown> {
    return readStackFile(dir, project, stack).values;
}

/** Whether a stack-file value is one encrypted entry, `{ secure: ... }`, as the CLI writes it. */
export function isSecure(value: unknown): value is { secure: string } {
    return (
        typeof value === "object" &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length === 1 &&
        "secure" in value
    );
}

/** Replaces every `secure:` leaf with the placeholder; reports whether any was found. */
function redactSecure(value: unknown): { value: unknown; secret: boolean } {
    if (isSecure(value)) return { value: SECRET_PLACEHOLDER, secret: true };
    if (Array.isArray(value)) {
        const items = value.map(redactSecure);
        return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
    }
    if (typeof value === "object" && value !== null) {
        let secret = false;
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            const r = redactSecure(v);
            out[k] = r.value;
            secret ||= r.secret;
        }
        return { value: out, secret };
    }
    return { value, secret: false };
}

/**
 * The config as the Pulumi CLI would hand it to the program: project defaults overlaid by the
 * stack's values, objects as JSON text. Secrets cannot be decrypted here: each `secure:` value
 * becomes the placeholder, and its key is marked secret just as the CLI marks it.
 */
export function toRuntimeConfig(project: ProjectFile, stackValues: Record<string, unknown>): RuntimeConfig {
    const merged: Record<string, unknown> = { ...project.defaults, ...stackValues };
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const key of Object.keys(merged).sort()) {
        const { value, secret } = redactSecure(merged[key]);
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
        if (secret) secretKeys.push(key);
    }
    return { config, secretKeys };
}

/**
 * The config with decrypted secret values laid over it (key -> value), each key marked secret, as
 * the CLI hands secrets to a program. Tests use it to check that a known secret never leaks.
 */
export function withSecrets(runtime: RuntimeConfig, secrets: Readonly<Record<string, unknown>> = {}): RuntimeConfig {
    const config: Record<string, string> = { ...runtime.config };
    const secretKeys = new Set(runtime.secretKeys);
    for (const [key, value] of Object.entries(secrets)) {
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
        secretKeys.add(key);
    }
    return { config, secretKeys: [...secretKeys] };
}

/**
 * A stack file's values in the shape the config schema reads, as the program reads them
 * (components/config/load.ts): `region`, then each `<project>:` key without its namespace. The
 * secret keys are left out, as the program leaves them out of the checked config.
 */
export function configRoot(values: Readonly<Record<string, unknown>>, project = "capstan"): Record<string, unknown> {
    const root: Record<string, unknown> = { region: values["aws:region"] };
    for (const [full, value] of Object.entries(values)) {
        if (!full.startsWith(`${project}:`)) continue;
        const key = full.slice(project.length + 1);
        const kind = (CONFIG_KEYS as Record<string, string>)[key];
        if (kind !== "secret" && kind !== "secretText") root[key] = value;
    }
    return root;
}

type SchemaKeys = typeof rootSchema.shape;

/** A `capstan:` key of the config schema (the region is `aws:region`, read with the root). */
export type SettingKey = Exclude<keyof SchemaKeys, "region">;

/**
 * A stack file read once, for a command: its values as the Pulumi CLI passes them, the config
 * schema's root, and each `capstan:` key typed and checked by its part of the schema. A key that
 * does not pass its schema is a StackFileError naming its key paths and problems.
 */
export interface StackSettings {
    /** The `config:` map, keys fully qualified; `secure:` values left as they are. */
    readonly values: Readonly<Record<string, unknown>>;
    /** The values in the shape the config schema reads (see {@link configRoot}). */
    readonly root: Readonly<Record<string, unknown>>;
    /** A key as the stack file writes it (no default filled in); undefined when the file has none. */
    written<K extends SettingKey>(key: K): z.input<SchemaKeys[K]> | undefined;
    /** A key as the program reads it, its defaults filled in; undefined when absent and the key has no default. */
    setting<K extends SettingKey>(key: K): z.output<SchemaKeys[K]> | undefined;
}

/** The settings of a stack file's values (see {@link StackSettings}); `where` names the file in errors. */
export function stackSettingsOf(
    values: Readonly<Record<string, unknown>>,
    where: string,
    project = "capstan",
): StackSettings {
    const root = configRoot(values, project);
    const read = (key: SettingKey) => {
        const schema = rootSchema.shape[key] as z.ZodType;
        const result = schema.safeParse(root[key]);
        if (result.success) return result.data;
        if (root[key] === undefined) return undefined;
        const problems = fieldProblems({ [key]: schema }, { [key]: root[key] });
        throw new StackFileError(`${where}: ${problems.map((p) => `${project}:${p}`).join("; ")}`);
    };
    return {
        values,
        root,
        written: (key) => {
            read(key);
            return root[key] as never;
        },
        setting: (key) => read(key) as never,
    };
}

/** The one reader of a stack file for the commands: `Pulumi.<stack>.yaml` in `dir`, read as the Pulumi CLI reads it. */
export function readStackSettings(dir: string, stack: string, project = "capstan"): StackSettings {
    const file = existingStackFile(dir, stack);
    return stackSettingsOf(readStackFile(dir, project, stack).values, file, project);
}
