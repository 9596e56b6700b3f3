/**
 * Talking to the local cluster with the toolchain's kubectl, as cluster-admin.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CRD_DIR, binary, paths } from "./layout";

/** Runs kubectl against the local cluster; returns stdout, throws with kubectl's own message. */
export function kubectl(args: string[], input?: string): string {
    try {
        return execFileSync(binary("kubectl"), ["--kubeconfig", paths.kubeconfig, ...args], {
            input,
            encoding: "utf8",
            stdio: ["pipe", "pipe", "pipe"],
        });
    } catch (err) {
        const e = err as { stderr?: string; message: string };
        throw new Error(`kubectl ${args.join(" ")}: ${(e.stderr || e.message).trim()}`);
    }
}

export function isApiserverReady(): boolean {
    try {
        return kubectl(["get", "--raw", "/readyz"]).trim() === "ok";
    } catch {
        return false;
    }
}

/** The CRD manifests scripts/toolchain.sh generated, if it could. */
export function crdFiles(): string[] {
    if (!fs.existsSync(CRD_DIR)) return [];
    return fs
        .readdirSync(CRD_DIR)
        .filter((f) => f.endsWith(".yaml"))
        .sort()
        .map((f) => path.join(CRD_DIR, f));
}

/** Applies the CRDs (server-side: their schemas are too large for the last-applied annotation). */
export function installCrds(files: string[]): string[] {
    for (const file of files) kubectl(["apply", "--server-side", "-f", file]);
    const names = files.flatMap((file) => kubectl(["get", "-f", file, "-o", "name"]).trim().split("\n"));
    kubectl(["wait", "--for=condition=Established", "--timeout=60s", ...names]);
    return names.map((n) => n.replace(/^customresourcedefinition\.apiextensions\.k8s\.io\//, ""));
}

/** The names of the Nodes that report Ready. */
export function readyNodes(): string[] {
    const jsonpath =
        '{range .items[*]}{.metadata.name}{" "}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}';
    return kubectl(["get", "nodes", "-o", `jsonpath=${jsonpath}`])
        .trim()
        .split("\n")
        .map((line) => line.split(" "))
        .filter(([, ready]) => ready === "True")
        .map(([name]) => name);
}
