/**
 * The program loads in the Pulumi CLI's Node.js language host. The child process below registers
 * ts-node exactly as `@pulumi/pulumi/cmd/run/run.js` (3.248) does for a TypeScript program that is
 * not an ES module, with the environment the Go language host sets from Pulumi.yaml's runtime
 * options, and then requires the entry point. Nothing of Capstan's own loading code is used.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { PROJECT_DIR } from "../harness";

const HOST = `
const path = require("path");
const fs = require("fs");
const req = require("module").createRequire(path.join(process.cwd(), "index.ts"));
const tsutils = req("@pulumi/pulumi/tsutils");
const tsConfigPath = process.env.PULUMI_NODEJS_TSCONFIG_PATH ?? "tsconfig.json";
const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
const env = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
const transpileOnly = env ? env === "true" : compilerOptions.noCheck;
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
req(tsnodeRequire).register({
    compiler: typescriptRequire,
    transpileOnly,
    project: tsConfigPath,
    skipProject: !fs.existsSync(tsConfigPath),
    compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
});
const program = req(path.join(process.cwd(), "index.ts"));
process.stdout.write("entry point: " + typeof program + "\\n");
`;

/** The environment the Go language host adds for `runtime.options` (typescript, tsconfig). */
function hostEnv(): Record<string, string> {
    const project = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as {
        runtime: { options?: { typescript?: boolean; tsconfig?: string } };
    };
    const options = project.runtime.options ?? {};
    return {
        ...(options.typescript === false ? {} : { PULUMI_NODEJS_TYPESCRIPT: "true" }),
        ...(options.tsconfig ? { PULUMI_NODEJS_TSCONFIG_PATH: options.tsconfig } : {}),
    };
}

async function loadAsHost(transpileOnly: boolean): Promise<{ stdout: string; stderr: string }> {
    const env: Record<string, string | undefined> = {
        ...process.env,
        ...hostEnv(),
        PULUMI_NODEJS_TRANSPILE_ONLY: String(transpileOnly),
    };
    // The test runner's own TypeScript hooks must not leak into the host's process.
    delete env.NODE_OPTIONS;
    delete env.TS_NODE_PROJECT;
    return promisify(execFile)(process.execPath, ["-e", HOST], { cwd: PROJECT_DIR, env, timeout: 120_000 });
}

describe("the Pulumi CLI's Node.js language host", () => {
    it.each([
        { mode: "transpile-only", transpileOnly: true },
        { mode: "type-checked", transpileOnly: false },
    ])("loads index.ts $mode and finds the program function", async ({ transpileOnly }) => {
        const { stdout } = await loadAsHost(transpileOnly);
        expect(stdout).toContain("entry point: function");
    });
});
