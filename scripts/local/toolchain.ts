/**
 * The real-engine toolchain that scripts/toolchain.sh builds: what of it is missing, and the
 * environment that runs the Pulumi CLI and its plugins from it (the CLI first on PATH, the plugins
 * in its PULUMI_HOME, no plugin downloads).
 */
import * as fs from "fs";
import * as path from "path";
import { BIN_DIR, TOOLCHAIN_DIR } from "../localCluster/layout";

/** The Pulumi CLI's home of the toolchain: its plugins (the Kubernetes provider, the policy analyzer). */
export const PULUMI_HOME = path.join(TOOLCHAIN_DIR, "pulumi-home");

/** The control plane's programs: needed only where Capstan runs its own local cluster. */
const CLUSTER_BINARIES = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"];

/** What of the toolchain is missing, each named by its file or plugin; empty when everything is built. */
export function missingToolchain(kubernetesProviderVersion: string, ownCluster: boolean): string[] {
    const bins = ["pulumi", "kubectl", ...(ownCluster ? CLUSTER_BINARIES : [])];
    const missing = bins.filter((b) => !fs.existsSync(path.join(BIN_DIR, b))).map((b) => `${BIN_DIR}/${b}`);
    const plugins = path.join(PULUMI_HOME, "plugins");
    if (!fs.existsSync(path.join(plugins, `resource-kubernetes-v${kubernetesProviderVersion}`)))
        missing.push(`the kubernetes resource plugin v${kubernetesProviderVersion} in ${PULUMI_HOME}`);
    const analyzer =
        fs.existsSync(plugins) && fs.readdirSync(plugins).some((d) => d.startsWith("analyzer-policy-nodejs"));
    if (!analyzer) missing.push(`the policy-nodejs analyzer plugin in ${PULUMI_HOME}`);
    return missing;
}

/** The environment that runs the toolchain's Pulumi CLI with its plugins; PATH keeps what `basePath` had after it. */
export function toolchainEnv(basePath = process.env.PATH ?? ""): Record<string, string> {
    return {
        PATH: basePath ? `${BIN_DIR}${path.delimiter}${basePath}` : BIN_DIR,
        PULUMI_HOME,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    };
}

/** The version of an npm package as the project's package-lock.json locks it. */
export function lockedVersion(projectDir: string, pkg: string): string {
    const lock = JSON.parse(fs.readFileSync(path.join(projectDir, "package-lock.json"), "utf8")) as {
        packages: Record<string, { version: string }>;
    };
    return lock.packages[`node_modules/${pkg}`].version;
}
