import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import YAML from "yaml";
import { formatPromiseTracesPlainly } from "./promiseTraces";

/** A Pulumi program: index.ts's default export, which declares the stack's resources and returns its outputs. */
export type Program = () => Promise<Record<string, unknown> | void>;

/** The project directory: where Pulumi.yaml and index.ts are. */
export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/** The tsconfig the Pulumi CLI's Node.js language host compiles the program with: `runtime.options.tsconfig` of Pulumi.yaml. */
export function hostTsconfig(dir = PROJECT_DIR): string {
    const project = YAML.parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as {
        runtime?: { options?: { tsconfig?: string } };
    };
    return path.join(dir, project.runtime?.options?.tsconfig ?? "tsconfig.json");
}

/**
 * The options `@pulumi/pulumi/cmd/run` passes to `ts-node.register` for a TypeScript program that
 * is not an ES module: its defaults, overridden by the tsconfig's own `compilerOptions`, which in
 * turn override everything the tsconfig (and what it extends) says. The render compiles the program
 * with exactly these, so that a module setting that breaks the CLI breaks the render too.
 */
export function hostTsNodeOptions(dir = PROJECT_DIR, transpileOnly = true): Record<string, unknown> {
    const req = createRequire(path.join(dir, "index.ts"));
    const tsutils = req("@pulumi/pulumi/tsutils") as {
        loadTypeScriptCompilerOptions(file: string): Record<string, unknown>;
        typeScriptRequireStrings(): { typescriptRequire: string };
    };
    const project = hostTsconfig(dir);
    return {
        compiler: tsutils.typeScriptRequireStrings().typescriptRequire,
        transpileOnly,
        project,
        skipProject: !fs.existsSync(project),
        compilerOptions: {
            target: "ES2020",
            module: "nodenext",
            moduleResolution: "nodenext",
            sourceMap: "true",
            ...tsutils.loadTypeScriptCompilerOptions(project),
        },
    };
}

/**
 * Loads index.ts, unchanged, the way the Pulumi CLI does: as a CommonJS module compiled by ts-node
 * with the language host's options (transpile only: `npm test` type-checks separately). A process
 * that already compiles TypeScript (a script started by ts-node with the same tsconfig) keeps its
 * registration. The traces Pulumi takes for its promises are formatted without source maps
 * (promiseTraces.ts): mapping them cost the deploy's process a sixth of its CPU at 200 workloads.
 */
export function loadProgram(dir = PROJECT_DIR): Program {
    const req = createRequire(path.join(dir, "index.ts"));
    if (!req.extensions[".ts"]) {
        (req("ts-node") as { register(opts: Record<string, unknown>): void }).register(hostTsNodeOptions(dir));
    }
    formatPromiseTracesPlainly();
    const program = req(path.join(dir, "index.ts")) as unknown;
    if (typeof program !== "function")
        throw new Error(`${dir}/index.ts must export the program as a function (export = async () => {...})`);
    return program as Program;
}
