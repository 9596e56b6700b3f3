/** Simulated capacity for the large stacks of the benchmark and of the suite's load scenario. */
import { kubectl } from "./kube";

/** Three large simulated nodes, one per zone, so that 200 workloads fit. */
export async function addCapacity(): Promise<void> {
    const zones = ["eu-central-1a", "eu-central-1b", "eu-central-1c"];
    const items = zones.map((zone, i) => ({
        apiVersion: "v1",
        kind: "Node",
        metadata: {
            name: `bench-${i + 1}`,
            annotations: { "kwok.x-k8s.io/node": "fake" },
            labels: {
                "kubernetes.io/hostname": `bench-${i + 1}`,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "topology.kubernetes.io/zone": zone,
                "eks.amazonaws.com/nodegroup": "general",
            },
        },
        status: {
            allocatable: { cpu: "64", memory: "256Gi", pods: "250", "ephemeral-storage": "500Gi" },
            capacity: { cpu: "64", memory: "256Gi", pods: "250", "ephemeral-storage": "500Gi" },
        },
    }));
    await kubectl(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items }));
}
