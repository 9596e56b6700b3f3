/** `capstan toolchain [piece...]`: builds the real-engine toolchain from source (scripts/toolchain.sh). */
import { spawn } from "child_process";
import * as path from "path";
import { MISSING_TOOL_EXIT, UsageError } from "../cli/cli";
import { defineCommand } from "../cli/define";
import { processIo, runCommand, type CommandIo } from "../cli/runCommand";
import { onPath } from "../cli/tools";

/** The pieces scripts/toolchain.sh builds. */
export const PIECES = ["pulumi", "kubernetes-provider", "kubernetes", "etcd", "kwok", "kube-score"] as const;

export const definition = defineCommand<{ pieces: string[] }>({
    name: "toolchain",
    summary: "build the real-engine toolchain (Pulumi CLI, provider, control plane, kwok, kube-score)",
    description:
        'Builds the Pulumi CLI and its Node.js language host and policy analyzer, the Kubernetes provider, the control plane (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl), etcd, kwok and kube-score from source through the Go module proxy, at the versions the project pins. Everything lands in ~/.cache/capstan/toolchain (CAPSTAN_CACHE moves it); a piece is rebuilt only when its pins change. Needs Go and Node on the PATH. Then: export PATH="$HOME/.cache/capstan/toolchain/bin:$PATH".',
    arguments: [
        { name: "piece", description: `the pieces to build: ${PIECES.join(", ")} (default: all)`, variadic: true },
    ],
    options: [],
    examples: [
        { command: "capstan toolchain", says: "every piece whose pins changed" },
        { command: "capstan toolchain pulumi", says: "the Pulumi CLI only" },
    ],
    exits: ["missingTool"],
    parse: (line) => {
        const unknown = line.positionals.find((p) => !(PIECES as readonly string[]).includes(p));
        if (unknown !== undefined) throw new UsageError(`unknown piece ${unknown}: one of ${PIECES.join(", ")}`);
        return { pieces: [...line.positionals] };
    },
});

/** Builds the pieces (all when none are named) with scripts/toolchain.sh, which shows each piece's progress. */
export function buildToolchain(pieces: readonly string[], io: CommandIo): Promise<number> {
    if (!onPath("go")) {
        io.stderr(
            "toolchain: Go is not installed (no `go` on PATH); the toolchain is built from source with it.\nInstall Go 1.25 or later from https://go.dev/dl/ (or your package manager), then run the command again.\n",
        );
        return Promise.resolve(MISSING_TOOL_EXIT);
    }
    const script = path.join(__dirname, "..", "toolchain.sh");
    return new Promise((resolve, reject) => {
        const child = spawn("bash", [script, ...pieces], { stdio: "inherit" });
        child.on("error", reject);
        child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
}

/** Entry point of `capstan toolchain`. */
export function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
    return runCommand(definition, argv, io, (args) => buildToolchain(args.pieces, io));
}
