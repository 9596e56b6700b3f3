import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compiledPolicyPack, PolicyPackError } from "../../../scripts/deploy/policyPack";

const REPO = path.resolve(__dirname, "..", "..", "..");

/** A project with a two-file pack that imports a module outside it, which reads a file beside it. */
function fixtureProject(root: string): string {
    const dir = path.join(root, "project");
    const files: Record<string, string> = {
        "policy/PulumiPolicy.yaml": "runtime: nodejs\n",
        "policy/package.json": JSON.stringify({ name: "fixture-policy", version: "0.1.0", main: "index.ts" }),
        "policy/tsconfig.json": JSON.stringify({
            // No @types: a small program, quick to type-check.
            compilerOptions: { target: "ES2022", module: "commonjs", strict: true, lib: ["ES2022"], types: [] },
            include: ["**/*.ts"],
        }),
        "policy/index.ts": 'import { limit } from "./rules";\nexport const answer: number = limit();\n',
        "policy/rules/index.ts":
            'import { readLimit } from "../../lib/limits";\nexport const limit = (): number => readLimit();\n',
        "lib/limits.ts":
            'declare function require(name: string): any;\ndeclare const __dirname: string;\nconst fs = require("fs");\nexport const readLimit = (): number => Number(fs.readFileSync(`${__dirname}/limit.txt`, "utf8"));\n',
        "lib/limit.txt": "42",
    };
    for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
    }
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}

describe("the compiled policy pack", () => {
    let root: string;
    let project: string;
    let cache: string;
    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-policy-"));
        project = fixtureProject(root);
        cache = path.join(root, "cache");
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it("is JavaScript that runs with the files it reads, and a manifest whose main is index.js", () => {
        const pack = compiledPolicyPack(project, cache);
        expect(pack.startsWith(cache)).toBe(true);
        expect(JSON.parse(fs.readFileSync(path.join(pack, "package.json"), "utf8"))).toMatchObject({
            name: "fixture-policy",
            main: "index.js",
        });
        expect(fs.existsSync(path.join(pack, "PulumiPolicy.yaml"))).toBe(true);
        // The analyzer's ts-node would read a tsconfig.json and compile with it: there is none.
        expect(fs.existsSync(path.join(pack, "tsconfig.json"))).toBe(false);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        expect((require(path.join(pack, "index.js")) as { answer: number }).answer).toBe(42);
    });

    it("is built once for its content and reused", () => {
        const pack = compiledPolicyPack(project, cache);
        const marker = path.join(pack, "index.js");
        fs.writeFileSync(marker, "// the cached copy\n");
        expect(compiledPolicyPack(project, cache)).toBe(pack);
        expect(fs.readFileSync(marker, "utf8")).toBe("// the cached copy\n");
    });

    it("is built again when the pack, a module it imports or a file beside one changes", () => {
        const first = compiledPolicyPack(project, cache);
        fs.appendFileSync(path.join(project, "lib", "limits.ts"), "export const other = 1;\n");
        const second = compiledPolicyPack(project, cache);
        expect(second).not.toBe(first);
        fs.writeFileSync(path.join(project, "lib", "limit.txt"), "7");
        const third = compiledPolicyPack(project, cache);
        expect(third).not.toBe(second);
        fs.appendFileSync(path.join(project, "policy", "index.ts"), "export const more = 2;\n");
        expect(compiledPolicyPack(project, cache)).not.toBe(third);
    });

    it("refuses a pack that does not type-check, naming the file and the error, and caches nothing", () => {
        fs.writeFileSync(path.join(project, "lib", "limits.ts"), "export const readLimit = (): number => 'many';\n");
        expect(() => compiledPolicyPack(project, cache)).toThrow(PolicyPackError);
        expect(() => compiledPolicyPack(project, cache)).toThrow(
            /lib\/limits\.ts\(1,40\): error TS2322: Type 'string' is not assignable to type 'number'/,
        );
        expect(fs.readdirSync(cache)).toEqual([]);
    });
});
