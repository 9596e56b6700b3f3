import * as path from "path";
import { describe, expect, it } from "vitest";
import { CHARTS } from "../../../components/core/versions";
import { componentArgs, NODE_LEASE_SECONDS } from "../../../scripts/localCluster/components";
import { nodeList } from "../../../scripts/localCluster/nodes";
import { DEFAULT_CRDS, parseArgs } from "../../../scripts/commands/local-cluster";
import { UsageError } from "../../../scripts/cli/cli";
import { PROJECT_DIR } from "../../harness";

const PORTS = { etcdClient: 1, etcdPeer: 2, apiserver: 3, controllerManager: 4, scheduler: 5, kwokServer: 6 };

describe("npm run local-cluster", () => {
    it("applies the NGINX CRDs of the controller release the program pins unless told otherwise", () => {
        expect(parseArgs(["up"])).toEqual({ command: "up", crds: DEFAULT_CRDS });
        expect(DEFAULT_CRDS).toBe(
            `https://raw.githubusercontent.com/nginx/kubernetes-ingress/v${CHARTS.nginxIngress.appVersion}/deploy/crds.yaml`,
        );
    });

    it("takes --crds as a file or a URL", () => {
        const file = path.join(PROJECT_DIR, "package.json");
        expect(parseArgs(["up", "--crds", file])).toEqual({ command: "up", crds: file });
        expect(parseArgs(["up", "--crds=https://example.com/crds.yaml"])).toEqual({
            command: "up",
            crds: "https://example.com/crds.yaml",
        });
    });

    it("stops and starts one component by name, for an outage to test against", () => {
        expect(parseArgs(["stop", "kube-apiserver"])).toEqual({ command: "stop", component: "kube-apiserver" });
        expect(parseArgs(["start", "etcd"])).toEqual({ command: "start", component: "etcd" });
    });

    it.each([
        [[], ""],
        [["start"], "start needs a component: etcd, kube-apiserver"],
        [["stop", "kubelet"], "stop needs a component"],
        [["stop", "etcd", "now"], "unexpected argument now"],
        [["up", "--crds"], "--crds needs a value (FILE|URL)"],
        [["up", "--crds", "/no/such/crds.yaml"], "--crds: no file /no/such/crds.yaml"],
        [["down", "now"], "unexpected argument now"],
    ])("refuses %j with a usage error", (argv, message) => {
        expect(() => parseArgs(argv)).toThrow(UsageError);
        if (message) expect(() => parseArgs(argv)).toThrow(message);
    });
});

describe("kwok, the simulated nodes' kubelet", () => {
    const args = componentArgs("kwok", PORTS);

    it("keeps a heartbeat Lease for every node, renewed well within the controller manager's grace period", () => {
        // Without a lease the node lifecycle controller marks every node NotReady after its grace
        // period (50 s in Kubernetes 1.34) and their pods lose Ready. kwok renews at a quarter of the duration.
        expect(args).toContain(`--node-lease-duration-seconds=${NODE_LEASE_SECONDS}`);
        expect(NODE_LEASE_SECONDS).toBeGreaterThan(0);
        expect(NODE_LEASE_SECONDS / 4).toBeLessThan(50 / 2);
    });

    it("reads its stages from the API server, so that tests can add their own while it runs", () => {
        expect(
            args
                .find((a) => a.startsWith("--enable-crds="))
                ?.split("=")[1]
                .split(","),
        ).toContain("Stage");
        expect(args.some((a) => a.startsWith("--config"))).toBe(false);
    });

    it("serves pods' logs, exec and attach from local files and commands, on the port the API server reaches every node at", () => {
        expect(
            args
                .find((a) => a.startsWith("--enable-crds="))
                ?.split("=")[1]
                .split(","),
        ).toEqual(expect.arrayContaining(["ClusterLogs", "ClusterExec", "ClusterAttach"]));
        expect(args).toContain("--node-ip=127.0.0.1");
        expect(args).toContain(`--node-port=${PORTS.kwokServer}`);
        expect(args).toContain(`--server-address=127.0.0.1:${PORTS.kwokServer}`);
        expect(componentArgs("kube-apiserver", PORTS)).toContain("--kubelet-preferred-address-types=InternalIP");
    });
});

describe("the simulated nodes", () => {
    const nodes = (
        JSON.parse(nodeList()) as {
            items: { metadata: { name: string }; status: { allocatable: Record<string, string> } }[];
        }
    ).items;

    it("offer ephemeral storage, which every app container requests (256Mi by default), for a full node of pods", () => {
        const gib = (q: string) => Number(/^(\d+)Gi$/.exec(q)?.[1] ?? NaN);
        for (const n of nodes) {
            const { pods, "ephemeral-storage": disk } = n.status.allocatable;
            expect(gib(disk), n.metadata.name).toBeGreaterThanOrEqual((Number(pods) * 256) / 1024);
        }
    });
});
