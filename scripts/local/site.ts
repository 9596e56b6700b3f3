/**
 * What `capstan local up` keeps under Capstan's cache (`~/.cache/capstan/local`, or
 * `$CAPSTAN_CACHE/local`): the file backend of the local stack, the generated passphrase of its
 * secrets, its project folder (Pulumi.yaml and Pulumi.local.yaml, which the commands edit there,
 * never in the working copy) and the log of its updates. `capstan local env` prints the variables
 * that point the Pulumi CLI and the other commands at them.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { CACHE_DIR } from "../localCluster/layout";
import { toolchainEnv } from "./toolchain";
import { localStackDocument, withoutSecrets } from "./stackFile";

/** The kubeconfig context the local cluster writes. */
export const LOCAL_CONTEXT = "capstan-local";

export interface LocalSite {
    readonly dir: string;
    /** The file backend: the stack's state. */
    readonly stateDir: string;
    /** The generated passphrase of the stack's secrets (mode 0600, never printed). */
    readonly passphraseFile: string;
    /** Pulumi.yaml and Pulumi.local.yaml: the folder the commands read the stack file from (CAPSTAN_STACK_DIR). */
    readonly projectDir: string;
    readonly logFile: string;
    /** The file the simulated pods serve as their log. */
    readonly podLog: string;
}

export function localSite(cache: string = CACHE_DIR): LocalSite {
    const dir = path.join(cache, "local");
    return {
        dir,
        stateDir: path.join(dir, "state"),
        passphraseFile: path.join(dir, "passphrase"),
        projectDir: path.join(dir, "project"),
        logFile: path.join(dir, "local.log"),
        podLog: path.join(dir, "pod.log"),
    };
}

/** Makes the folders and a passphrase of 32 random bytes, keeping one that is there; true when it was made now. */
export function ensurePassphrase(site: LocalSite): boolean {
    fs.mkdirSync(site.stateDir, { recursive: true });
    if (fs.existsSync(site.passphraseFile)) return false;
    fs.writeFileSync(site.passphraseFile, randomBytes(32).toString("base64url"), { mode: 0o600 });
    return true;
}

/**
 * Writes the project folder: Pulumi.yaml, and Pulumi.local.yaml as committed, pointed at the local
 * cluster's context, without the committed secrets. Gives the config paths of the secrets to set
 * anew; none when the stack file is there already (an earlier `local up` set them).
 */
export function writeProject(site: LocalSite, projectDir: string, context = LOCAL_CONTEXT): string[] {
    const stackFile = path.join(site.projectDir, "Pulumi.local.yaml");
    if (fs.existsSync(stackFile)) return [];
    fs.mkdirSync(site.projectDir, { recursive: true });
    fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(site.projectDir, "Pulumi.yaml"));
    const { text, secrets } = withoutSecrets(localStackDocument(projectDir, context));
    fs.writeFileSync(stackFile, text);
    return secrets;
}

/** A new secret value: random, never printed. */
export function newSecret(): string {
    return randomBytes(24).toString("hex");
}

/**
 * The environment of the local stack's commands: the toolchain's Pulumi CLI, the file backend, the
 * passphrase file, the local cluster's kubeconfig and the project folder.
 */
export function localEnv(site: LocalSite, kubeconfig: string, basePath?: string): Record<string, string> {
    return {
        ...toolchainEnv(basePath),
        PULUMI_BACKEND_URL: `file://${site.stateDir}`,
        PULUMI_CONFIG_PASSPHRASE_FILE: site.passphraseFile,
        KUBECONFIG: kubeconfig,
        CAPSTAN_STACK_DIR: site.projectDir,
    };
}

const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;

/** `export NAME='value'` lines for a POSIX shell's eval; PATH goes before the shell's own. */
export function exportLines(env: Readonly<Record<string, string>>): string {
    return Object.entries(env)
        .map(([k, v]) => `export ${k}=${quote(v)}${k === "PATH" ? ':"$PATH"' : ""}`)
        .join("\n");
}
