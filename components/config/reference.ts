/**
 * The config reference, read from the schema: one entry per key, with what the key's definition
 * says (type, required or default, limits of its checks) and what its {@link KeyDoc} adds. The
 * generated docs/configuration.md, the descriptions in Pulumi.yaml and the hints of a missing key
 * all come from here.
 */
import { isDeepStrictEqual } from "util";
import type { z } from "zod";
import { configDocs, fieldTypes, type FieldType, type KeyDoc } from "./docs";
import { rootSchema, secretConfigSchema } from "./schema";

/** The parts of a zod definition (`_zod.def`) the reference reads. */
interface Def {
    readonly type: string;
    readonly innerType?: z.ZodType;
    readonly defaultValue?: unknown;
    readonly in?: z.ZodType;
    readonly out?: z.ZodType;
    readonly element?: z.ZodType;
    readonly shape?: Readonly<Record<string, z.ZodType>>;
    readonly keyType?: z.ZodType;
    readonly valueType?: z.ZodType;
    readonly entries?: Readonly<Record<string, string | number>>;
    readonly checks?: readonly { readonly _zod: { readonly def: CheckDef } }[];
}

/** The parts of a check's definition the reference reads. */
interface CheckDef {
    readonly check: string;
    readonly value?: number;
    readonly minimum?: number;
    readonly maximum?: number;
    readonly format?: string;
    readonly pattern?: RegExp;
    readonly error?: (issue: unknown) => unknown;
}

export const defOf = (schema: z.ZodType): Def => schema._zod.def as unknown as Def;

/** A schema without its optional, default and transform wrappers, and what those said. */
export interface Unwrapped {
    readonly base: z.ZodType;
    readonly optional: boolean;
    readonly hasDefault: boolean;
    readonly defaultValue?: unknown;
    /** The outermost documentation found on the way in. */
    readonly doc?: KeyDoc;
    readonly fieldType?: FieldType;
}

export function unwrap(schema: z.ZodType): Unwrapped {
    let s = schema;
    let optional = false;
    let hasDefault = false;
    let defaultValue: unknown;
    let doc: KeyDoc | undefined;
    let type: FieldType | undefined;
    for (;;) {
        doc ??= configDocs.get(s);
        type ??= fieldTypes.get(s);
        const def = defOf(s);
        if (def.type === "default") {
            if (!hasDefault) [hasDefault, defaultValue] = [true, def.defaultValue];
            s = def.innerType!;
        } else if (def.type === "optional") [optional, s] = [true, def.innerType!];
        // A preprocess is a transform before the schema; a transform after it (`.transform`) follows it.
        else if (def.type === "pipe") s = defOf(def.in!).type === "transform" ? def.out! : def.in!;
        else return { base: s, optional, hasDefault, defaultValue, doc, fieldType: type };
    }
}

/** The keys of a map, or of a list's entries when they are maps; undefined for any other key. */
export function keyShape(schema: z.ZodType): Readonly<Record<string, z.ZodType>> | undefined {
    const u = unwrap(schema);
    const def = defOf(u.base);
    const inner = def.type === "array" ? unwrap(def.element!).base : u.base;
    return defOf(inner).shape;
}

/** One key of the reference. */
export interface ReferenceKey {
    /** As `pulumi config set --path` spells it; a list's entries are `[]`: `capstan:app.workers[].name`. */
    readonly key: string;
    /** The top-level key it belongs to, e.g. `capstan:app`. */
    readonly topLevel: string;
    readonly type: string;
    /** `required`, or the default: a value (`code`) or words. */
    readonly default: { readonly value: unknown } | { readonly words: string };
    readonly unit?: string;
    /** What the key's checks allow, in words. */
    readonly limits: readonly string[];
    readonly description: string;
    /** The keys of a map or of a list's entries. */
    readonly children: readonly ReferenceKey[];
}

const isObject = (s: z.ZodType) => defOf(s).type === "object";

function checks(s: z.ZodType): CheckDef[] {
    return (defOf(s).checks ?? []).map((c) => c._zod.def);
}

/** The message a check was given, when it was given one. */
function checkMessage(c: CheckDef): string | undefined {
    const m = typeof c.error === "function" ? c.error({}) : undefined;
    return typeof m === "string" ? m : undefined;
}

const isInteger = (s: z.ZodType) => checks(s).some((c) => c.check === "number_format" && /int/.test(c.format ?? ""));

/** The type in words. */
export function typeOf(u: Unwrapped): string {
    if (u.doc?.type) return u.doc.type;
    if (u.fieldType) return u.fieldType.type;
    const def = defOf(u.base);
    switch (def.type) {
        case "string":
            return "text";
        case "number":
            return isInteger(u.base) ? "integer" : "number";
        case "boolean":
            return "boolean";
        case "enum":
            return Object.values(def.entries ?? {}).join(" | ");
        case "array": {
            const element = unwrap(def.element!);
            return isObject(element.base) ? "list of maps" : `list of ${typeOf(element)}`;
        }
        case "object":
            return "map";
        case "record":
            return `map of ${typeOf(unwrap(def.keyType!))} to ${typeOf(unwrap(def.valueType!))}`;
        default:
            return def.type;
    }
}

/** What a schema's own checks allow: ranges, lengths and the messages of its patterns. */
export function limitsOf(u: Unwrapped): string[] {
    const out: string[] = [];
    if (u.fieldType?.limits) out.push(u.fieldType.limits);
    const def = defOf(u.base);
    const cs = checks(u.base);
    let min: number | undefined;
    let max: number | undefined;
    for (const c of cs) {
        if (c.check === "greater_than") min = c.value;
        else if (c.check === "less_than") max = c.value;
        else if (c.check === "multiple_of") out.push(`steps of ${c.value}`);
        else if (c.check === "min_length")
            out.push(
                def.type === "array"
                    ? `at least ${c.minimum} entr${c.minimum === 1 ? "y" : "ies"}`
                    : c.minimum === 1
                      ? "not empty"
                      : `at least ${c.minimum} characters`,
            );
        else if (c.check === "max_length")
            out.push(
                def.type === "array"
                    ? `at most ${c.maximum} entr${c.maximum === 1 ? "y" : "ies"}`
                    : `at most ${c.maximum} characters`,
            );
        else if (c.check === "string_format" && c.format === "regex") {
            const message = checkMessage(c);
            // A check's message says what is wrong ("must be an ACM certificate ARN"); the reference says what is allowed.
            if (message) out.push(message.replace(/^(must be|is not) /, ""));
            else if (!u.fieldType?.limits) out.push(`matches \`${String(c.pattern)}\``);
        }
    }
    if (min !== undefined && max !== undefined) out.unshift(`${min}–${max}`);
    else if (min !== undefined) out.unshift(`at least ${min}`);
    else if (max !== undefined) out.unshift(`at most ${max}`);
    if (def.type === "array") {
        const element = unwrap(def.element!);
        if (!isObject(element.base)) out.push(...limitsOf(element).map((l) => `each: ${l}`));
    }
    return out;
}

/** Whether an object's default is just what its keys' defaults make. */
function defaultFromKeys(u: Unwrapped): boolean {
    const parsed = u.base.safeParse({});
    return parsed.success && isDeepStrictEqual(parsed.data, u.defaultValue);
}

function defaultOf(u: Unwrapped): ReferenceKey["default"] {
    if (u.hasDefault) {
        if (isObject(u.base) && defaultFromKeys(u)) return { words: "the defaults of its keys" };
        return { value: u.defaultValue };
    }
    if (u.doc?.defaultValue !== undefined) return { value: u.doc.defaultValue };
    if (u.doc?.default !== undefined) return { words: u.doc.default };
    return { words: u.optional ? "none" : "required" };
}

/** The reference entry of one key and its keys. Throws when a key has no {@link KeyDoc}. */
export function referenceKey(key: string, topLevel: string, schema: z.ZodType): ReferenceKey {
    const u = unwrap(schema);
    if (!u.doc) throw new Error(`${key} has no description: document it with doc() in components/config/schema.ts`);
    const prefix = defOf(u.base).type === "array" ? `${key}[]` : key;
    const shape = keyShape(schema);
    const children = shape
        ? Object.entries(shape).map(([name, s]) => referenceKey(`${prefix}.${name}`, topLevel, s))
        : [];
    return {
        key,
        topLevel,
        type: typeOf(u),
        default: defaultOf(u),
        ...(u.doc.unit ? { unit: u.doc.unit } : {}),
        limits: [...limitsOf(u), ...(u.doc.rules ? [u.doc.rules] : [])],
        description: u.doc.description,
        children,
    };
}

/** The config key of a root-object key: `region` is `aws:region`, the rest are `capstan:`. */
export const topLevelKey = (name: string) => (name === "region" ? "aws:region" : `capstan:${name}`);

/** The root object's keys and the secret keys, each by its config key. */
export function rootKeys(): [string, z.ZodType][] {
    return [...Object.entries(rootSchema.shape), ...Object.entries(secretConfigSchema.shape)].map(
        ([name, s]) => [topLevelKey(name), s as z.ZodType] as [string, z.ZodType],
    );
}

/** Every top-level key with its keys, in the order of the schema. */
export function configReference(): ReferenceKey[] {
    return rootKeys().map(([key, s]) => referenceKey(key, key, s));
}

/** The keys a map needs when it is given: those with neither a default nor `optional`, recursively. */
export function requiredKeys(prefix: string, schema: z.ZodType): string[] {
    const u = unwrap(schema);
    if (!isObject(u.base)) return [prefix];
    return Object.entries(defOf(u.base).shape ?? {}).flatMap(([name, s]) => {
        const f = unwrap(s);
        return f.optional || f.hasDefault ? [] : requiredKeys(`${prefix}.${name}`, s);
    });
}

const joinAnd = (xs: readonly string[]) =>
    xs.length <= 1 ? xs.join("") : `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`;

/** How to set a required top-level key that is missing, from its documentation. */
export function missingKeyHint(name: string): string | undefined {
    const schema = (rootSchema.shape as Record<string, z.ZodType>)[name];
    if (!schema) return undefined;
    const u = unwrap(schema);
    if (isObject(u.base)) {
        const needed = requiredKeys(name, schema);
        return needed.length > 0 ? `set at least ${joinAnd(needed)}` : undefined;
    }
    if (!u.doc?.example) return undefined;
    const key = name === "region" ? "aws:region" : name;
    const def = defOf(u.base);
    const choices = def.type === "enum" ? ` (one of: ${Object.values(def.entries ?? {}).join(", ")})` : "";
    return `set it with: pulumi config set ${key} ${u.doc.example}${choices}`;
}
