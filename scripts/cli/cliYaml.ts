/**
 * Reads a stack file's values the way the Pulumi CLI hands them to a program.
 *
 * The CLI parses stack files with Go's `gopkg.in/yaml.v3`, re-encodes the config, and keeps each
 * key as a config value (`sdk/go/common/workspace/project.go`, `LoadProjectStackBytes`;
 * `sdk/go/common/resource/config/object.go`). What a program receives follows from that:
 *
 * - an unquoted scalar is typed by yaml.v3's resolver (`resolve.go`): `1.10` is the float 1.1,
 *   `0x1F` the integer 31, `010` the octal 8, `1_000` 1000, `2026-11-20` a timestamp;
 * - a top-level key arrives as text: a number or boolean as its JSON text (`imageTag: 1.10` gives
 *   "1.1"), a timestamp as Go's `time.Time.String()`, null as "" (with a CLI warning);
 * - a map or list arrives as JSON, with those typed values inside (`APP_VERSION: 1.10` gives 1.1);
 * - `.inf` and `.nan` cannot be encoded as JSON: the CLI refuses the file.
 *
 * The npm `yaml` package follows YAML 1.2's core schema instead, so it is only used here to parse
 * the document; every unquoted scalar is typed by {@link resolvePlain}.
 */
import YAML, { isAlias, isMap, isScalar, isSeq, type Document, type Node } from "yaml";

/** A scalar whose text the program does not receive as written. */
export interface ChangedScalar {
    /** Where it is: the config key, then map keys and list indexes. */
    readonly path: readonly (string | number)[];
    /** The text in the stack file. */
    readonly written: string;
    /** What the program receives: text for a top-level key, the typed value inside a map or list. */
    readonly passed: unknown;
}

/** A timestamp as yaml.v3 reads it, kept as the text Go's `time.Time.String()` gives. */
class Timestamp {
    constructor(readonly text: string) {}
}

export class CliYamlError extends Error {}

const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const BOOLS: Record<string, boolean> = { true: true, True: true, TRUE: true, false: false, False: false, FALSE: false };
const SPECIAL_FLOATS = new Set([
    ".nan",
    ".NaN",
    ".NAN",
    ".inf",
    ".Inf",
    ".INF",
    "+.inf",
    "+.Inf",
    "+.INF",
    "-.inf",
    "-.Inf",
    "-.INF",
]);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** Go's `strconv.ParseInt(s, 0, 64)` (and ParseUint): sign, then a 0x/0o/0b/0 prefix, then digits. */
function goParseInt(s: string): bigint | undefined {
    const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
    if (!m) return undefined;
    const body = m[2];
    const digits = /^0[0-7]+$/.test(body)
        ? `0o${body.slice(1)}`
        : body.replace(/^0([XOB])/, (_, p: string) => `0${p.toLowerCase()}`);
    const value = BigInt(digits) * (m[1] === "-" ? -1n : 1n);
    return value >= -(2n ** 63n) && value < 2n ** 64n ? value : undefined;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** yaml.v3's `parseTimestamp` and Go's `time.Time.String()`, for the machine's UTC zone. */
function timestamp(s: string): Timestamp | undefined {
    const m =
        /^(\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt ])(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?)?$/.exec(
            s,
        );
    if (!m) return undefined;
    const [, y, mo, d, sep, h = "0", mi = "0", se = "0", frac, zone] = m;
    // The "T" layouts need a zone, the space layout takes none.
    if ((sep === "T" || sep === "t") !== (zone !== undefined)) return undefined;
    const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, se].map(Number);
    const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return undefined;
    const fraction = frac ? frac.replace(/0+$/, "") : "";
    const offset =
        !zone || zone === "Z" || zone === "+00:00" || zone === "-00:00"
            ? "+0000 UTC"
            : `${zone.replace(":", "")} ${zone.replace(":", "")}`;
    return new Timestamp(
        `${y}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(minute)}:${pad(second)}${fraction === "." ? "" : fraction} ${offset}`,
    );
}

/** What an unquoted scalar resolves to; a timestamp keeps its text. */
export type PlainValue = null | boolean | number | string | Timestamp;

/**
 * The value yaml.v3 gives an untagged, unquoted scalar (its `resolve`): null, a boolean, an
 * integer, a float, a timestamp, or the text itself.
 */
export function resolvePlain(text: string): PlainValue {
    if (NULLS.has(text)) return null;
    if (text in BOOLS) return BOOLS[text];
    if (SPECIAL_FLOATS.has(text))
        throw new CliYamlError(`${text} cannot be passed to a program as JSON; the Pulumi CLI refuses it: quote it`);
    const hint = text[0];
    if (hint === ".") {
        return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? Number(text) : text;
    }
    if (!/[0-9+-]/.test(hint)) return text;
    const ts = timestamp(text);
    if (ts) return ts;
    const plain = text.replace(/_/g, "");
    const int = goParseInt(plain);
    if (int !== undefined) return Number(int);
    if (YAML_STYLE_FLOAT.test(plain)) {
        const f = Number(plain);
        if (Number.isFinite(f)) return f;
    }
    return text;
}

/** The text a top-level config key carries: its string, or the JSON text of a typed value; null is "". */
function asText(value: unknown): string {
    if (value === null) return "";
    if (value instanceof Timestamp) return value.text;
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** Whether the program receives the scalar's text unchanged. */
function sameText(written: string, passed: Exclude<PlainValue, Timestamp>): boolean {
    return passed === null || (typeof passed === "string" ? passed === written : String(passed) === written);
}

interface Walk {
    readonly doc: Document;
    readonly changed: ChangedScalar[];
}

function scalarValue(node: YAML.Scalar, path: (string | number)[], w: Walk): unknown {
    const text = String(node.value);
    if (node.type !== "PLAIN" || (node.tag !== undefined && node.tag !== "!")) {
        if (node.tag === "tag:yaml.org,2002:str" || node.tag === undefined || node.tag === "!") return text;
        throw new CliYamlError(`${path.join(".")}: the tag ${node.tag} is not supported in a stack file; remove it`);
    }
    const resolved = resolvePlain(text);
    const passed = resolved instanceof Timestamp ? resolved.text : resolved;
    if (!sameText(text, passed)) w.changed.push({ path, written: text, passed });
    return passed;
}

function toValue(node: Node | null | undefined, path: (string | number)[], w: Walk): unknown {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return toValue(node.resolve(w.doc), path, w);
    if (isScalar(node)) return scalarValue(node, path, w);
    if (isSeq(node)) return node.items.map((item, i) => toValue(item as Node, [...path, i], w));
    if (isMap(node)) {
        const out: Record<string, unknown> = {};
        for (const pair of node.items) {
            const keyNode = pair.key as Node | null;
            const key = isScalar(keyNode)
                ? asText(keyNode.type === "PLAIN" ? resolvePlain(String(keyNode.value)) : keyNode.value)
                : String(keyNode);
            out[key] = toValue(pair.value as Node | null, [...path, key], { doc: w.doc, changed: w.changed });
        }
        return out;
    }
    throw new CliYamlError(`${path.join(".")}: unsupported YAML node`);
}

/**
 * A stack file's `config:` map as the CLI hands it to a program: top-level scalars as text, maps
 * and lists with yaml.v3's typed values. Also lists every unquoted scalar whose text changes.
 */
export function readConfigLikeCli(text: string): { config: Record<string, unknown>; changed: ChangedScalar[] } {
    const doc = YAML.parseDocument(text, { schema: "failsafe" });
    if (doc.errors.length > 0) throw new CliYamlError(doc.errors[0].message);
    const root = doc.contents as Node | null;
    const configNode = isMap(root) ? (root.get("config", true) as Node | undefined) : undefined;
    const changed: ChangedScalar[] = [];
    const config: Record<string, unknown> = {};
    if (!isMap(configNode)) return { config, changed };
    for (const pair of configNode.items) {
        const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
        const value = toValue(pair.value as Node | null, [key], { doc, changed });
        config[key] = typeof value === "object" && value !== null ? value : asText(value);
    }
    // A top-level key carries text: what it was changed to is that text.
    return { config, changed: changed.map((c) => (c.path.length === 1 ? { ...c, passed: asText(c.passed) } : c)) };
}
