/**
 * `npm run docs [-- --check]`: writes docs/configuration.md and the key descriptions of
 * Pulumi.yaml from the config schema's metadata. With --check it writes nothing and exits 1 when
 * either file differs from what it would write.
 */
import * as fs from "fs";
import * as path from "path";
import { generatedFiles } from "./docs/generate";

const PROJECT_DIR = path.resolve(__dirname, "..");

async function main(argv: readonly string[]): Promise<number> {
    const unknown = argv.filter((a) => a !== "--check");
    if (unknown.length > 0) {
        process.stderr.write(`usage: npm run docs [-- --check]\nunknown argument ${unknown[0]}\n`);
        return 2;
    }
    const check = argv.includes("--check");
    let stale = 0;
    for (const file of await generatedFiles(PROJECT_DIR)) {
        const target = path.join(PROJECT_DIR, file.path);
        const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
        if (current === file.text) {
            process.stdout.write(`${file.path}: up to date\n`);
        } else if (check) {
            stale++;
            process.stdout.write(`${file.path}: out of date; run npm run docs\n`);
        } else {
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.writeFileSync(target, file.text);
            process.stdout.write(`${file.path}: written\n`);
        }
    }
    return stale > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
    },
);
