/** The files `npm run docs` writes, each with the text it must hold. */
import * as fs from "fs";
import * as path from "path";
import { configurationMarkdown } from "./configuration";
import { pulumiYamlWithDescriptions } from "./pulumiYaml";

export interface GeneratedFile {
    /** Relative to the project directory. */
    readonly path: string;
    readonly text: string;
}

export async function generatedFiles(projectDir: string): Promise<GeneratedFile[]> {
    const pulumiYaml = path.join(projectDir, "Pulumi.yaml");
    return [
        { path: "docs/configuration.md", text: configurationMarkdown() },
        {
            path: "Pulumi.yaml",
            text: await pulumiYamlWithDescriptions(fs.readFileSync(pulumiYaml, "utf8"), pulumiYaml),
        },
    ];
}
