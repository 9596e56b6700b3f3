/**
 * What only a stack file's own text shows, which the render reads and a program under the Pulumi
 * CLI cannot: unquoted values the CLI changes, and plain-text entries of a secret map.
 */
import { CONFIG_KEYS, notTextMessage, secretNamesNeeded, type ConfigProblem } from "../../components/config";
import type { ChangedScalar } from "../cli/cliYaml";
import { isSecure as isSecureEntry, type ProjectFile, type StackFile } from "../cli/stackfile";

/** A key path as config problems spell it: `capstan:app.workers[0].name`. */
function problemPath(p: readonly (string | number)[]): string {
    return p.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

/**
 * The problems in the words of the stack file, which the render can read and a program cannot: a
 * problem at an unquoted scalar that the CLI changes names what was written. A top-level text key
 * changed that way (`imageTag: 1.10` arrives as "1.1") is a problem of its own, though the program
 * cannot tell it from a quoted "1.1".
 */
function inWrittenText(
    problems: readonly ConfigProblem[],
    changed: readonly ChangedScalar[],
    project: ProjectFile,
): ConfigProblem[] {
    const byPath = new Map(changed.map((c) => [problemPath(c.path), c]));
    const out = problems.map((p): ConfigProblem => {
        const c = byPath.get(p.path);
        if (!c) return p;
        const key = c.path[c.path.length - 1];
        if (p.kind === "not-text" && (typeof c.passed === "number" || typeof c.passed === "boolean")) {
            return { ...p, message: notTextMessage(key, c.passed, c.written) };
        }
        const line = typeof key === "number" ? "-" : `${key}:`;
        return {
            ...p,
            message: `${p.message}; the stack file has ${line} ${c.written} unquoted, which arrives as ${JSON.stringify(c.passed)}: if you meant the text, quote it: ${line} ${JSON.stringify(c.written)}`,
        };
    });
    const reported = new Set(problems.map((p) => p.path));
    for (const c of changed) {
        const key = String(c.path[0]);
        const type = project.declarations[key]?.type;
        if (c.path.length !== 1 || reported.has(key) || (type !== undefined && type !== "string")) continue;
        out.push({
            path: key,
            message: `${c.written} is not quoted, so the Pulumi CLI passes the text ${JSON.stringify(c.passed)}; quote it: ${key}: ${JSON.stringify(c.written)}`,
            kind: "not-text",
        });
    }
    return out;
}

/** Whether a stack-file value is one encrypted secret, with its ciphertext as text: `{ secure: v1:... }`. */
function isSecure(value: unknown): boolean {
    return isSecureEntry(value) && typeof value.secure === "string";
}

/**
 * Whether a key of the contract holds a map of secrets. Pulumi.yaml cannot say so (`secret: true`
 * beside a default is refused by the CLI), so the contract's own list decides.
 */
function isSecretMap(project: ProjectFile, key: string): boolean {
    const prefix = `${project.name}:`;
    return key.startsWith(prefix) && (CONFIG_KEYS as Record<string, string>)[key.slice(prefix.length)] === "secret";
}

/**
 * Entries of a secret map written in plain text. The CLI marks a whole map secret as soon as one
 * entry is encrypted, and hands the program every entry decrypted, so a plain password beside an
 * encrypted one reaches the program unnoticed while it stays readable in the committed file.
 */
function plainSecretEntries(values: Readonly<Record<string, unknown>>, project: ProjectFile): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    for (const key of Object.keys(project.declarations)) {
        const value = values[key];
        if (
            !isSecretMap(project, key) ||
            value === undefined ||
            isSecure(value) ||
            typeof value !== "object" ||
            value === null
        )
            continue;
        const name = key.slice(key.indexOf(":") + 1);
        for (const [entry, v] of Object.entries(value)) {
            if (isSecure(v)) continue;
            problems.push({
                path: `${key}.${entry}`,
                message: `is in plain text in the stack file, beside encrypted entries; remove it from the file (and rotate it: it is in the history) and set it with: pulumi config set --secret --path '${name}.${entry}' <value>`,
            });
        }
    }
    return problems;
}

/** The program's problems (if any) in the stack file's own words, plus the problems only the file shows. */
export function stackFileProblems(
    problems: readonly ConfigProblem[],
    file: StackFile,
    project: ProjectFile,
): ConfigProblem[] {
    const reported = new Set(problems.map((p) => p.path));
    const secrets = plainSecretEntries(file.values, project).filter(
        (p) => !reported.has(p.path.slice(0, p.path.lastIndexOf("."))),
    );
    return [...inWrittenText(problems, file.changed, project), ...secrets];
}

/**
 * Secret maps the stack file does not set at all, as a first render of a new stack has them (the
 * scaffold writes no secrets; they are set afterwards with `pulumi config set --secret`). The
 * render cannot read secrets anyway: it lays the placeholder over every entry the config needs and
 * warns. A real preview still refuses the stack until they are set; a map that is set but misses
 * an entry is refused here too.
 */
export function unsetSecrets(
    values: Readonly<Record<string, unknown>>,
    project: ProjectFile,
    stack: string,
    placeholder: string,
): { secrets: Record<string, Record<string, string>>; warnings: string[] } {
    const prefix = `${project.name}:`;
    const root: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(values)) if (k.startsWith(prefix)) root[k.slice(prefix.length)] = v;
    const needed = secretNamesNeeded(root);
    const secrets: Record<string, Record<string, string>> = {};
    const warnings: string[] = [];
    for (const [name, entries] of Object.entries(needed)) {
        const key = `${prefix}${name}`;
        if (values[key] !== undefined || entries.length === 0 || !isSecretMap(project, key)) continue;
        secrets[key] = Object.fromEntries(entries.map((e) => [e, placeholder]));
        for (const e of entries) {
            warnings.push(
                `${key}.${e} is not set, so it is rendered as ${placeholder}; a preview or update refuses the stack until you set it: pulumi config set --stack ${stack} --secret --path '${name}.${e}' <value>`,
            );
        }
    }
    return { secrets, warnings };
}
