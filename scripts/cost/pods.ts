/**
 * The pods a render asks nodes for: the app's Deployments at their autoscalers' minimum and maximum,
 * the add-ons' pods from their Helm values, and the DaemonSets every node runs.
 */
import { parseQuantity } from "../../components/core";
import { field, list, num, str, type PlanResource } from "./plan";

export interface PodDemand {
    readonly name: string;
    /** Millicores and MiB the pod requests. */
    readonly cpu: number;
    readonly memory: number;
    readonly min: number;
    readonly max: number;
    readonly nodeSelector: Readonly<Record<string, string>>;
    readonly tolerations: readonly { key?: string; value?: string; effect?: string; operator?: string }[];
}

/** What one node gives to DaemonSets: kube-proxy's and the VPC CNI's requests (EKS add-on defaults) and the add-on charts'. */
export interface DaemonDemand {
    readonly cpu: number;
    readonly memory: number;
    readonly names: readonly string[];
}

const DAEMON_CHARTS = ["fluent-bit", "prometheus-node-exporter"];
/** kube-proxy (100m) and aws-node (25m): the EKS add-ons' own requests, outside the render. */
const EKS_DAEMONS = { cpu: 125, memory: 0 };

type Toleration = PodDemand["tolerations"][number];

function requests(resources: unknown): { cpu: number; memory: number } {
    const quantity = (name: string) => {
        const v = field(resources, "requests", name);
        return parseQuantity(typeof v === "number" ? String(v) : (str(v) ?? "0")) ?? 0;
    };
    return { cpu: Math.round(quantity("cpu") * 1000), memory: Math.round(quantity("memory") / 2 ** 20) };
}

function deployments(resources: readonly PlanResource[]): PodDemand[] {
    const hpas = new Map(
        resources
            .filter((r) => r.type === "kubernetes:autoscaling/v2:HorizontalPodAutoscaler")
            .map((r) => [str(field(r.inputs, "spec", "scaleTargetRef", "name")), field(r.inputs, "spec")]),
    );
    return resources
        .filter((r) => r.type === "kubernetes:apps/v1:Deployment")
        .map((r) => {
            const spec = field(r.inputs, "spec", "template", "spec");
            const sum = list(field(spec, "containers")).map((c) => requests(field(c, "resources")));
            const name = str(field(r.inputs, "metadata", "name")) ?? r.name;
            const hpa = hpas.get(name);
            const replicas = num(field(r.inputs, "spec", "replicas")) ?? 1;
            return {
                name,
                cpu: sum.reduce((a, b) => a + b.cpu, 0),
                memory: sum.reduce((a, b) => a + b.memory, 0),
                min: num(field(hpa, "minReplicas")) ?? replicas,
                max: num(field(hpa, "maxReplicas")) ?? replicas,
                nodeSelector: (field(spec, "nodeSelector") ?? {}) as Record<string, string>,
                tolerations: list(field(spec, "tolerations")) as Toleration[],
            };
        });
}

function releaseResources(r: PlanResource): unknown {
    return field(r.inputs, "values", "resources") ?? field(r.inputs, "values", "controller", "resources");
}

const chart = (r: PlanResource) => str(r.inputs.chart) ?? "";

/** The app's pods and the add-ons' Deployment pods (one replica each unless the chart's values say more). */
export function podDemands(resources: readonly PlanResource[]): PodDemand[] {
    const addOns = resources
        .filter((r) => r.type === "kubernetes:helm.sh/v3:Release" && !DAEMON_CHARTS.includes(chart(r)))
        .filter((r) => releaseResources(r))
        .map((r): PodDemand => {
            const replicas =
                num(field(r.inputs, "values", "controller", "replicaCount")) ??
                num(field(r.inputs, "values", "replicaCount")) ??
                1;
            return {
                name: r.name,
                ...requests(releaseResources(r)),
                min: replicas,
                max: replicas,
                nodeSelector: {},
                tolerations: [],
            };
        });
    return [...deployments(resources), ...addOns];
}

export function daemonDemand(resources: readonly PlanResource[]): DaemonDemand {
    const charts = resources.filter(
        (r) => r.type === "kubernetes:helm.sh/v3:Release" && DAEMON_CHARTS.includes(chart(r)),
    );
    const each = charts.map((r) => requests(releaseResources(r)));
    return {
        cpu: EKS_DAEMONS.cpu + each.reduce((a, b) => a + b.cpu, 0),
        memory: EKS_DAEMONS.memory + each.reduce((a, b) => a + b.memory, 0),
        names: ["kube-proxy", "aws-node", ...charts.map(chart)],
    };
}
