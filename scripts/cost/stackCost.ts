/** What `capstan cost` reads of a stack file: its region and `capstan:cost`, checked with the config's own schema. */
import { z } from "zod";
import { costSchema, type CostConfig } from "../../components/config/costSchema";
import { loadProjectFile, loadStackFile } from "../cli/stackfile";

/** `capstan:cost` that the schema refuses: each problem with its key path, the value and the rule. */
export class CostConfigError extends Error {}

export interface StackCost {
    readonly region: string;
    readonly cost: CostConfig;
}

export function readStackCost(dir: string, stack: string): StackCost {
    const project = loadProjectFile(dir);
    const values = loadStackFile(dir, project.name, stack);
    const parsed = costSchema.safeParse(values["capstan:cost"] ?? {});
    if (!parsed.success)
        throw new CostConfigError(
            parsed.error.issues
                .map((i) => `capstan:cost${i.path.map((p) => `.${String(p)}`).join("")}: ${i.message}`)
                .join("; "),
        );
    const region = z.string().safeParse(values["aws:region"]);
    return { region: region.success ? region.data : "us-east-1", cost: parsed.data };
}
