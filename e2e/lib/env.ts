/**
 * The suite's surroundings: the toolchain it runs (built by scripts/toolchain.sh, never by the
 * suite), and a temporary folder for everything it writes: the file backend, the stack files, the
 * local cluster's state and a log.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { lockedVersion as lockedPackageVersion, missingToolchain, toolchainEnv } from "../../scripts/local/toolchain";

export const REPO = path.resolve(__dirname, "..", "..");
/** The passphrase of Pulumi.local.yaml's placeholder secrets, and of every stack the suite makes. */
export const PASSPHRASE = "capstan-local";

export { missingToolchain };

export interface Workspace {
    /** The temporary folder of this run. */
    readonly dir: string;
    /** Pulumi.yaml and the stack files the scenarios edit: copies, never the committed files. */
    readonly stackDir: string;
    /** The local cluster's state, when the suite runs its own. */
    readonly clusterDir: string;
    readonly kubeconfig: string;
    readonly logFile: string;
}

export function makeWorkspace(kubeconfig?: string): Workspace {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-e2e-"));
    const stackDir = path.join(dir, "project");
    fs.mkdirSync(stackDir);
    fs.mkdirSync(path.join(dir, "state"));
    fs.copyFileSync(path.join(REPO, "Pulumi.yaml"), path.join(stackDir, "Pulumi.yaml"));
    const clusterDir = path.join(dir, "cluster");
    return {
        dir,
        stackDir,
        clusterDir,
        kubeconfig: kubeconfig ? path.resolve(kubeconfig) : path.join(clusterDir, "kubeconfig"),
        logFile: path.join(dir, "e2e.log"),
    };
}

/**
 * The environment of the CLI, of the inline programs in this process, and of every command the
 * suite starts: the toolchain first on PATH, the plugins in its PULUMI_HOME, a file backend, the
 * passphrase, no plugin downloads (this machine has no network to get them from).
 */
export function suiteEnv(ws: Workspace): Record<string, string> {
    return {
        ...toolchainEnv(),
        PULUMI_BACKEND_URL: `file://${path.join(ws.dir, "state")}`,
        PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
        KUBECONFIG: ws.kubeconfig,
        CAPSTAN_STACK_DIR: ws.stackDir,
        CAPSTAN_LOCAL_CLUSTER_DIR: ws.clusterDir,
    };
}

/** Appends to the run's log: commands, their output, and every step of every scenario. */
export function logger(ws: Workspace): (text: string) => void {
    return (text) => fs.appendFileSync(ws.logFile, text.endsWith("\n") ? text : `${text}\n`);
}

/** The version of an npm package as package-lock.json locks it. */
export function lockedVersion(pkg: string): string {
    return lockedPackageVersion(REPO, pkg);
}
