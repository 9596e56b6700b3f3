/**
 * No import circle anywhere in the repository: every TypeScript file's relative imports (type-only
 * and dynamic ones included) form a graph without cycles, so each module can be read, tested and
 * moved on its own, bottom up.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../harness";

const SKIP = new Set(["node_modules", ".git", "out", "bin", ".capstan"]);

function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        if (SKIP.has(e.name)) return [];
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return sourceFiles(full);
        return /\.(ts|mts)$/.test(e.name) && !e.name.endsWith(".d.ts") ? [full] : [];
    });
}

/** The files a file imports by a relative path, as absolute paths of files that exist. */
function relativeImports(file: string): string[] {
    const info = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
    return info.importedFiles
        .map((f) => f.fileName)
        .filter((spec) => spec.startsWith("."))
        .flatMap((spec) => {
            const base = path.resolve(path.dirname(file), spec);
            const found = [base, `${base}.ts`, `${base}.mts`, path.join(base, "index.ts")].find(
                (p) => fs.existsSync(p) && fs.statSync(p).isFile() && /\.(ts|mts)$/.test(p),
            );
            return found ? [found] : [];
        });
}

/** Every cycle's files (one per strongly connected component of more than one file, or a file importing itself). */
function importCycles(graph: Map<string, string[]>): string[][] {
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const cycles: string[][] = [];
    let next = 0;
    const visit = (v: string): void => {
        index.set(v, next);
        low.set(v, next++);
        stack.push(v);
        onStack.add(v);
        for (const w of graph.get(v) ?? []) {
            if (!index.has(w)) {
                visit(w);
                low.set(v, Math.min(low.get(v)!, low.get(w)!));
            } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        }
        if (low.get(v) === index.get(v)) {
            const component: string[] = [];
            let w: string;
            do {
                w = stack.pop()!;
                onStack.delete(w);
                component.push(w);
            } while (w !== v);
            if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
        }
    };
    for (const v of graph.keys()) if (!index.has(v)) visit(v);
    return cycles;
}

describe("imports", () => {
    it("finds a cycle of two and of three files, and none in a tree", () => {
        const g = (edges: Record<string, string[]>) => new Map(Object.entries(edges));
        expect(importCycles(g({ a: ["b"], b: ["a"], c: ["a"] }))).toEqual([["a", "b"]]);
        expect(importCycles(g({ a: ["b"], b: ["c"], c: ["a"] }))).toEqual([["a", "b", "c"]]);
        expect(importCycles(g({ a: ["b", "c"], b: ["c"], c: [] }))).toEqual([]);
    });

    it("form no circle anywhere in the repository", () => {
        const files = sourceFiles(PROJECT_DIR);
        expect(files.length).toBeGreaterThan(100);
        const graph = new Map(files.map((f) => [f, relativeImports(f)]));
        const recorder = path.join(PROJECT_DIR, "scripts", "render", "recorder.ts");
        expect(graph.get(recorder)).toEqual([
            path.join(PROJECT_DIR, "scripts", "render", "aliases.ts"),
            path.join(PROJECT_DIR, "scripts", "render", "outputs.ts"),
        ]);
        const cycles = importCycles(graph).map((c) => c.map((f) => path.relative(PROJECT_DIR, f)));
        expect(cycles).toEqual([]);
    });
});
