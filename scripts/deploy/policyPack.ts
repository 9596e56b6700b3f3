/**
 * The policy pack as the deploy hands it to the CLI: compiled once to JavaScript, type-checked as
 * the SDK would check it, and kept in the cache (`$CAPSTAN_CACHE/policy`, by default
 * ~/.cache/capstan/policy) under a hash of everything the compiled pack depends on. The CLI's
 * analyzer then loads plain JavaScript instead of type-checking the TypeScript on every start.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import { createRequire } from "module";
import * as os from "os";
import * as path from "path";
import type * as TS from "typescript";

/** Packages whose versions the compiled pack depends on. */
const PACKAGES = ["typescript", "@pulumi/policy", "@pulumi/pulumi"];

export function policyCacheDir(env: NodeJS.ProcessEnv = process.env): string {
    return path.join(env.CAPSTAN_CACHE ?? path.join(os.homedir(), ".cache", "capstan"), "policy");
}

/** Relative imports of a TypeScript source: `from "./x"`, `import "./x"`, `require("./x")`. */
const RELATIVE_IMPORT = /(?:\bfrom|\bimport|\brequire\()\s*["'](\.{1,2}\/[^"']*)["']/g;

function resolveSource(fromFile: string, spec: string): string | undefined {
    const base = path.resolve(path.dirname(fromFile), spec);
    return [`${base}.ts`, path.join(base, "index.ts")].find((f) => fs.existsSync(f));
}

/** The TypeScript files of the pack and every project file they import, transitively, sorted. */
export function packSources(projectDir: string): string[] {
    const packDir = path.join(projectDir, "policy");
    const todo = fs
        .readdirSync(packDir, { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".ts") && !f.split(path.sep).includes("node_modules"))
        .map((f) => path.join(packDir, f));
    const seen = new Set<string>();
    for (let file = todo.pop(); file; file = todo.pop()) {
        if (seen.has(file)) continue;
        seen.add(file);
        for (const m of fs.readFileSync(file, "utf8").matchAll(RELATIVE_IMPORT)) {
            const dep = resolveSource(file, m[1]);
            if (dep) todo.push(dep);
        }
    }
    return [...seen].sort();
}

/** The other files beside those sources, which they may read at run time (a price table, the pack's manifest). */
function assetsOf(sources: readonly string[]): string[] {
    const dirs = [...new Set(sources.map((f) => path.dirname(f)))];
    return dirs
        .flatMap((d) =>
            fs
                .readdirSync(d, { withFileTypes: true })
                .filter((e) => e.isFile() && !e.name.endsWith(".ts"))
                .map((e) => path.join(d, e.name)),
        )
        .sort();
}

/** The hash of the pack's sources and assets, the versions of the packages it compiles against, and where they are. */
export function policyPackKey(projectDir: string, files: readonly string[]): string {
    const hash = createHash("sha256");
    const modules = fs.realpathSync(path.join(projectDir, "node_modules"));
    hash.update(`${modules}\0${process.version}\0`);
    for (const pkg of PACKAGES) hash.update(pkg).update(fs.readFileSync(path.join(modules, pkg, "package.json")));
    for (const file of files) hash.update(`\0${path.relative(projectDir, file)}\0`).update(fs.readFileSync(file));
    return hash.digest("hex").slice(0, 24);
}

/** Thrown when the pack does not type-check: its diagnostics, as tsc prints them. */
export class PolicyPackError extends Error {}

/**
 * Compiles the pack's sources into `outDir`, laid out as in the project; throws PolicyPackError
 * with every diagnostic, or when the program reached a project file the key did not include.
 */
function compile(ts: typeof TS, projectDir: string, sources: readonly string[], outDir: string): void {
    const config = path.join(projectDir, "policy", "tsconfig.json");
    const parsed = ts.getParsedCommandLineOfConfigFile(
        config,
        {},
        {
            ...ts.sys,
            onUnRecoverableConfigFileDiagnostic: (d) => {
                throw new PolicyPackError(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
            },
        },
    );
    if (!parsed) throw new PolicyPackError(`cannot read ${config}`);
    const options = { ...parsed.options, outDir, rootDir: projectDir, noEmit: false, noEmitOnError: true };
    const program = ts.createProgram(parsed.fileNames, options);
    const diagnostics = [...ts.getPreEmitDiagnostics(program), ...program.emit().diagnostics];
    if (diagnostics.length)
        throw new PolicyPackError(
            `the policy pack does not compile:\n${ts.formatDiagnostics(diagnostics, {
                getCanonicalFileName: (f) => f,
                getCurrentDirectory: () => projectDir,
                getNewLine: () => "\n",
            })}`,
        );
    const known = new Set(sources.map((f) => path.resolve(f)));
    const unknown = program
        .getSourceFiles()
        .map((f) => path.resolve(f.fileName))
        .filter((f) => !f.includes(`${path.sep}node_modules${path.sep}`) && !known.has(f));
    if (unknown.length)
        throw new PolicyPackError(`the policy pack's cache key misses files it compiles: ${unknown.join(", ")}`);
}

/** Builds the compiled pack in `dir`: its JavaScript and assets, a package.json whose main is index.js, the project's node_modules. */
function build(projectDir: string, sources: readonly string[], assets: readonly string[], dir: string): void {
    // The project's own TypeScript, as the SDK's analyzer would use it.
    const ts = createRequire(path.join(projectDir, "package.json"))("typescript") as typeof TS;
    compile(ts, projectDir, sources, dir);
    for (const file of assets) {
        const copy = path.join(dir, path.relative(projectDir, file));
        fs.mkdirSync(path.dirname(copy), { recursive: true });
        fs.copyFileSync(file, copy);
    }
    const manifest = path.join(dir, "policy", "package.json");
    const pkg = JSON.parse(fs.readFileSync(manifest, "utf8")) as Record<string, unknown>;
    fs.writeFileSync(manifest, `${JSON.stringify({ ...pkg, main: "index.js" }, null, 2)}\n`);
    // A tsconfig.json would make the analyzer's ts-node read it; the pack is JavaScript now.
    fs.rmSync(path.join(dir, "policy", "tsconfig.json"), { force: true });
    fs.symlinkSync(fs.realpathSync(path.join(projectDir, "node_modules")), path.join(dir, "node_modules"));
}

/**
 * The directory of the compiled pack of `projectDir/policy`, built on the first call for its
 * content (a few seconds) and reused by every later deploy.
 */
export function compiledPolicyPack(projectDir: string, cacheDir = policyCacheDir()): string {
    const sources = packSources(projectDir);
    const assets = assetsOf(sources);
    const target = path.join(cacheDir, policyPackKey(projectDir, [...sources, ...assets]));
    const pack = path.join(target, "policy");
    if (fs.existsSync(path.join(pack, "package.json"))) return pack;
    fs.mkdirSync(cacheDir, { recursive: true });
    const building = fs.mkdtempSync(`${target}.building-`);
    try {
        build(projectDir, sources, assets, building);
        try {
            fs.renameSync(building, target);
        } catch (err) {
            // Another deploy built the same pack at the same time: its copy is as good.
            if (!fs.existsSync(path.join(pack, "package.json"))) throw err;
        }
    } finally {
        fs.rmSync(building, { recursive: true, force: true });
    }
    return pack;
}
