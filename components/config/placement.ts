import type { ConfigProblem } from "./errors";
import type { AppConfig } from "./schema";

type Effect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";

/** What the scheduler knows of a node group: its nodes' labels and taints. */
export interface NodeGroupPlacement {
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
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
        ...app.workers.map((w, i) => ({ path: `app.workers[${i}]`, what: `worker ${w.name}`, nodeSelector: w.nodeSelector, tolerations: w.tolerations })),
    ];
}

/** Taints that keep a pod off a node unless tolerated (PreferNoSchedule only discourages). */
function blocking(group: NodeGroupPlacement) {
    return group.taints.filter((t) => t.effect !== "PreferNoSchedule");
}

function untolerated(group: NodeGroupPlacement, w: WorkloadPlacement) {
    return blocking(group).filter((t) => !w.tolerations.some((o) => o.key === t.key && o.value === t.value && o.effect === t.effect));
}

/** The groups whose nodes a workload's pods can be scheduled on: labels selected, taints tolerated. */
export function eligibleGroups<G extends NodeGroupPlacement>(w: WorkloadPlacement, groups: readonly G[]): G[] {
    return groups.filter((g) => Object.entries(w.nodeSelector).every(([k, v]) => g.labels[k] === v) && untolerated(g, w).length === 0);
}

const showLabels = (labels: Readonly<Record<string, string>>) => `{${Object.entries(labels).map(([k, v]) => `${k}: ${v}`).join(", ")}}`;
const showTaint = (t: NodeGroupPlacement["taints"][number]) => `${t.key}=${t.value}:${t.effect}`;

/**
 * Pods whose nodeSelector matches no node group's labels, or whose matching groups all carry a
 * taint they do not tolerate, stay Pending forever: the autoscaler has no group it could grow for
 * them. `groupsPath` names where the groups come from (this stack's `nodeGroups`, or the owner's).
 */
export function placementProblems(workloads: readonly WorkloadPlacement[], groups: readonly NodeGroupPlacement[], groupsPath: string): ConfigProblem[] {
    if (groups.length === 0) return [];
    const problems: ConfigProblem[] = [];
    for (const w of workloads) {
        const selected = groups.filter((g) => Object.entries(w.nodeSelector).every(([k, v]) => g.labels[k] === v));
        if (selected.length === 0) {
            const known = groups.map((g) => `${g.name} ${showLabels(g.labels)}`).join(", ");
            problems.push({ path: `capstan:${w.path}.nodeSelector`, message: `${showLabels(w.nodeSelector)} matches no node group of ${groupsPath} (${known}), so the pods of ${w.what} would stay Pending; select labels a group carries` });
            continue;
        }
        if (selected.some((g) => untolerated(g, w).length === 0)) continue;
        const taints = [...new Set(selected.flatMap((g) => untolerated(g, w).map(showTaint)))];
        const fix = w.path === "app.web" ? `leave one group of ${groupsPath} without a NoSchedule or NoExecute taint` : `tolerate them, e.g. tolerations: [${selected[0].taints.filter((t) => t.effect !== "PreferNoSchedule").map((t) => `{key: ${t.key}, value: ${t.value}, effect: ${t.effect}}`).join(", ")}]`;
        problems.push({
            path: w.path === "app.web" ? `capstan:${groupsPath}` : `capstan:${w.path}.tolerations`,
            message: `every node group ${w.path === "app.web" ? "" : "the nodeSelector matches "}(${selected.map((g) => g.name).join(", ")}) is tainted ${taints.join(", ")}, which ${w.what} do${w.path === "app.web" ? "" : "es"} not tolerate, so the pods would stay Pending: ${fix}`,
        });
    }
    return problems;
}
