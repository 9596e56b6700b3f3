/**
 * A zod issue in the project's own words: the key path, the value found and the fix, the fix read
 * from the schema (the key the typo meant, the type and range a key takes).
 */
import type { z } from "zod";
import { configPath, notTextMessage, type ConfigProblem } from "./errors";
import { expectation, knownKeys, schemaAt, unknownKeyMessage } from "./expected";
import { missingKeyHint } from "./reference";

function shown(value: unknown): string {
    return value === undefined ? "nothing" : JSON.stringify(value);
}

/**
 * Turns one zod issue into problems: key path, value, fix. `root` is the schema the issue's path
 * starts from; without it a message says what is wrong but cannot name what the key takes.
 */
export function describeIssue(issue: z.core.$ZodIssue, root?: z.ZodType): ConfigProblem[] {
    const path = configPath(issue.path);
    const input = (issue as { input?: unknown }).input;
    const at = root ? schemaAt(root, issue.path) : undefined;
    switch (issue.code) {
        case "invalid_type":
            return [invalidTypeProblem(issue, path, input, at)];
        case "unrecognized_keys": {
            const where = issue.path.length > 0 ? path : "the map";
            return issue.keys.map((k) => ({
                path: configPath([...issue.path, k]),
                message: unknownKeyMessage(k, knownKeys(at), where),
            }));
        }
        case "too_small":
        case "too_big":
            return [{ path, message: sizeMessage(issue, input) }];
        case "invalid_value":
            return [
                {
                    path,
                    message: `${shown(input)} is not allowed; use one of: ${issue.values.map((v) => String(v)).join(", ")}`,
                },
            ];
        case "invalid_format":
            return [{ path, message: `${shown(input)} ${issue.message}` }];
        case "invalid_union":
            return [{ path, message: `${shown(input)} is not a string, number or boolean` }];
        case "invalid_key":
            return [{ path, message: `key ${shown(input)}: ${issue.issues.map((i) => i.message).join("; ")}` }];
        case "invalid_element":
            return [{ path, message: `${shown(input)}: ${issue.issues.map((i) => i.message).join("; ")}` }];
        default:
            return [
                {
                    path,
                    message: issue.message.startsWith("Invalid") ? `${shown(input)}: ${issue.message}` : issue.message,
                },
            ];
    }
}

/** Zod's names of the types a stack file can hold, in the reference's words. */
const TYPE_WORDS: Readonly<Record<string, string>> = { object: "a map", record: "a map", array: "a list" };

/**
 * A missing key (with its hint), a number or boolean where text belongs, or a value of another
 * type, with what the key takes (`"four" is not a number; set an integer from 1 to 1000`).
 */
function invalidTypeProblem(
    issue: z.core.$ZodIssueInvalidType,
    path: string,
    input: unknown,
    at: z.ZodType | undefined,
): ConfigProblem {
    if (input === undefined) {
        const hint = issue.path.length === 1 ? missingKeyHint(String(issue.path[0])) : undefined;
        return { path, message: `is required${hint ? `; ${hint}` : ""}` };
    }
    if (issue.expected === "string" && (typeof input === "number" || typeof input === "boolean")) {
        const key = issue.path[issue.path.length - 1] as string | number;
        return { path, message: notTextMessage(key, input), kind: "not-text" };
    }
    const expected = TYPE_WORDS[issue.expected] ?? `a ${issue.expected}`;
    const fix = at ? `; set ${expectation(at)}` : "";
    return { path, message: `${shown(input)} is not ${expected}${fix}` };
}

/** A list with too few entries, an empty or too long text, a number out of range. */
function sizeMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, input: unknown): string {
    if (issue.code === "too_big")
        return issue.origin === "string"
            ? `is longer than ${issue.maximum} characters`
            : `${shown(input)} is greater than the maximum ${issue.maximum}`;
    if (issue.origin === "array") return `needs at least ${issue.minimum} entr${issue.minimum === 1 ? "y" : "ies"}`;
    return issue.origin === "string"
        ? "must not be empty"
        : `${shown(input)} is less than the minimum ${issue.minimum}`;
}
