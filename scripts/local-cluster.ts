/**
 * A local Kubernetes control plane for testing against a real API server:
 *
 *   npm run local-cluster -- up       etcd, kube-apiserver, kube-controller-manager, kube-scheduler
 *                                     and kwok on 127.0.0.1, simulated EKS-like Nodes in three zones,
 *                                     the NGINX Ingress CRDs; kubeconfig in .capstan/local/kubeconfig
 *   npm run local-cluster -- status   which processes run, and the API server's health
 *   npm run local-cluster -- down     stops everything and removes .capstan/local
 *
 * The binaries come from scripts/toolchain.sh.
 */
import * as fs from "fs";
import { componentArgs } from "./lib/localCluster/components";
import { crdFiles, installCrds, isApiserverReady, kubectl, readyNodes } from "./lib/localCluster/kube";
import {
    COMPONENTS,
    Component,
    ClusterState,
    Ports,
    STATE_DIR,
    apiserverUrl,
    binary,
    paths,
    readState,
    writeState,
} from "./lib/localCluster/layout";
import { nodeList } from "./lib/localCluster/nodes";
import { IDENTITIES, createPki, kubeconfigFor } from "./lib/localCluster/pki";
import { freePort, logTail, runningPid, startProcess, stopProcess, waitFor } from "./lib/localCluster/processes";

const USAGE = "usage: npm run local-cluster -- up|down|status";

async function choosePorts(): Promise<Ports> {
    return {
        etcdClient: await freePort(),
        etcdPeer: await freePort(),
        apiserver: await freePort(),
        controllerManager: await freePort(),
        scheduler: await freePort(),
    };
}

function writeKubeconfigs(ports: Ports): void {
    const server = apiserverUrl(ports);
    const write = (file: string, content: string) => fs.writeFileSync(file, content, { mode: 0o600 });
    write(paths.kubeconfig, kubeconfigFor(IDENTITIES.admin, server));
    write(paths.componentKubeconfig("kube-controller-manager"), kubeconfigFor(IDENTITIES.controllerManager, server));
    write(paths.componentKubeconfig("kube-scheduler"), kubeconfigFor(IDENTITIES.scheduler, server));
    write(paths.componentKubeconfig("kwok"), kubeconfigFor(IDENTITIES.admin, server));
}

/** Starts one component and fails fast, with its log, if it exits while `ready` is awaited. */
async function start(component: Component, ports: Ports, ready?: () => Promise<boolean> | boolean): Promise<void> {
    startProcess(component, binary(component), componentArgs(component, ports));
    await waitFor(`${component} to become ready`, 90_000, async () => {
        if (runningPid(component) === undefined) {
            throw new Error(`${component} exited; last lines of ${paths.log(component)}:\n${logTail(component)}`);
        }
        return ready ? await ready() : true;
    });
}

async function etcdHealthy(ports: Ports): Promise<boolean> {
    try {
        const res = await fetch(`http://127.0.0.1:${ports.etcdClient}/health`);
        return res.ok && ((await res.json()) as { health?: string }).health === "true";
    } catch {
        return false;
    }
}

async function bootCluster(ports: Ports): Promise<string[]> {
    await start("etcd", ports, () => etcdHealthy(ports));
    await start("kube-apiserver", ports, isApiserverReady);
    await start("kube-controller-manager", ports);
    await start("kube-scheduler", ports);
    await start("kwok", ports);
    kubectl(["apply", "-f", "-"], nodeList());
    const wanted = (JSON.parse(nodeList()) as { items: unknown[] }).items.length;
    await waitFor("the simulated Nodes to become Ready", 60_000, () => readyNodes().length === wanted);
    // Pods can only be created once the default ServiceAccount exists.
    await waitFor("the default ServiceAccount", 60_000, () => {
        try {
            kubectl(["get", "serviceaccount", "default", "-n", "default"]);
            return true;
        } catch {
            return false;
        }
    });
    const crds = crdFiles();
    return crds.length > 0 ? installCrds(crds) : [];
}

async function up(): Promise<void> {
    const running = COMPONENTS.filter((c) => runningPid(c) !== undefined);
    if (running.length === COMPONENTS.length) {
        console.log(`local cluster already running; kubeconfig: ${paths.kubeconfig}`);
        return;
    }
    if (running.length > 0) {
        throw new Error(
            `local cluster partly running (${running.join(", ")}): run npm run local-cluster -- down first`,
        );
    }
    COMPONENTS.forEach((c) => binary(c));
    binary("kubectl");
    fs.rmSync(STATE_DIR, { recursive: true, force: true });
    fs.mkdirSync(STATE_DIR, { recursive: true });
    const state: ClusterState = { ports: await choosePorts(), startedAt: new Date().toISOString() };
    writeState(state);
    createPki();
    writeKubeconfigs(state.ports);
    let crds: string[];
    try {
        crds = await bootCluster(state.ports);
    } catch (err) {
        await stopAll(true);
        throw new Error(`${(err as Error).message}\n(stopped again; logs are in ${paths.logs})`);
    }
    printSummary(state, crds);
}

function printSummary(state: ClusterState, crds: string[]): void {
    console.log(`local cluster up at ${apiserverUrl(state.ports)} (Kubernetes ${kubectlServerVersion()})`);
    console.log(`  kubeconfig  ${paths.kubeconfig}`);
    console.log(`  nodes       ${readyNodes().length} Ready (kwok), zones eu-central-1a/b/c`);
    console.log(
        `  crds        ${
            crds.length > 0
                ? crds.join(", ")
                : "none: the NGINX CRDs are not in the toolchain cache (scripts/toolchain.sh crds)"
        }`,
    );
    console.log(`  logs        ${paths.logs}`);
    console.log(`  try         kubectl --kubeconfig ${paths.kubeconfig} get nodes`);
}

function kubectlServerVersion(): string {
    const version = JSON.parse(kubectl(["version", "-o", "json"])) as { serverVersion?: { gitVersion?: string } };
    return version.serverVersion?.gitVersion ?? "unknown";
}

async function stopAll(keepState: boolean): Promise<void> {
    for (const component of [...COMPONENTS].reverse()) {
        const how = await stopProcess(component);
        if (how !== "not running") console.log(`  ${component}: ${how}`);
    }
    if (!keepState) fs.rmSync(STATE_DIR, { recursive: true, force: true });
}

async function down(): Promise<void> {
    if (!fs.existsSync(STATE_DIR)) {
        console.log("local cluster is not running");
        return;
    }
    await stopAll(false);
    console.log(`local cluster stopped; removed ${STATE_DIR}`);
}

function status(): void {
    const state = readState();
    if (!state) {
        console.log("local cluster is not running");
        return;
    }
    for (const component of COMPONENTS) {
        const pid = runningPid(component);
        console.log(`  ${component.padEnd(24)} ${pid === undefined ? "not running" : `running (pid ${pid})`}`);
    }
    const ready = isApiserverReady();
    console.log(`  api server ${apiserverUrl(state.ports)}: ${ready ? "ready" : "not ready"}`);
    if (ready) console.log(`  nodes Ready: ${readyNodes().length}`);
}

async function main(command: string | undefined): Promise<void> {
    switch (command) {
        case "up":
            return up();
        case "down":
            return down();
        case "status":
            return status();
        default:
            throw new Error(USAGE);
    }
}

main(process.argv[2]).catch((err: Error) => {
    console.error(`local-cluster: ${err.message}`);
    process.exit(1);
});
