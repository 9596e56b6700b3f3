/**
 * How many nodes a node group needs for the pods that land on it: each node's allocatable after the
 * kubelet's reservations (the EKS AMI's formulas) and the DaemonSets, pods packed first-fit by size.
 */
import { instanceCapacity } from "../../components/config/capacity";
import type { DaemonDemand, PodDemand } from "./pods";
import { field, list, num, str, type PlanResource } from "./plan";

export interface NodeGroupShape {
    readonly name: string;
    readonly instanceType: string;
    readonly minSize: number;
    readonly maxSize: number;
    readonly volumeGiB: number;
    readonly labels: Readonly<Record<string, string>>;
    readonly taints: readonly { key: string; value: string; effect: string }[];
}

const TEMPLATE = "k8s.io/cluster-autoscaler/node-template/";

/** A node group as its Auto Scaling group and launch template declare it. */
export function nodeGroupShape(asg: PlanResource, resources: readonly PlanResource[]): NodeGroupShape {
    const tags = list(asg.inputs.tags).map((t) => ({
        key: str(field(t, "key")) ?? "",
        value: str(field(t, "value")) ?? "",
    }));
    const overrides = list(field(asg.inputs, "mixedInstancesPolicy", "launchTemplate", "overrides"));
    const template = resources.find((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate" && r.name === asg.name);
    const labels: Record<string, string> = {};
    const taints: { key: string; value: string; effect: string }[] = [];
    for (const t of tags) {
        if (t.key.startsWith(`${TEMPLATE}label/`)) labels[t.key.slice(`${TEMPLATE}label/`.length)] = t.value;
        if (t.key.startsWith(`${TEMPLATE}taint/`)) {
            const [value, effect] = t.value.split(":");
            taints.push({ key: t.key.slice(`${TEMPLATE}taint/`.length), value, effect });
        }
    }
    return {
        name: asg.name,
        instanceType: str(field(overrides, 0, "instanceType")) ?? str(template?.inputs.instanceType) ?? "unknown",
        minSize: num(asg.inputs.minSize) ?? 0,
        maxSize: num(asg.inputs.maxSize) ?? 0,
        volumeGiB: Number(field(template?.inputs, "blockDeviceMappings", 0, "ebs", "volumeSize") ?? 0),
        labels,
        taints,
    };
}

/** The most pods the VPC CNI gives a node: ENIs × (addresses per ENI − 1) + 2, for the sizes Capstan uses. */
const MAX_PODS: Readonly<Record<string, number>> = { large: 29, xlarge: 58, "2xlarge": 58, "4xlarge": 234 };

/** Millicores and MiB a node offers pods: capacity less kube-reserved, the eviction threshold and the DaemonSets. */
export function allocatable(instanceType: string, daemons: DaemonDemand): { cpu: number; memory: number } | undefined {
    const capacity = instanceCapacity(instanceType);
    if (!capacity) return undefined;
    const cores = capacity.cpu;
    const reservedCpu =
        60 + (cores > 1 ? 10 : 0) + Math.max(0, Math.min(cores, 4) - 2) * 5 + Math.max(0, cores - 4) * 2.5;
    const maxPods = MAX_PODS[instanceType.split(".")[1]] ?? 110;
    const reservedMemory = 255 + 11 * maxPods + 100;
    return {
        cpu: cores * 1000 - reservedCpu - daemons.cpu,
        memory: capacity.memoryGiB * 1024 - reservedMemory - daemons.memory,
    };
}

/** Whether a pod may run on a group: its node selector matches the group's labels, and it tolerates every taint. */
export function eligible(pod: PodDemand, group: NodeGroupShape): boolean {
    const selects = Object.entries(pod.nodeSelector).every(([k, v]) => group.labels[k] === v);
    const tolerates = group.taints.every((t) =>
        pod.tolerations.some(
            (tol) =>
                (tol.operator === "Exists" && (!tol.key || tol.key === t.key)) ||
                (tol.key === t.key && tol.value === t.value && (!tol.effect || tol.effect === t.effect)),
        ),
    );
    return selects && tolerates;
}

/** The nodes `count` pods of each demand need, packed first-fit by decreasing size; undefined if one pod fits no node. */
export function nodesFor(
    pods: readonly { cpu: number; memory: number; count: number }[],
    node: { cpu: number; memory: number },
): number | undefined {
    const items = pods.flatMap((p) => Array.from({ length: p.count }, () => p));
    items.sort((a, b) => b.cpu / node.cpu + b.memory / node.memory - (a.cpu / node.cpu + a.memory / node.memory));
    const free: { cpu: number; memory: number }[] = [];
    for (const pod of items) {
        if (pod.cpu > node.cpu || pod.memory > node.memory) return undefined;
        const bin = free.find((b) => b.cpu >= pod.cpu && b.memory >= pod.memory);
        if (bin) {
            bin.cpu -= pod.cpu;
            bin.memory -= pod.memory;
        } else free.push({ cpu: node.cpu - pod.cpu, memory: node.memory - pod.memory });
    }
    return free.length;
}

export interface GroupSizing {
    readonly group: NodeGroupShape;
    /** The nodes the pods need at their autoscalers' minimum and maximum, before the group's own bounds. */
    readonly atPodMin?: number;
    readonly atPodMax?: number;
    readonly allocatable?: { cpu: number; memory: number };
    readonly pods: readonly PodDemand[];
}

/** Each group's pods (the first group each pod may run on) and the nodes they need. */
export function sizeGroups(
    groups: readonly NodeGroupShape[],
    pods: readonly PodDemand[],
    daemons: DaemonDemand,
): GroupSizing[] {
    return groups.map((group) => {
        const mine = pods.filter((p) => groups.find((g) => eligible(p, g)) === group);
        const node = allocatable(group.instanceType, daemons);
        if (!node) return { group, pods: mine };
        return {
            group,
            pods: mine,
            allocatable: node,
            atPodMin: nodesFor(
                mine.map((p) => ({ ...p, count: p.min })),
                node,
            ),
            atPodMax: nodesFor(
                mine.map((p) => ({ ...p, count: p.max })),
                node,
            ),
        };
    });
}

/** A size within the group's bounds. */
export function clamp(group: NodeGroupShape, nodes: number): number {
    return Math.min(group.maxSize, Math.max(group.minSize, nodes));
}
