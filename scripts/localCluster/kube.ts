/**
 * Talking to the local cluster with the toolchain's kubectl, as cluster-admin.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { KWOK_CRD_DIR, KWOK_STAGES_DIR, binary, paths } from "./layout";

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

/** The YAML files of a toolchain folder, sorted. */
function yamlFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".yaml"))
        .sort()
        .map((f) => path.join(dir, f));
}

/**
 * Applies CRDs from a file or URL (server-side: their schemas are too large for the last-applied
 * annotation), waits until the API server serves them, and returns their names.
 */
export function installCrds(source: string): string[] {
    kubectl(["apply", "--server-side", "-f", source]);
    const names = kubectl(["get", "-f", source, "-o", "name"]).trim().split("\n");
    kubectl(["wait", "--for=condition=Established", "--timeout=60s", ...names]);
    return names.map((n) => n.replace(/^customresourcedefinition\.apiextensions\.k8s\.io\//, ""));
}

/**
 * kwok's Stage API and the stages kept by scripts/toolchain.sh, as objects: kwok reads them from
 * the API server (`--enable-crds=Stage`), so a test can add a stage of its own while kwok runs.
 */
export function installKwokStages(): string[] {
    const crds = yamlFiles(KWOK_CRD_DIR);
    const stages = yamlFiles(KWOK_STAGES_DIR);
    if (crds.length === 0 || stages.length === 0)
        throw new Error(
            `kwok's Stage CRD or stages not found in ${KWOK_CRD_DIR}, ${KWOK_STAGES_DIR}: run scripts/toolchain.sh kwok`,
        );
    for (const crd of crds) installCrds(crd);
    for (const stage of stages) kubectl(["apply", "-f", stage]);
    return stages.map((f) => path.basename(f, ".yaml"));
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

export interface NodeHealth {
    readonly nodes: number;
    readonly notReady: readonly { name: string; reason: string }[];
    /** Nodes with a heartbeat Lease in kube-node-lease that was renewed within its duration. */
    readonly freshLeases: number;
}

interface NodeItem {
    metadata: { name: string };
    status?: { conditions?: { type: string; status: string; reason?: string }[] };
}

interface LeaseItem {
    metadata: { name: string };
    spec?: { renewTime?: string; leaseDurationSeconds?: number };
}

/** Whether every Node is Ready and keeps its heartbeat Lease fresh, and which are not. */
export function nodeHealth(now = Date.now()): NodeHealth {
    const nodes = (JSON.parse(kubectl(["get", "nodes", "-o", "json"])) as { items: NodeItem[] }).items;
    const leases = (
        JSON.parse(kubectl(["get", "leases", "-n", "kube-node-lease", "-o", "json"])) as { items: LeaseItem[] }
    ).items;
    const notReady = nodes.flatMap((n) => {
        const ready = n.status?.conditions?.find((c) => c.type === "Ready");
        return ready?.status === "True"
            ? []
            : [{ name: n.metadata.name, reason: ready?.reason ?? "no Ready condition" }];
    });
    const freshLeases = leases.filter((l) => {
        const renewed = l.spec?.renewTime ? Date.parse(l.spec.renewTime) : NaN;
        return now - renewed <= (l.spec?.leaseDurationSeconds ?? 40) * 1000;
    }).length;
    return { nodes: nodes.length, notReady, freshLeases };
}
