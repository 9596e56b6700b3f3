import { z } from "zod";

/**
 * What the config reference says of one key, registered beside the key's zod definition. The
 * rest of what a reader needs is read from the definition itself: the type, whether the key is
 * required, the default the schema fills in, and the limits its checks enforce (ranges, lengths,
 * patterns). So a fact about a key is written once, and the reference cannot disagree with the check.
 */
export interface KeyDoc {
    /** What the key means and does (Markdown, one line). */
    readonly description: string;
    /**
     * What happens when the key is left out, in words, for a key the schema gives no default value
     * (`the app's name`, `none: no database`). A default the schema fills in is never repeated here.
     */
    readonly default?: string;
    /** The default as a value, for a key the program (not the schema) fills in when it is left out. */
    readonly defaultValue?: unknown;
    /** The unit of a number or size: `seconds`, `GiB`, `percent of the CPU request`. */
    readonly unit?: string;
    /**
     * The rules the config checks apply beyond the schema's own checks, such as `minReplicas ≤ maxReplicas`
     * (checks.ts holds the rule; this is how the reference states it).
     */
    readonly rules?: string;
    /** A value for `pulumi config set KEY VALUE`, shown when a required top-level key is missing. */
    readonly example?: string;
    /** What to call the type where zod's says too little, such as `IAM role ARN`. */
    readonly type?: string;
}

/** Every documented key's {@link KeyDoc}, by schema. */
export const configDocs = z.registry<KeyDoc>();

/** A copy of `schema` carrying `meta`: a copy, so that a field type shared by many keys is documented per key. */
export function doc<T extends z.ZodType>(schema: T, meta: KeyDoc): T {
    const copy = schema.clone();
    configDocs.add(copy, meta);
    return copy;
}

/** The name and limits of a field type (fields.ts) whose rule is code, not a check zod can describe. */
export interface FieldType {
    /** The reference's name for the type: `CIDR`, `DNS-1123 label`, `Kubernetes memory quantity`. */
    readonly type: string;
    /** What its rule allows, in words. */
    readonly limits?: string;
}

/** Field types by schema; a documented copy of a field type keeps its name (zod registries follow copies). */
export const fieldTypes = z.registry<FieldType>();

/** Names a field type for the reference. */
export function fieldType<T extends z.ZodType>(schema: T, type: FieldType): T {
    fieldTypes.add(schema, type);
    return schema;
}
