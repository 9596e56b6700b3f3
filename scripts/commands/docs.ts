/**
 * `capstan docs [--check]`: writes docs/configuration.md, docs/commands.md and the key descriptions
 * of Pulumi.yaml from the config schema's metadata and the commands' definitions. With --check it
 * writes nothing and exits 1 when a file differs from what it would write.
 */
import * as fs from "fs";
import * as path from "path";
import { defineCommand } from "../cli/define";
import { PROJECT_DIR } from "../cli/program";
import { processIo, runCommand, type CommandIo } from "../cli/runCommand";
import { generatedFiles } from "../docs/generate";
import { LISTED } from "./list";

export const definition = defineCommand<{ check: boolean }>({
    name: "docs",
    summary: "write the generated docs: the config reference, the commands' reference, Pulumi.yaml's key descriptions",
    description:
        "Writes docs/configuration.md and the key descriptions of Pulumi.yaml from the config schema, and docs/commands.md from the commands' definitions. `npm test` runs it with --check, so the generated files never drift from the code.",
    arguments: [],
    options: [{ name: "check", description: "write nothing; exit 1 when a file is out of date" }],
    examples: [{ command: "capstan docs", says: "regenerates the files after a change to the schema or a command" }],
    exits: [],
    parse: (line) => ({ check: line.options.check === true }),
});

async function write(check: boolean, io: CommandIo): Promise<number> {
    let stale = 0;
    const every = [...LISTED.map((c) => c.definition), definition];
    for (const file of await generatedFiles(PROJECT_DIR, every)) {
        const target = path.join(PROJECT_DIR, file.path);
        const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
        if (current === file.text) {
            io.stdout(`${file.path}: up to date\n`);
        } else if (check) {
            stale++;
            io.stdout(`${file.path}: out of date; run capstan docs (npm run docs)\n`);
        } else {
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.writeFileSync(target, file.text);
            io.stdout(`${file.path}: written\n`);
        }
    }
    return stale > 0 ? 1 : 0;
}

/** Entry point of `capstan docs`. */
export function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
    return runCommand(definition, argv, io, (args) => write(args.check, io));
}
