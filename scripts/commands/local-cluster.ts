/**
 * `capstan local-cluster up | status | down | stop <component> | start <component>`: a local
 * Kubernetes control plane for testing against a real API server. The binaries come from
 * scripts/toolchain.sh. CAPSTAN_LOCAL_CLUSTER_DIR moves the state folder.
 */
import * as fs from "fs";
import { componentArgs } from "../localCluster/components";
import { CHARTS, nginxCrdsUrl } from "../../components/core/versions";
import { UsageError } from "../cli/cli";
import { defineCommand, parseCommandLine } from "../cli/define";
import { processIo, runCommand, type CommandIo } from "../cli/runCommand";
import {
    installCrds,
    installKwokStages,
    isApiserverReady,
    kubectl,
    nodeHealth,
    readyNodes,
} from "../localCluster/kube";
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
} from "../localCluster/layout";
import { nodeList } from "../localCluster/nodes";
import { IDENTITIES, createPki, kubeconfigFor } from "../localCluster/pki";
import { freePort, logTail, runningPid, startProcess, stopProcess, waitFor } from "../localCluster/processes";

/** The NGINX Ingress Controller's CRDs of the release the program pins (components/core/versions.ts). */
export const DEFAULT_CRDS = nginxCrdsUrl(CHARTS.nginxIngress.appVersion);

type Args =
    | { command: "up"; crds: string }
    | { command: "down" }
    | { command: "status" }
    | { command: "stop" | "start"; component: Component };

function readArgs(command: string, component: string | undefined, crdsOption: string | undefined): Args {
    if (crdsOption !== undefined && command !== "up") throw new UsageError("--crds goes with up");
    if (command === "down" || command === "status" || command === "up") {
        if (component !== undefined) throw new UsageError(`unexpected argument ${component}`);
        if (command !== "up") return { command };
        const crds = crdsOption ?? DEFAULT_CRDS;
        if (!/^https?:\/\//.test(crds) && !fs.existsSync(crds)) throw new UsageError(`--crds: no file ${crds}`);
        return { command, crds };
    }
    if (command === "stop" || command === "start") {
        if (!COMPONENTS.includes(component as Component))
            throw new UsageError(`${command} needs a component: ${COMPONENTS.join(", ")}`);
        return { command, component: component as Component };
    }
    throw new UsageError(`unknown command ${command}`);
}

export const definition = defineCommand<Args>({
    name: "local-cluster",
    summary: "start, check or stop a local control plane with simulated nodes",
    description: `A local Kubernetes control plane for testing against a real API server: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok on 127.0.0.1, simulated EKS-like Nodes in three zones and the NGINX Ingress CRDs; its kubeconfig is .capstan/local/kubeconfig. The binaries come from \`capstan toolchain\`. Components: ${COMPONENTS.join(", ")}.`,
    synopsis: [
        "up [--crds FILE|URL]   start a cluster (default CRDs: the pinned NGINX release's)",
        "status                 processes, API server, node and lease health",
        "down                   stop it and remove its state",
        "stop <component>       stop one component, keeping its state (an outage to test against)",
        "start <component>      start a stopped component again with the same state",
    ],
    arguments: [
        {
            name: "command",
            description: "up, status, down, stop or start",
            missing: "name a command: up, status, down, stop or start",
        },
        { name: "component", description: `with stop and start: one of ${COMPONENTS.join(", ")}` },
    ],
    options: [
        {
            name: "crds",
            value: "FILE|URL",
            description: "with up: the NGINX Ingress CRDs to apply",
            default: "the pinned NGINX release's deploy/crds.yaml",
        },
    ],
    examples: [
        { command: "capstan local-cluster up", says: "a cluster with the pinned NGINX CRDs" },
        { command: "capstan local-cluster stop kube-apiserver", says: "an API server outage to test against" },
    ],
    exits: [],
    parse: (line) => readArgs(line.positionals[0], line.positionals[1], line.options.crds as string | undefined),
});

/** The command line read by the definition. */
export function parseArgs(argv: readonly string[]): Args {
    return parseCommandLine(definition, argv);
}

async function choosePorts(): Promise<Ports> {
    return {
        etcdClient: await freePort(),
        etcdPeer: await freePort(),
        apiserver: await freePort(),
        controllerManager: await freePort(),
        scheduler: await freePort(),
        kwokServer: await freePort(),
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

async function bootCluster(ports: Ports, crdSource: string): Promise<string[]> {
    await start("etcd", ports, () => etcdHealthy(ports));
    await start("kube-apiserver", ports, isApiserverReady);
    installKwokStages();
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
    try {
        return installCrds(crdSource);
    } catch (err) {
        throw new Error(
            `cannot apply the NGINX CRDs from ${crdSource}: ${(err as Error).message}\n` +
                "Pass --crds FILE with a copy of the controller release's deploy/crds.yaml.",
        );
    }
}

async function up(crdSource: string): Promise<void> {
    const running = COMPONENTS.filter((c) => runningPid(c) !== undefined);
    if (running.length === COMPONENTS.length) {
        console.log(`local cluster already running; kubeconfig: ${paths.kubeconfig}`);
        return;
    }
    if (running.length > 0) {
        throw new Error(`local cluster partly running (${running.join(", ")}): run capstan local-cluster down first`);
    }
    COMPONENTS.forEach((c) => binary(c));
    binary("kubectl");
    fs.rmSync(STATE_DIR, { recursive: true, force: true });
    fs.mkdirSync(STATE_DIR, { recursive: true });
    const state: ClusterState = { ports: await choosePorts(), startedAt: new Date().toISOString(), crds: crdSource };
    writeState(state);
    createPki();
    writeKubeconfigs(state.ports);
    let crds: string[];
    try {
        crds = await bootCluster(state.ports, crdSource);
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
    console.log(`  crds        ${crds.join(", ")}`);
    console.log(`              from ${state.crds}`);
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

/** Starts one stopped component of a running cluster, with the ports and state it had. */
async function startOne(component: Component): Promise<number> {
    const state = readState();
    if (!state) {
        console.error("local-cluster: the local cluster is not running; start it with: capstan local-cluster up");
        return 1;
    }
    if (runningPid(component) !== undefined) {
        console.log(`${component}: already running`);
        return 0;
    }
    const ready =
        component === "etcd"
            ? () => etcdHealthy(state.ports)
            : component === "kube-apiserver"
              ? isApiserverReady
              : undefined;
    await start(component, state.ports, ready);
    console.log(`${component}: started (pid ${runningPid(component)})`);
    return 0;
}

/** Prints the cluster's health; false when something is down or a node is not Ready. */
function status(): boolean {
    const state = readState();
    if (!state) {
        console.log("local cluster is not running");
        return false;
    }
    let healthy = true;
    for (const component of COMPONENTS) {
        const pid = runningPid(component);
        if (pid === undefined) healthy = false;
        console.log(`  ${component.padEnd(24)} ${pid === undefined ? "not running" : `running (pid ${pid})`}`);
    }
    const ready = isApiserverReady();
    console.log(`  api server ${apiserverUrl(state.ports)}: ${ready ? "ready" : "not ready"}`);
    if (!ready) return false;
    const health = nodeHealth();
    const readyCount = health.nodes - health.notReady.length;
    console.log(`  nodes Ready: ${readyCount} of ${health.nodes}; heartbeat leases fresh: ${health.freshLeases}`);
    for (const n of health.notReady) console.log(`    NOT READY ${n.name}: ${n.reason}`);
    if (health.freshLeases < health.nodes)
        console.log(
            `    ${health.nodes - health.freshLeases} node(s) without a fresh lease in kube-node-lease: kwok is not renewing them (see ${paths.log("kwok")}), so the controller manager will mark them NotReady`,
        );
    return healthy && health.notReady.length === 0 && health.freshLeases >= health.nodes;
}

async function act(args: Args): Promise<number> {
    switch (args.command) {
        case "up":
            await up(args.crds);
            return 0;
        case "down":
            await down();
            return 0;
        case "status":
            return status() ? 0 : 1;
        case "stop":
            console.log(`${args.component}: ${await stopProcess(args.component)}`);
            return 0;
        case "start":
            return startOne(args.component);
    }
}

/** Entry point of `capstan local-cluster`. */
export function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
    return runCommand(definition, argv, io, act);
}
