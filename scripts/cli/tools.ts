/**
 * What a command checks before it does anything, in this order: the stack's name, then the tools
 * it needs. Each refusal says how to fix it: the stacks there are, the command that installs a
 * missing tool.
 */
import * as fs from "fs";
import * as path from "path";
import { nearestName } from "../../components/config/nearest";
import { listStacks, stackFilePath } from "./stackfile";

/**
 * Why `stack` is not a stack of the project in `dir` (no `Pulumi.<stack>.yaml`), naming the stacks
 * there are; undefined when it is one.
 */
export function unknownStackProblem(dir: string, stack: string): string | undefined {
    if (fs.existsSync(stackFilePath(dir, stack))) return undefined;
    const stacks = fs.existsSync(dir) ? listStacks(dir) : [];
    const meant = nearestName(stack, stacks);
    return `no stack named ${stack}: there is no Pulumi.${stack}.yaml in ${dir} (stacks: ${stacks.join(", ") || "none"})${meant ? `; did you mean ${meant}?` : ""}`;
}

/** The first executable called `name` on the PATH, if any. */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
    const names = process.platform === "win32" ? [`${name}.exe`, `${name}.cmd`] : [name];
    for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
        for (const n of names) {
            const file = path.join(dir, n);
            try {
                fs.accessSync(file, fs.constants.X_OK);
                if (fs.statSync(file).isFile()) return file;
            } catch {
                // not here
            }
        }
    }
    return undefined;
}

/** What a command says when the Pulumi CLI is not on the PATH: why it needs it and how to install it. */
export function pulumiCliMissing(why: string): string {
    return [
        `the Pulumi CLI is not installed (no \`pulumi\` on PATH); ${why}.`,
        "Install it, then run the command again:",
        "  curl -fsSL https://get.pulumi.com | sh        # Linux, macOS",
        "  brew install pulumi/tap/pulumi                # macOS (Homebrew)",
        '  npm run toolchain -- pulumi                   # or from source, then: export PATH="$HOME/.cache/capstan/toolchain/bin:$PATH"',
        "See https://www.pulumi.com/docs/install/ for more.",
    ].join("\n");
}

/** What a command says when a piece of the toolchain (`npm run toolchain`) is not built. */
export function toolchainPieceMissing(piece: string, file: string): string {
    return `${piece} is not built (no ${file}); build it with: npm run toolchain -- ${piece}`;
}
