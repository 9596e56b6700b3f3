import * as fs from "fs";
import YAML from "yaml";
import { stackFilePath } from "../cli/stackfile";
import { stackDir } from "../cli/target";

/** The stack file's `config`, as YAML (no secret is decrypted); empty when there is no stack file. */
export function stackConfig(stack: string): Record<string, unknown> {
    const file = stackFilePath(stackDir(), stack);
    if (!fs.existsSync(file)) return {};
    const doc = YAML.parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    return doc?.config ?? {};
}
