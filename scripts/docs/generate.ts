/** The files `capstan docs` writes, each with the text it must hold. */
import * as fs from "fs";
import * as path from "path";
import type { CommandDefinition } from "../cli/define";
import { commandsMarkdown } from "./commands";
import { configurationMarkdown } from "./configuration";
import { pulumiYamlWithDescriptions } from "./pulumiYaml";

export interface GeneratedFile {
    /** Relative to the project directory. */
    readonly path: string;
    readonly text: string;
}

export async function generatedFiles(
    projectDir: string,
    commands: readonly CommandDefinition<unknown>[],
): Promise<GeneratedFile[]> {
    const pulumiYaml = path.join(projectDir, "Pulumi.yaml");
    return [
        { path: "docs/configuration.md", text: configurationMarkdown() },
        { path: "docs/commands.md", text: commandsMarkdown(commands) },
        {
            path: "Pulumi.yaml",
            text: await pulumiYamlWithDescriptions(fs.readFileSync(pulumiYaml, "utf8"), pulumiYaml),
        },
    ];
}
