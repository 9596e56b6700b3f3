/**
 * The simulated Nodes: per zone one node of each staging node group, labelled as EKS labels the
 * nodes of a managed node group, with the allocatable resources of their instance types.
 */

export const REGION = "eu-central-1";
export const ZONES = ["eu-central-1a", "eu-central-1b", "eu-central-1c"];

interface Resources {
    cpu: string;
    memory: string;
    pods: string;
    "ephemeral-storage": string;
}

interface NodeGroup {
    name: string;
    instanceType: string;
    allocatable: Resources;
    capacity: Resources;
    labels?: Record<string, string>;
    taints?: { key: string; value: string; effect: string }[];
}

/**
 * As in Pulumi.staging.yaml; allocatable is what EKS reserves on these sizes (29 pods for .large),
 * and of the node's 50 GiB root volume what the kubelet leaves pods (less its 10 % eviction threshold
 * and the images).
 */
const NODE_GROUPS: NodeGroup[] = [
    {
        name: "general",
        instanceType: "m7i.large",
        capacity: { cpu: "2", memory: "7927Mi", pods: "29", "ephemeral-storage": "50Gi" },
        allocatable: { cpu: "1930m", memory: "7134Mi", pods: "29", "ephemeral-storage": "41Gi" },
    },
    {
        name: "workers",
        instanceType: "c7i.large",
        capacity: { cpu: "2", memory: "3843Mi", pods: "29", "ephemeral-storage": "50Gi" },
        allocatable: { cpu: "1930m", memory: "3351Mi", pods: "29", "ephemeral-storage": "41Gi" },
        labels: { role: "workers" },
        taints: [{ key: "role", value: "workers", effect: "NoSchedule" }],
    },
];

function nodeManifest(group: NodeGroup, zone: string, index: number): object {
    const name = `ip-10-20-${index}-10.${REGION}.compute.internal`;
    return {
        apiVersion: "v1",
        kind: "Node",
        metadata: {
            name,
            annotations: { "kwok.x-k8s.io/node": "fake" },
            labels: {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "node.kubernetes.io/instance-type": group.instanceType,
                "topology.kubernetes.io/region": REGION,
                "topology.kubernetes.io/zone": zone,
                "eks.amazonaws.com/nodegroup": group.name,
                "eks.amazonaws.com/capacityType": "ON_DEMAND",
                ...group.labels,
            },
        },
        spec: { taints: group.taints ?? [] },
        // kwok's node-initialize stage keeps these and fills in the rest of the status.
        status: { allocatable: group.allocatable, capacity: group.capacity },
    };
}

/** A v1 List of every simulated Node, as JSON for `kubectl apply -f -`. */
export function nodeList(): string {
    const items = NODE_GROUPS.flatMap((group, g) =>
        ZONES.map((zone, z) => nodeManifest(group, zone, g * ZONES.length + z + 1)),
    );
    return JSON.stringify({ apiVersion: "v1", kind: "List", items });
}
