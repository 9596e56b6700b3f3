/**
 * A deploy is an update: one of a stack file that still holds the committed stacks' example values
 * is refused before its preview, naming each key, the way the program refuses the update itself.
 */
import { exampleValueVerdictOf } from "../../components/config/exampleValues";
import { configRoot, stackFileOfText } from "../cli/stackfile";

/** The refusal of a deploy of a stack file's text, a line per example value; undefined when there is none. */
export function exampleRefusal(stack: string, text: string): string | undefined {
    const { values } = stackFileOfText(text, "capstan", `Pulumi.${stack}.yaml`);
    const { problems } = exampleValueVerdictOf(configRoot(values), "update");
    if (problems.length === 0) return undefined;
    return [
        `deploy: stack ${stack} still holds ${problems.length} example value${problems.length === 1 ? "" : "s"} of the committed stack files, which an update refuses; nothing was changed:`,
        ...problems.map((p) => `  - ${p.path}: ${p.message}`),
        "Set your own values (capstan init writes a stack file of your own; docs/getting-started.md lists what must exist first).",
    ].join("\n");
}
