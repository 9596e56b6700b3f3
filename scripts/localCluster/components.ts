/**
 * The command line of each control-plane process. Everything listens on 127.0.0.1 only; etcd
 * speaks plain HTTP because only the API server, on the same loopback, talks to it.
 */
import { Component, Ports, paths } from "./layout";
import { pkiFile } from "./pki";

const SERVICE_CIDR = "10.96.0.0/16";
const ISSUER = "https://kubernetes.default.svc.cluster.local";

function etcdArgs(ports: Ports): string[] {
    const client = `http://127.0.0.1:${ports.etcdClient}`;
    const peer = `http://127.0.0.1:${ports.etcdPeer}`;
    return [
        "--name=capstan-local",
        `--data-dir=${paths.etcdData}`,
        `--listen-client-urls=${client}`,
        `--advertise-client-urls=${client}`,
        `--listen-peer-urls=${peer}`,
        `--initial-advertise-peer-urls=${peer}`,
        `--initial-cluster=capstan-local=${peer}`,
        // A throwaway cluster: skipping fsync makes every write much faster.
        "--unsafe-no-fsync",
    ];
}

function apiserverArgs(ports: Ports): string[] {
    return [
        `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        `--secure-port=${ports.apiserver}`,
        `--tls-cert-file=${pkiFile("apiserver.crt")}`,
        `--tls-private-key-file=${pkiFile("apiserver.key")}`,
        `--client-ca-file=${pkiFile("ca.crt")}`,
        "--authorization-mode=RBAC",
        "--enable-admission-plugins=PodSecurity",
        "--allow-privileged=true",
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        `--service-account-issuer=${ISSUER}`,
        `--service-account-key-file=${pkiFile("service-account.pub")}`,
        `--service-account-signing-key-file=${pkiFile("service-account.key")}`,
        "--profiling=false",
    ];
}

/** The flags kube-controller-manager and kube-scheduler share: identity, serving, no leader election. */
function delegatedArgs(component: Component, port: number): string[] {
    const kubeconfig = paths.componentKubeconfig(component);
    return [
        `--kubeconfig=${kubeconfig}`,
        `--authentication-kubeconfig=${kubeconfig}`,
        `--authorization-kubeconfig=${kubeconfig}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${port}`,
        "--leader-elect=false",
    ];
}

function controllerManagerArgs(ports: Ports): string[] {
    return [
        ...delegatedArgs("kube-controller-manager", ports.controllerManager),
        // Each controller runs as its own service account, with tokens signed by this key.
        "--use-service-account-credentials=true",
        `--service-account-private-key-file=${pkiFile("service-account.key")}`,
        `--root-ca-file=${pkiFile("ca.crt")}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        "--profiling=false",
    ];
}

function schedulerArgs(ports: Ports): string[] {
    return [...delegatedArgs("kube-scheduler", ports.scheduler), "--profiling=false"];
}

/**
 * How long a simulated node's heartbeat Lease lasts: kwok renews it at a quarter of this. Without a
 * Lease the controller manager sees every node stop reporting after its grace period, marks them
 * NotReady and evicts their pods' readiness.
 */
export const NODE_LEASE_SECONDS = 40;

/**
 * kwok plays the kubelet of every Node. Its stages are Stage objects in the API server (see
 * installKwokStages), so tests can add their own while it runs.
 */
function kwokArgs(): string[] {
    return [
        `--kubeconfig=${paths.componentKubeconfig("kwok")}`,
        "--manage-all-nodes=true",
        "--enable-crds=Stage",
        `--node-lease-duration-seconds=${NODE_LEASE_SECONDS}`,
    ];
}

export function componentArgs(component: Component, ports: Ports): string[] {
    switch (component) {
        case "etcd":
            return etcdArgs(ports);
        case "kube-apiserver":
            return apiserverArgs(ports);
        case "kube-controller-manager":
            return controllerManagerArgs(ports);
        case "kube-scheduler":
            return schedulerArgs(ports);
        case "kwok":
            return kwokArgs();
    }
}
