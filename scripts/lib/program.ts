import { createRequire } from "module";
import * as path from "path";
import type { Program } from "./engine";

/** The project directory: where Pulumi.yaml and index.ts are. */
export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/**
 * Loads index.ts, unchanged, the way the Pulumi CLI does: as a CommonJS module compiled by
 * ts-node (transpile only: `npm test` type-checks separately).
 */
export function loadProgram(dir = PROJECT_DIR): Program {
    const req = createRequire(path.join(dir, "index.ts"));
    if (!req.extensions[".ts"]) {
        req("ts-node").register({ transpileOnly: true, project: path.join(dir, "tsconfig.json") });
    }
    const program = req(path.join(dir, "index.ts")) as unknown;
    if (typeof program !== "function") throw new Error(`${dir}/index.ts must export the program as a function (export = async () => {...})`);
    return program as Program;
}
