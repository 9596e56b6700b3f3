/**
 * The Pulumi CLI's own checks of a stack's config against the project's `config:` declarations,
 * as the CLI (3.248) applies them before the program starts (sdk/go/common/workspace: `Validate`
 * of the project, `mergeConfig` and `validateStackConfigValue`). The render applies them too, so
 * that it never accepts a stack file the CLI refuses. Messages are the CLI's own.
 */
import { isSecure as isSecureLeaf, type ConfigDeclaration, type ProjectFile } from "./stackfile";

/** One refusal: the key, the CLI's own message, and how to fix it. */
export interface CliConfigProblem {
    readonly key: string;
    readonly cli: string;
    readonly fix: string;
}

/** The line the render prints for a refusal: key path, fix, and the CLI's words. */
export function describeCliProblem(p: CliConfigProblem): string {
    return `${p.key}: ${p.fix} (the Pulumi CLI refuses the stack before the program runs: "${p.cli}")`;
}

/** Whether the CLI's config value is secure: a `secure:` value, or an object with one inside. */
function isSecure(value: unknown): boolean {
    if (isSecureLeaf(value)) return true;
    if (Array.isArray(value)) return value.some(isSecure);
    if (typeof value === "object" && value !== null) return Object.values(value).some(isSecure);
    return false;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value the CLI type-checks: scalars as text, objects as data, secure leaves decrypted (to text). */
function checkedContent(value: unknown): unknown {
    if (isSecureLeaf(value)) return "[secret]";
    if (Array.isArray(value)) return value.map(checkedContent);
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, checkedContent(v)]));
    return value;
}

/** `ValidateConfigValue`: whether a value is of a declared type. */
export function matchesType(type: string, items: ConfigDeclaration["items"], value: unknown): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "integer":
            return (
                (typeof value === "number" && Number.isInteger(value)) ||
                (typeof value === "string" && /^[+-]?\d+$/.test(value))
            );
        case "boolean":
            return value === true || value === false || value === "true" || value === "false";
        case "object":
            return isObject(value);
        default:
            return (
                Array.isArray(value) &&
                items !== undefined &&
                value.every((v) => matchesType(items.type, items.items, v))
            );
    }
}

function typeName(type: string, items: ConfigDeclaration["items"]): string {
    return items ? `array<${typeName(items.type, items.items)}>` : type;
}

/** Problems of the project file's declarations themselves (the CLI refuses to load such a project). */
export function projectProblems(project: ProjectFile): CliConfigProblem[] {
    const problems: CliConfigProblem[] = [];
    for (const [key, decl] of Object.entries(project.declarations)) {
        if (decl.type === "array" && !decl.items) {
            problems.push({
                key,
                cli: `The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`,
                fix: "give its declaration in Pulumi.yaml an items type",
            });
        }
        if (decl.type && decl.default !== undefined && !matchesType(decl.type, decl.items, decl.default)) {
            const type = typeName(decl.type, decl.items);
            problems.push({
                key,
                cli: `The default value specified for configuration key '${key}' is not of the expected type '${type}'`,
                fix: `make its default in Pulumi.yaml a value of type ${type}`,
            });
        }
    }
    return problems;
}

/**
 * The CLI's verdict on one stack's config values (fully qualified keys, `secure:` values as they
 * stand in the file): missing required keys, then, for each declared key in order, a secret key
 * without an encrypted value, or a value of the wrong type. A declared default is filled in as a
 * plain value before the checks, exactly as the CLI does.
 */
export function stackConfigProblems(
    project: ProjectFile,
    stack: string,
    values: Readonly<Record<string, unknown>>,
): CliConfigProblem[] {
    const projectIssues = projectProblems(project);
    if (projectIssues.length > 0) return projectIssues;
    const merged: Record<string, unknown> = { ...values };
    const missing: string[] = [];
    for (const key of Object.keys(project.declarations).sort()) {
        const decl = project.declarations[key];
        if (key in merged) continue;
        if (decl.default !== undefined) merged[key] = decl.default;
        else if (key.startsWith(`${project.name}:`)) missing.push(key);
    }
    if (missing.length > 0) {
        const list =
            missing.length === 1
                ? `'${missing[0]}'`
                : `${missing
                      .slice(0, -1)
                      .map((k) => `'${k}'`)
                      .join(", ")} and '${missing[missing.length - 1]}'`;
        const cli = `Stack '${stack}' is missing configuration value${missing.length === 1 ? "" : "s"} ${list}`;
        return missing.map((key) => ({
            key,
            cli,
            fix: `is required; set it in Pulumi.${stack}.yaml (see the config reference in docs/configuration.md)`,
        }));
    }
    const problems: CliConfigProblem[] = [];
    for (const key of Object.keys(project.declarations).sort()) {
        const decl = project.declarations[key];
        if (!decl.type) continue;
        const value = merged[key];
        if (decl.secret && !isSecure(value)) {
            const name = key.slice(key.indexOf(":") + 1);
            problems.push({
                key,
                cli: `Stack '${stack}' with configuration key '${key}' must be encrypted as it's secret`,
                fix: `is not encrypted; set it with: pulumi config set --secret ${name} <value>`,
            });
            continue;
        }
        const content = isSecureLeaf(value)
            ? "[secret]"
            : isObject(value) || Array.isArray(value)
              ? checkedContent(value)
              : String(value);
        if (!matchesType(decl.type, decl.items, content)) {
            const type = typeName(decl.type, decl.items);
            problems.push({
                key,
                cli: `Stack '${stack}' with configuration key '${key}' must be of type '${type}'`,
                fix: `must be of type ${type}; see the config reference in docs/configuration.md`,
            });
        }
    }
    return problems;
}
