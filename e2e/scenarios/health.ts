/**
 * The cluster itself: its nodes stayed Ready for the whole run, each renewing its heartbeat Lease,
 * and no pod lost readiness to a node that stopped reporting.
 */
import { check } from "../lib/app";
import type { Scenario } from "../lib/context";
import { REPO } from "../lib/env";
import { list, run } from "../lib/kube";

export const clusterHealth: Scenario = {
    id: "m",
    title: "the cluster's nodes stayed Ready with fresh leases, and no pod lost readiness to a node",
    async run(ctx) {
        const nodes = await list(["nodes"]);
        const notReady = nodes.filter(
            (n) =>
                !(n.status?.conditions ?? []).some(
                    (c: { type: string; status: string }) => c.type === "Ready" && c.status === "True",
                ),
        );
        check(notReady.length === 0, `nodes not Ready: ${notReady.map((n) => n.metadata.name).join(", ")}`);
        const leases = await list(["leases", "-n", "kube-node-lease"]);
        check(
            leases.length >= nodes.length,
            `${nodes.length} nodes but ${leases.length} heartbeat leases in kube-node-lease`,
        );
        const pods = await list(["pods", "-A"]);
        const lost = pods.filter((p) =>
            (p.status?.conditions ?? []).some(
                (c: { type: string; status: string; reason?: string }) =>
                    c.type === "Ready" && c.status === "False" && c.reason === "NodeNotReady",
            ),
        );
        check(
            lost.length === 0,
            `pods not Ready because of their node: ${lost.map((p) => p.metadata.name).join(", ")}`,
        );
        if (ctx.ownCluster) {
            const status = await run("npm", ["run", "--silent", "local-cluster", "--", "status"], { cwd: REPO });
            ctx.log(status.stdout);
            check(status.code === 0, `npm run local-cluster -- status exited ${status.code}:\n${status.stdout}`);
        }
        return `${nodes.length} nodes Ready, ${leases.length} leases`;
    },
};
