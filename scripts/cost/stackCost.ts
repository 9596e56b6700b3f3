/** What `capstan cost` reads of a stack file: its region and `capstan:cost`, checked with the config's own schema. */
import type { CostConfig } from "../../components/config/costSchema";
import { loadProjectFile, readStackSettings } from "../cli/stackfile";

export interface StackCost {
    readonly region: string;
    readonly cost: CostConfig;
}

/** The stack's region and `capstan:cost` (its defaults filled in); a StackFileError names each problem of the key. */
export function readStackCost(dir: string, stack: string): StackCost {
    const settings = readStackSettings(dir, stack, loadProjectFile(dir).name);
    const cost = settings.setting("cost")!;
    const region = settings.root.region;
    return { region: typeof region === "string" ? region : "us-east-1", cost };
}
