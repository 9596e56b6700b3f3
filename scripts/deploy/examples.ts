/**
 * A deploy is an update: one of a stack file that still holds the committed stacks' example values
 * is refused before its preview, naming each key, the way the program refuses the update itself.
 */
import YAML from "yaml";
import { exampleValues, exampleValueVerdict } from "../../components/config/exampleValues";

/** The root object of a stack file's config (`region` plus the `capstan:` keys), secrets left out. */
function rootOfText(text: string): Record<string, unknown> {
    const doc = (YAML.parse(text) ?? {}) as { config?: Record<string, unknown> };
    const root: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        if (key === "aws:region") root.region = value;
        else if (key.startsWith("capstan:") && !isSecret(value)) root[key.slice("capstan:".length)] = value;
    }
    return root;
}

function isSecret(value: unknown): boolean {
    if (typeof value !== "object" || value === null) return false;
    if ("secure" in value) return true;
    return Object.values(value).some(isSecret);
}

/** The refusal of a deploy of a stack file's text, a line per example value; undefined when there is none. */
export function exampleRefusal(stack: string, text: string): string | undefined {
    const root = rootOfText(text);
    const cluster = root.cluster as { mode?: unknown; local?: unknown } | undefined;
    const local = cluster?.mode === "external" && cluster.local === true;
    const { problems } = exampleValueVerdict(exampleValues(root), "update", local);
    if (problems.length === 0) return undefined;
    return [
        `deploy: stack ${stack} still holds ${problems.length} example value${problems.length === 1 ? "" : "s"} of the committed stack files, which an update refuses; nothing was changed:`,
        ...problems.map((p) => `  - ${p.path}: ${p.message}`),
        "Set your own values (capstan init writes a stack file of your own; docs/getting-started.md lists what must exist first).",
    ].join("\n");
}
