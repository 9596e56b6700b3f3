import type { ConfigProblem } from "./errors";
import type { AppConfig } from "./schema";

type Effect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";

/** What the scheduler knows of a node group: its nodes' labels and taints. */
export interface NodeGroupPlacement {
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
    /** Its instance types, for the `node.kubernetes.io/instance-type` label every node carries. @default unknown */
    readonly instanceTypes?: readonly string[];
    readonly taints: readonly { readonly key: string; readonly value: string; readonly effect: Effect }[];
}

/** Where a workload's pods may go: its nodeSelector and tolerations (operator Equal). */
export interface WorkloadPlacement {
    /** The key path that sets them, e.g. `app.workers[0]`; `app.web` for the pods that set none. */
    readonly path: string;
    /** What the pods are, for messages. */
    readonly what: string;
    readonly nodeSelector: Readonly<Record<string, string>>;
    readonly tolerations: readonly { readonly key: string; readonly value: string; readonly effect: Effect }[];
}

/** The app's workloads by placement: web, canary, migration and cron pods set none; each worker its own. */
export function workloadPlacements(app: Pick<AppConfig, "workers">): WorkloadPlacement[] {
    return [
        { path: "app.web", what: "the web, canary, migration and cron pods", nodeSelector: {}, tolerations: [] },
        ...app.workers.map((w, i) => ({
            path: `app.workers[${i}]`,
            what: `worker ${w.name}`,
            nodeSelector: w.nodeSelector,
            tolerations: w.tolerations,
        })),
    ];
}

/** Taints that keep a pod off a node unless tolerated (PreferNoSchedule only discourages). */
function blocking(group: NodeGroupPlacement) {
    return group.taints.filter((t) => t.effect !== "PreferNoSchedule");
}

function untolerated(group: NodeGroupPlacement, w: WorkloadPlacement) {
    return blocking(group).filter(
        (t) => !w.tolerations.some((o) => o.key === t.key && o.value === t.value && o.effect === t.effect),
    );
}

/**
 * Whether a group's nodes carry the label: the group's own labels, or one the kubelet and the cloud
 * set on every node (Linux on x86-64, its instance type, zone and region, its host name), which
 * matches where what the value depends on is unknown here.
 */
function carries(g: NodeGroupPlacement, key: string, value: string): boolean {
    if (key in g.labels) return g.labels[key] === value;
    switch (key) {
        case "kubernetes.io/os":
        case "beta.kubernetes.io/os":
            return value === "linux";
        case "kubernetes.io/arch":
        case "beta.kubernetes.io/arch":
            return value === "amd64";
        case "node.kubernetes.io/instance-type":
        case "beta.kubernetes.io/instance-type":
            return g.instanceTypes === undefined || g.instanceTypes.includes(value);
        case "kubernetes.io/hostname":
        case "topology.kubernetes.io/zone":
        case "topology.kubernetes.io/region":
        case "failure-domain.beta.kubernetes.io/zone":
        case "failure-domain.beta.kubernetes.io/region":
            return true;
        default:
            return false;
    }
}

const selects = (w: WorkloadPlacement, g: NodeGroupPlacement) =>
    Object.entries(w.nodeSelector).every(([k, v]) => carries(g, k, v));

/** The groups whose nodes a workload's pods can be scheduled on: labels selected, taints tolerated. */
export function eligibleGroups<G extends NodeGroupPlacement>(w: WorkloadPlacement, groups: readonly G[]): G[] {
    return groups.filter((g) => selects(w, g) && untolerated(g, w).length === 0);
}

const showLabels = (labels: Readonly<Record<string, string>>) =>
    `{${Object.entries(labels)
        .map(([k, v]) => `${k}: ${v}`)
        .join(", ")}}`;
const showTaint = (t: NodeGroupPlacement["taints"][number]) => `${t.key}=${t.value}:${t.effect}`;

/**
 * Pods whose nodeSelector matches no node group's labels, or whose matching groups all carry a
 * taint they do not tolerate, stay Pending forever: the autoscaler has no group it could grow for
 * them. `groupsPath` names where the groups come from (this stack's `nodeGroups`, or the owner's).
 */
export function placementProblems(
    workloads: readonly WorkloadPlacement[],
    groups: readonly NodeGroupPlacement[],
    groupsPath: string,
): ConfigProblem[] {
    if (groups.length === 0) return [];
    const problems: ConfigProblem[] = [];
    for (const w of workloads) {
        const selected = groups.filter((g) => selects(w, g));
        if (selected.length === 0) {
            const known = groups.map((g) => `${g.name} ${showLabels(g.labels)}`).join(", ");
            problems.push({
                path: `capstan:${w.path}.nodeSelector`,
                message: `${showLabels(w.nodeSelector)} matches no node group of ${groupsPath} (${known}), so the pods of ${w.what} would stay Pending; select labels a group carries`,
            });
            continue;
        }
        if (selected.some((g) => untolerated(g, w).length === 0)) continue;
        const taints = [...new Set(selected.flatMap((g) => untolerated(g, w).map(showTaint)))];
        const fix =
            w.path === "app.web"
                ? `leave one group of ${groupsPath} without a NoSchedule or NoExecute taint`
                : `tolerate them, e.g. tolerations: [${selected[0].taints
                      .filter((t) => t.effect !== "PreferNoSchedule")
                      .map((t) => `{key: ${t.key}, value: ${t.value}, effect: ${t.effect}}`)
                      .join(", ")}]`;
        problems.push({
            path: w.path === "app.web" ? `capstan:${groupsPath}` : `capstan:${w.path}.tolerations`,
            message: `every node group ${w.path === "app.web" ? "" : "the nodeSelector matches "}(${selected.map((g) => g.name).join(", ")}) is tainted ${taints.join(", ")}, which ${w.what} do${w.path === "app.web" ? "" : "es"} not tolerate, so the pods would stay Pending: ${fix}`,
        });
    }
    return problems;
}
