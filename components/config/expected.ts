/**
 * What a key takes, in the words of the config reference, for a problem's fix: the schema at a
 * key path, the type and limits it states, and the keys a map knows. Read from the schema, so a
 * message cannot disagree with the check that raised it.
 */
import type { z } from "zod";
import { nearestName } from "./nearest";
import { defOf, limitsOf, typeOf, unwrap } from "./reference";

/** The schema of the value at `path` under `root`, or undefined where the path leaves the schema. */
export function schemaAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
    let schema: z.ZodType | undefined = root;
    for (const seg of path) {
        if (schema === undefined) return undefined;
        const def = defOf(unwrap(schema).base);
        if (def.type === "object") schema = def.shape?.[String(seg)];
        else if (def.type === "array") schema = typeof seg === "number" ? def.element : undefined;
        else if (def.type === "record") schema = def.valueType;
        else return undefined;
    }
    return schema;
}

/** The keys a map takes; undefined when the schema is not a map of fixed keys. */
export function knownKeys(schema: z.ZodType | undefined): string[] | undefined {
    if (schema === undefined) return undefined;
    const def = defOf(unwrap(schema).base);
    return def.type === "object" ? Object.keys(def.shape ?? {}) : undefined;
}

/** Lists this long are spelled out in a message; a longer one is left to the reference. */
const LISTED = 12;

/** The message of a key no map of the schema knows: the key it most likely meant, or the keys there are. */
export function unknownKeyMessage(key: string, known: readonly string[] | undefined, where: string): string {
    const guess = known ? nearestName(key, known) : undefined;
    if (guess) return `is not a known key; did you mean ${guess}?`;
    if (known && known.length > 0 && known.length <= LISTED)
        return `is not a known key; the keys of ${where} are: ${known.join(", ")}`;
    return `is not a known key; see the keys of ${where} in docs/configuration.md`;
}

const article = (words: string) => (/^[aeiouAEIOU]/.test(words) ? `an ${words}` : `a ${words}`);

/** The number range a schema's checks allow, in words: `from 1 to 1000`, `at least 0`. */
function numberRange(limits: readonly string[]): string | undefined {
    const range = limits[0]?.match(/^(-?[\d.e+]+)–(-?[\d.e+]+)$/);
    if (range) return `from ${range[1]} to ${range[2]}`;
    return limits[0]?.match(/^at (least|most) /) ? limits[0] : undefined;
}

/**
 * What a key takes, as the fix of a value of the wrong type: `an integer from 1 to 1000`,
 * `true or false`, `a map with the keys minReplicas, maxReplicas`, `text (an AWS region such as ...)`.
 */
export function expectation(schema: z.ZodType): string {
    const u = unwrap(schema);
    const def = defOf(u.base);
    const type = typeOf(u);
    const limits = limitsOf(u);
    if (def.type === "number") {
        const range = numberRange(limits);
        return `${article(type)}${range ? ` ${range}` : ""}`;
    }
    if (def.type === "boolean") return "true or false";
    if (def.type === "enum" || type.includes(" | ")) return `one of: ${type.split(" | ").join(", ")}`;
    if (def.type === "object") {
        const keys = Object.keys(def.shape ?? {});
        return keys.length <= LISTED
            ? `a map with the keys ${keys.join(", ")}`
            : "a map (its keys are in docs/configuration.md)";
    }
    const words = type === "text" ? "text" : article(type);
    return limits.length > 0 ? `${words} (${limits.join("; ")})` : words;
}
