/**
 * The documentation says only what exists: every fenced shell command runs a program the project
 * has (an npm script, a `capstan` command) or a known external tool, every repository path it
 * names exists, and every link reaches a file and a heading.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../harness";

/** The tools outside the project that the docs may tell a reader to run. */
const EXTERNAL_TOOLS = new Set(["pulumi", "kubectl", "aws", "git"]);
/** npm's own commands the docs use (everything else goes through `npm run`). */
const NPM_COMMANDS = new Set(["ci", "test", "install"]);
/** Shell builtins that only set up the environment. */
const BUILTINS = new Set(["export", "cd"]);

const read = (file: string) => fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");

/** README.md, CHANGELOG.md and every guide under docs/. */
function docFiles(): string[] {
    const guides = fs
        .readdirSync(path.join(PROJECT_DIR, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`);
    return ["README.md", "CHANGELOG.md", ...guides];
}

interface Fence {
    readonly lang: string;
    readonly lines: readonly string[];
}

/** The fenced code blocks of a Markdown text, and the text outside them. */
function split(text: string): { fences: Fence[]; prose: string } {
    const fences: Fence[] = [];
    const prose: string[] = [];
    let open: { lang: string; lines: string[] } | undefined;
    for (const line of text.split("\n")) {
        const fence = /^\s*```(\S*)/.exec(line);
        if (fence && !open) open = { lang: fence[1], lines: [] };
        else if (fence && open) {
            fences.push(open);
            open = undefined;
        } else if (open) open.lines.push(line);
        else prose.push(line);
    }
    return { fences, prose: prose.join("\n") };
}

/** The commands of a shell block: continuation lines joined, comments dropped, split at `&&`, `;`, `|`. */
function shellCommands(lines: readonly string[]): string[] {
    return lines
        .join("\n")
        .replace(/\\\n/g, " ")
        .split("\n")
        .map((l) => l.replace(/(^|\s)#.*$/, "").trim())
        .filter((l) => l !== "")
        .flatMap((l) => l.split(/&&|\|\||;|\|/))
        .map((c) => c.trim())
        .filter((c) => c !== "");
}

/** The commands scripts/capstan.js dispatches to: the files of scripts/commands/ but the registry and shared parts. */
const capstanCommands = () =>
    fs
        .readdirSync(path.join(PROJECT_DIR, "scripts", "commands"))
        .filter((f) => f.endsWith(".ts") && !["index.ts", "list.ts", "shared.ts"].includes(f))
        .map((f) => f.slice(0, -3));

/** Why a command's program is not one the project has, or undefined when it is. */
function commandProblem(command: string, scripts: Readonly<Record<string, string>>, capstan: readonly string[]) {
    // `eval "$(npx capstan local env)"`: the command whose output the shell runs.
    const evaluated = /^eval "\$\((.+)\)"$/.exec(command);
    if (evaluated) return commandProblem(evaluated[1], scripts, capstan);
    const words = command.split(/\s+/).filter((w) => !/^[A-Z_][A-Z0-9_]*=/.test(w));
    const [program, sub, arg] = words;
    if (program === undefined) return undefined;
    if (program === "npm") {
        if (sub === "run") return arg in scripts ? undefined : `npm run ${arg}: package.json has no script ${arg}`;
        return NPM_COMMANDS.has(sub) ? undefined : `npm ${sub}: not an npm command the docs may use`;
    }
    if (program === "npx")
        return sub === "capstan" && capstan.includes(arg)
            ? undefined
            : `npx ${sub} ${arg ?? ""}: not a command of scripts/capstan.js`;
    if (EXTERNAL_TOOLS.has(program) || BUILTINS.has(program)) return undefined;
    return `${program}: neither an npm script, a capstan command nor a known tool`;
}

/** The top-level entries of the repository, without what git ignores. */
function topLevelEntries(): Set<string> {
    const ignored = read(".gitignore")
        .split("\n")
        .map((l) => l.trim().replace(/^\//, "").replace(/\/$/, ""))
        .filter((l) => l !== "" && !l.startsWith("#"));
    return new Set(
        fs.readdirSync(PROJECT_DIR).filter((e) => e !== ".git" && e !== "node_modules" && !ignored.includes(e)),
    );
}

/** The repository paths a text names in code spans: `components/config/schema.ts`, `docs/`. */
function namedPaths(prose: string, topLevel: ReadonlySet<string>): string[] {
    return [...prose.matchAll(/`([^`\n]+)`/g)]
        .map((m) => m[1].replace(/\/$/, ""))
        .filter((p) => /^[\w.-]+(\/[\w.-]+)*$/.test(p) && topLevel.has(p.split("/")[0]))
        .filter((p) => p.includes("/") || /\.\w+$/.test(p));
}

/** GitHub's anchor of a heading. */
const slug = (heading: string) =>
    heading
        .toLowerCase()
        .replace(/[^a-z0-9 _-]/g, "")
        .replace(/ /g, "-");

const headings = (text: string) =>
    new Set([...split(text).prose.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1].replace(/`/g, ""))));

/** Problems with the relative links of a file: a file that does not exist, a heading it lacks. */
function linkProblems(file: string): string[] {
    const { prose } = split(read(file));
    return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].flatMap(([, target]) => {
        if (/^[a-z]+:/.test(target)) return [];
        const [rel, anchor] = target.split("#");
        const resolved = rel === "" ? file : path.normalize(path.join(path.dirname(file), rel));
        if (!fs.existsSync(path.join(PROJECT_DIR, resolved))) return [`${file}: ${target}: no such file`];
        if (anchor === undefined || !resolved.endsWith(".md")) return [];
        return headings(read(resolved)).has(anchor) ? [] : [`${file}: ${target}: no such heading`];
    });
}

/** The guides under docs/, by file name. */
const guideNames = () =>
    fs
        .readdirSync(path.join(PROJECT_DIR, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => f.replace(/\.md$/, ""));

/** The guides a text names by file (`docs/day-two.md`, `day-two.md`) outside a link and a code block. */
export function unlinkedGuides(file: string, text: string): string[] {
    const prose = split(text).prose.replace(/\[[^\]]*\]\([^)\s]*\)/g, "");
    return guideNames().flatMap((guide) =>
        new RegExp(`(^|[^\\w/-])(docs/)?${guide.replace(/-/g, "\\-")}\\.md\\b`).test(prose)
            ? [`${file}: ${guide}.md`]
            : [],
    );
}

/** The folders of the repository, down to two levels (a deeper one is its parent's part). */
function repositoryFolders(): string[] {
    const skip = new Set([".git", "node_modules", "out", "bin", ".pulumi", ".capstan"]);
    const walk = (rel: string, depth: number): string[] =>
        fs
            .readdirSync(path.join(PROJECT_DIR, rel), { withFileTypes: true })
            .filter((e) => e.isDirectory() && !skip.has(e.name) && !e.isSymbolicLink())
            .flatMap((e) => {
                const sub = rel ? `${rel}/${e.name}` : e.name;
                return [sub, ...(depth < 2 ? walk(sub, depth + 1) : [])];
            });
    return walk("", 1).sort();
}

describe("the documentation", () => {
    const files = docFiles();

    it("README.md stays under 250 lines and links every guide under docs/", () => {
        const readme = read("README.md");
        expect(readme.split("\n").length).toBeLessThan(250);
        const unlinked = files.filter((f) => f.startsWith("docs/") && !readme.includes(`](${f})`));
        expect(unlinked).toEqual([]);
    });

    it("every fenced shell command runs an npm script, a capstan command or a known tool", () => {
        const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
        const capstan = capstanCommands();
        expect(capstan).toContain("render");
        const problems = files.flatMap((file) =>
            split(read(file))
                .fences.filter((f) => ["sh", "bash", "shell"].includes(f.lang))
                .flatMap((f) => shellCommands(f.lines))
                .map((c) => commandProblem(c, scripts, capstan))
                .filter((p) => p !== undefined)
                .map((p) => `${file}: ${p}`),
        );
        expect(problems).toEqual([]);
    });

    it("every repository path it names exists", () => {
        const topLevel = topLevelEntries();
        const missing = files.flatMap((file) =>
            namedPaths(split(read(file)).prose, topLevel)
                .filter((p) => !fs.existsSync(path.join(PROJECT_DIR, p)))
                .map((p) => `${file}: ${p}`),
        );
        expect(missing).toEqual([]);
    });

    it("every relative link reaches a file, and a heading where it names one", () => {
        expect(files.flatMap(linkProblems)).toEqual([]);
    });

    it("cites nothing a reader cannot see: no numbered talk or seed", () => {
        const cited = files.filter((f) => /\bseeds?\s*(#|no\.?\s*)?\d+|\bseeds\//i.test(read(f)));
        expect(cited).toEqual([]);
    });

    it("every guide it names by its file is a link to it", () => {
        expect(files.flatMap((f) => unlinkedGuides(f, read(f)))).toEqual([]);
    });

    it("the map of the code in docs/architecture.md names every folder of the repository", () => {
        const map = read("docs/architecture.md").split("## The map of the code")[1] ?? "";
        const named = new Set([...map.matchAll(/`([\w./-]+)\/`/g)].map((m) => m[1]));
        // A folder is named by its path, or by the path of a folder inside it (`.github/workflows/`).
        const isNamed = (f: string) => named.has(f) || [...named].some((n) => n.startsWith(`${f}/`));
        expect(repositoryFolders().filter((f) => !isNamed(f))).toEqual([]);
    });
});

describe("the checks of the documentation", () => {
    const scripts = { render: "x", deploy: "y" };

    it.each([
        ["npm run render -- staging", undefined],
        ["npm run colour -- staging", "package.json has no script colour"],
        ["npx capstan render prod", undefined],
        ["npx capstan paint prod", "not a command of scripts/capstan.js"],
        ["KUBECONFIG=k.json kubectl get nodes", undefined],
        ["terraform apply", "neither an npm script"],
    ])("%s", (command, problem) => {
        const found = commandProblem(command, scripts, ["render", "deploy"]);
        if (problem === undefined) expect(found).toBeUndefined();
        else expect(found).toContain(problem);
    });

    it("finds the commands of a block across continuations, comments and pipes", () => {
        expect(
            shellCommands(["npm ci   # install", "# a comment", "pulumi stack output x \\", "  --json | jq ."]),
        ).toEqual(["npm ci", "pulumi stack output x    --json", "jq ."]);
    });

    it("finds the repository paths of code spans, and leaves placeholders and other files alone", () => {
        const topLevel = new Set(["components", "docs", "Pulumi.yaml"]);
        const prose =
            "See `components/config/schema.ts`, `docs/`, `Pulumi.yaml`, `Pulumi.<stack>.yaml`, `kubeconfig.json`.";
        expect(namedPaths(prose, topLevel)).toEqual(["components/config/schema.ts", "Pulumi.yaml"]);
    });
});
