/**
 * The README's config reference against the schema: every key it names exists, every key of the
 * schema is named, and every default it states is the one the schema (or, for the few resolved
 * later, the program) fills in. A default changed in one place and not the other fails here.
 */
import * as fs from "fs";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { CONFIG_KEYS, EGRESS_DEFAULT, rootSchema } from "../components/config/schema";
import { INGRESS_CLASSES } from "../components/platform/ingressContract";
import { INGRESS_NAMESPACE } from "../components/platform/platform";
import { PROJECT_DIR } from "./harness";

type Any = any;

/** Defaults `index.ts` fills in for keys the schema leaves optional. */
const PROGRAM_DEFAULTS: Record<string, unknown> = {
    "cluster.ingressClasses": INGRESS_CLASSES,
    "cluster.ingressNamespace": INGRESS_NAMESPACE,
    "app.egress[]": EGRESS_DEFAULT,
};

interface Field {
    readonly schema: Any;
    readonly optional: boolean;
    readonly hasDefault: boolean;
    readonly default?: unknown;
}

/** A schema without its default, optional and transform wrappers, and what they said. */
function field(schema: Any): Field {
    let s = schema;
    let optional = false;
    let hasDefault = false;
    let dflt: unknown;
    for (;;) {
        const def = s._zod.def;
        if (def.type === "default") {
            if (!hasDefault) [hasDefault, dflt] = [true, def.defaultValue];
            s = def.innerType;
        } else if (def.type === "optional") [optional, s] = [true, def.innerType];
        else if (def.type === "pipe") s = def.in;
        else return { schema: s, optional, hasDefault, default: dflt };
    }
}

const shapeOf = (schema: Any): Record<string, Any> | undefined =>
    schema._zod.def.type === "object" ? schema._zod.def.shape : undefined;

/** The field at a README key path such as `app.workers[]` (`[]`: the list's element). */
function fieldAt(key: string): Field | undefined {
    let f: Field = field(rootSchema);
    for (const part of key.replace(/\[\]/g, ".[]").split(".")) {
        if (part === "[]") {
            if (f.schema._zod.def.type !== "array") return undefined;
            f = field(f.schema._zod.def.element);
        } else {
            const next = shapeOf(f.schema)?.[part];
            if (!next) return undefined;
            f = field(next);
        }
    }
    return f;
}

interface Row {
    /** Schema paths without the namespace (`aws:region` is `region`); several for `a.b`, `.c`. */
    readonly keys: string[];
    readonly defaults: string;
    readonly meaning: string;
    /** The code spans of its Type, Default and Meaning, where a map's fields are named. */
    readonly code: string[];
}

/** The rows of the table under "## Stack config". */
function readmeRows(): Row[] {
    const text = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
    const start = text.indexOf("| Key | Type | Default | Meaning |");
    const lines = text.slice(start).split("\n");
    const table = lines.slice(
        2,
        lines.findIndex((l) => !l.startsWith("|")),
    );
    return table.map((line) => {
        const [key, type, defaults, meaning] = line
            .slice(1, -1)
            .split(/(?<!\\)\|/)
            .map((c) => c.trim());
        const spans = [...key.matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/^(capstan|aws):/, ""));
        const first = spans[0];
        const keys = spans.map((s) => (s.startsWith(".") ? first.slice(0, first.lastIndexOf(".")) + s : s));
        const code = [type, defaults, meaning].flatMap((c) => [...c.matchAll(/`([^`]+)`/g)].map((m) => m[1]));
        return { keys, defaults, meaning, code };
    });
}

/**
 * Whether the README's value is the default: equal, except that an object member (or the value
 * itself) naming a sibling field, e.g. `memoryLimit: memory`, stands for a default the schema
 * does not fill in.
 */
function sameDefault(readme: unknown, f: Field, siblings: readonly string[]): boolean {
    if (!f.hasDefault) return typeof readme === "string" && siblings.includes(readme);
    if (readme && typeof readme === "object" && !Array.isArray(readme) && f.default && typeof f.default === "object") {
        const names = Object.keys(readme);
        const given = Object.entries(readme).filter(
            ([k, v]) => !(typeof v === "string" && names.includes(v) && !(k in (f.default as object))),
        );
        return isDeepStrictEqual(Object.fromEntries(given), f.default);
    }
    return isDeepStrictEqual(readme, f.default);
}

const show = (v: unknown) => (v === undefined ? "none" : JSON.stringify(v));

/** Problems with a row's Default column. */
function defaultProblems(row: Row): string[] {
    const problems: string[] = [];
    const literals = /^`[^`]+`(, `[^`]+`)*$/.test(row.defaults)
        ? [...row.defaults.matchAll(/`([^`]+)`/g)].map((m) => parseYaml(m[1]) as unknown)
        : undefined;
    row.keys.forEach((key, i) => {
        const f = fieldAt(key.replace(/\[\]$/, ""));
        if (!f) return;
        const program = PROGRAM_DEFAULTS[key];
        const actual = f.hasDefault ? f.default : program;
        if (literals) {
            const readme = literals[literals.length === 1 ? 0 : i];
            const ok = program === undefined ? sameDefault(readme, f, []) : isDeepStrictEqual(readme, program);
            if (!ok) problems.push(`${key}: the README's default is ${show(readme)}, the schema's ${show(actual)}`);
        } else if (row.defaults === "required" && (f.optional || f.hasDefault))
            problems.push(`${key}: the README says required, the schema has it optional (default ${show(actual)})`);
        else if (/^(none|required with)/.test(row.defaults) && f.hasDefault)
            problems.push(`${key}: the README says ${row.defaults}, the schema defaults it to ${show(f.default)}`);
    });
    return problems;
}

/** Problems with the defaults a row's Meaning gives its fields, as "`port` (3000)". */
function fieldDefaultProblems(row: Row): string[] {
    const problems: string[] = [];
    const parent = fieldAt(row.keys[0]);
    const element = parent && parent.schema._zod.def.type === "array" ? field(parent.schema._zod.def.element) : parent;
    const shape = element && shapeOf(element.schema);
    if (!shape) return problems;
    for (const [, name, value] of row.meaning.matchAll(/`(\w+)` \(([^;)]*)[;)]/g)) {
        if (!(name in shape) || !/^(`[^`]+`|-?\d+(\.\d+)?)$/.test(value)) continue;
        const readme = parseYaml(value.replace(/^`|`$/g, "")) as unknown;
        const f = field(shape[name]);
        if (!sameDefault(readme, f, Object.keys(shape)))
            problems.push(
                `${row.keys[0]}.${name}: the README's default is ${show(readme)}, the schema's ${show(f.default)}`,
            );
    }
    return problems;
}

/** Keys of the schema the README names neither as a row nor in its parent row's Meaning. */
function missingKeys(rows: readonly Row[]): string[] {
    const documented = new Map(rows.flatMap((r) => r.keys.map((k) => [k.replace(/\[\]$/, ""), r] as const)));
    const missing: string[] = [];
    const walk = (key: string, schema: Any) => {
        const f = field(schema);
        const inner = f.schema._zod.def.type === "array" ? field(f.schema._zod.def.element) : f;
        const shape = shapeOf(inner.schema);
        const row = documented.get(key);
        if (row) {
            for (const name of Object.keys(shape ?? {}))
                if (documented.has(`${key}.${name}`)) walk(`${key}.${name}`, shape![name]);
                else if (!row.code.some((c) => new RegExp(`\\b${name}\\b`).test(c))) missing.push(`${key}.${name}`);
        } else if (shape) for (const [name, s] of Object.entries(shape)) walk(`${key}.${name}`, s);
        else missing.push(key);
    };
    for (const [name, s] of Object.entries(shapeOf(rootSchema)!)) walk(name, s);
    for (const key of Object.keys(CONFIG_KEYS)) if (!(key in shapeOf(rootSchema)!)) walk(key, { _zod: { def: {} } });
    return missing;
}

describe("the README's config reference", () => {
    const rows = readmeRows();

    it("has a row per key, each key one the schema or the secret config knows", () => {
        expect(rows.length).toBeGreaterThan(40);
        const unknown = rows
            .flatMap((r) => r.keys)
            .filter((k) => !fieldAt(k.replace(/\[\]$/, "")) && !(k in CONFIG_KEYS));
        expect(unknown).toEqual([]);
    });

    it("names every key of the schema, as a row or in its parent's row", () => {
        expect(missingKeys(rows)).toEqual([]);
    });

    it("states each key's default as the schema fills it in", () => {
        expect(rows.flatMap(defaultProblems)).toEqual([]);
    });

    it("states the defaults of a map's fields, such as `port` (3000), as the schema fills them in", () => {
        expect(rows.flatMap(fieldDefaultProblems)).toEqual([]);
    });
});
