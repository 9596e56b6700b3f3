/**
 * Where the local cluster finds the toolchain built by scripts/toolchain.sh, and where it keeps
 * its own state: certificates, kubeconfigs, data, logs and pids under `.capstan/local/`.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** Where a cluster keeps its state: `.capstan/local/`, or `CAPSTAN_LOCAL_CLUSTER_DIR` (the e2e suite's own). */
export const STATE_DIR = process.env.CAPSTAN_LOCAL_CLUSTER_DIR
    ? path.resolve(process.env.CAPSTAN_LOCAL_CLUSTER_DIR)
    : path.join(REPO_ROOT, ".capstan", "local");

/** Capstan's cache: `~/.cache/capstan`, or `CAPSTAN_CACHE`. */
export const CACHE_DIR = path.resolve(process.env.CAPSTAN_CACHE ?? path.join(os.homedir(), ".cache", "capstan"));
export const TOOLCHAIN_DIR = path.join(CACHE_DIR, "toolchain");
export const BIN_DIR = path.join(TOOLCHAIN_DIR, "bin");
export const KWOK_STAGES_DIR = path.join(TOOLCHAIN_DIR, "kwok-stages");
/** kwok's own CRDs (Stage), which it reads its stages from. */
export const KWOK_CRD_DIR = path.join(TOOLCHAIN_DIR, "kwok-crds");

/** The processes of the cluster, in start order; `down` stops them in reverse. */
export const COMPONENTS = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"] as const;
export type Component = (typeof COMPONENTS)[number];

export const paths = {
    state: path.join(STATE_DIR, "state.json"),
    kubeconfig: path.join(STATE_DIR, "kubeconfig"),
    pki: path.join(STATE_DIR, "pki"),
    etcdData: path.join(STATE_DIR, "etcd"),
    logs: path.join(STATE_DIR, "logs"),
    pids: path.join(STATE_DIR, "pids"),
    log: (c: Component) => path.join(STATE_DIR, "logs", `${c}.log`),
    pid: (c: Component) => path.join(STATE_DIR, "pids", `${c}.pid`),
    componentKubeconfig: (c: Component) => path.join(STATE_DIR, `${c}.kubeconfig`),
};

/** The loopback ports a running cluster listens on, chosen free at `up`. */
export interface Ports {
    etcdClient: number;
    etcdPeer: number;
    apiserver: number;
    controllerManager: number;
    scheduler: number;
    /** kwok's kubelet API: the API server proxies a simulated pod's logs, exec and attach to it. */
    kwokServer: number;
}

export interface ClusterState {
    ports: Ports;
    startedAt: string;
    /** The NGINX CRDs applied at `up`: the file or URL they came from. */
    crds?: string;
}

export function readState(): ClusterState | undefined {
    if (!fs.existsSync(paths.state)) return undefined;
    return JSON.parse(fs.readFileSync(paths.state, "utf8")) as ClusterState;
}

export function writeState(state: ClusterState): void {
    fs.writeFileSync(paths.state, JSON.stringify(state, null, 2) + "\n");
}

/** The path of a toolchain binary; throws a one-line fix when the toolchain is not built. */
export function binary(name: string): string {
    const file = path.join(BIN_DIR, name);
    if (!fs.existsSync(file)) {
        throw new Error(`${name} not found in ${BIN_DIR}: run scripts/toolchain.sh first`);
    }
    return file;
}

export function apiserverUrl(ports: Ports): string {
    return `https://127.0.0.1:${ports.apiserver}`;
}
