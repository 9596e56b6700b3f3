import { ASSETS_POD } from "../core/assets";
import { coverWholeInternet, formatCidr, parseCidr, type Cidr } from "../core/cidr";
import { PLATFORM_NAMESPACES } from "../core/ingress";
import { appNamespace } from "../core/names";
import { parseQuantity } from "../core/quantity";
import { CLUSTER_AUTOSCALER_IMAGE_TAGS } from "../core/versions";
import { capacityProblems } from "./capacity";
import type { ConfigProblem } from "./errors";
import { placementProblems, workloadPlacements } from "./placement";
import { runningCanary, type RootConfig, uploadsAssets } from "./schema";

const at = (path: string, message: string): ConfigProblem => ({ path: `capstan:${path}`, message });

function namespaceChecks(cfg: RootConfig): ConfigProblem[] {
    const { namespace, path } = appNamespace(cfg);
    const taken = (PLATFORM_NAMESPACES as readonly string[]).includes(namespace) || namespace.startsWith("kube-");
    return taken
        ? [
              at(
                  path,
                  `makes the app's namespace ${JSON.stringify(namespace)}, which belongs to the platform or Kubernetes (${PLATFORM_NAMESPACES.join(", ")}, kube-*); ${path === "app.name" ? "set app.namespace to a namespace of the app's own" : "choose another"}`,
              ),
          ]
        : [];
}

/** An NLB's TLS listener takes only a certificate of its own region. */
function certificateChecks(cfg: RootConfig): ConfigProblem[] {
    return (["public", "internal"] as const).flatMap((cls) => {
        const arn = cfg.ingress[cls]?.certificateArn;
        const region = arn?.split(":")[3];
        return arn && region !== cfg.region
            ? [
                  at(
                      `ingress.${cls}.certificateArn`,
                      `is a certificate of ${region}, but the stack's load balancers are in aws:region ${cfg.region}; a listener takes only a certificate of its own region: request or import one in ${cfg.region}`,
                  ),
              ]
            : [];
    });
}

function publicAccessChecks(cfg: RootConfig): ConfigProblem[] {
    const cidrs = cfg.cluster.publicAccessCidrs;
    const blocks = cidrs.map(parseCidr).filter((b): b is Cidr => b !== undefined);
    // A single 0.0.0.0/0 is reported at its own entry.
    if (blocks.some((b) => b.prefix === 0) || !coverWholeInternet(blocks)) return [];
    return [
        at(
            "cluster.publicAccessCidrs",
            `${blocks.map(formatCidr).join(" + ")} together cover the whole internet, as open as 0.0.0.0/0; list your office or VPN ranges, or none for a private endpoint`,
        ),
    ];
}

/** cluster-autoscaler must run the cluster's minor version; the pinned images are in versions.ts. */
function versionChecks(cfg: RootConfig): ConfigProblem[] {
    const version = cfg.cluster.version;
    if (cfg.cluster.mode !== "create" || !version || version in CLUSTER_AUTOSCALER_IMAGE_TAGS) return [];
    return [
        at(
            "cluster.version",
            `${JSON.stringify(version)} has no cluster-autoscaler image pinned; use one of ${Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS).join(", ")}, or pin its image in CLUSTER_AUTOSCALER_IMAGE_TAGS in components/core/versions.ts`,
        ),
    ];
}

/** The pods of a Deployment a rolling update adds: maxSurge 25% of the replicas, rounded up. */
const surge = (replicas: number) => Math.ceil(replicas * 0.25);

/**
 * The tenant's quota must hold the app at its minimum replicas, plus the surge of a rollout of every
 * Deployment (a deploy rolls them together) and the migration Job: otherwise the quota refuses the
 * pods a deploy needs, and the update hangs on them.
 */
function quotaChecks(cfg: RootConfig): ConfigProblem[] {
    const tenant = cfg.tenant;
    if (!tenant) return [];
    const app = cfg.app;
    const web = app.web.resources;
    const deployments = [
        { replicas: app.web.minReplicas, r: web },
        ...(runningCanary(cfg.canary) ? [{ replicas: 1, r: web }] : []),
        ...app.workers.map((w) => ({ replicas: w.minReplicas, r: w.resources })),
    ];
    const jobs = runningCanary(cfg.canary) ? 2 : 1;
    const pods = [
        ...deployments.map((d) => ({ count: d.replicas + surge(d.replicas), r: d.r })),
        { count: jobs, r: app.migrate.resources ?? web },
        // The assets Jobs run beside the migrations.
        ...(uploadsAssets(cfg) ? [{ count: jobs, r: ASSETS_POD }] : []),
    ];
    const sum = (f: (r: Pick<typeof web, "cpu" | "memoryLimit" | "ephemeralStorageLimit">) => string) =>
        pods.reduce((total, p) => total + p.count * (parseQuantity(f(p.r)) ?? 0), 0);
    const need = {
        cpu: sum((r) => r.cpu),
        memory: sum((r) => r.memoryLimit),
        ephemeralStorage: sum((r) => r.ephemeralStorageLimit),
        pods: pods.reduce((n, p) => n + p.count, 0),
    };
    const have = {
        cpu: parseQuantity(tenant.quota.cpu) ?? Infinity,
        memory: parseQuantity(tenant.quota.memory) ?? Infinity,
        ephemeralStorage: parseQuantity(tenant.quota.ephemeralStorage) ?? Infinity,
        pods: tenant.quota.pods,
    };
    const round = (v: number) => Math.round(v * 1000) / 1000;
    const gi = (bytes: number) => `${Math.ceil(bytes / 2 ** 30)}Gi`;
    const why = `the app at its minimum replicas, one rollout surge of every Deployment and the migration${uploadsAssets(cfg) ? " and assets Jobs" : " Job"}`;
    const q = tenant.quota;
    const shortfalls: [keyof typeof need, string, string][] = [
        [
            "cpu",
            "tenant.quota.cpu",
            `${JSON.stringify(q.cpu)} is less than the ${round(need.cpu)} CPU requested by ${why}; raise it to at least ${Math.ceil(need.cpu)}`,
        ],
        [
            "memory",
            "tenant.quota.memory",
            `${JSON.stringify(q.memory)} is less than the ${gi(need.memory)} of memory limits of ${why}; raise it to at least ${gi(need.memory)}`,
        ],
        [
            "ephemeralStorage",
            "tenant.quota.ephemeralStorage",
            `${JSON.stringify(q.ephemeralStorage)} is less than the ${gi(need.ephemeralStorage)} of ephemeral-storage limits of ${why}; raise it to at least ${gi(need.ephemeralStorage)}`,
        ],
        [
            "pods",
            "tenant.quota.pods",
            `${have.pods} is less than the ${need.pods} pods of ${why}; raise it to at least ${need.pods}`,
        ],
    ];
    return shortfalls.filter(([k]) => need[k] > have[k]).map(([, path, message]) => at(path, message));
}

/**
 * The labels a kubelet may set on its own Node (`IsKubeletLabel` in k8s.io/kubelet): a label of the
 * kubernetes.io or k8s.io namespaces outside these stops the kubelet at start ("unknown
 * 'kubernetes.io' or 'k8s.io' labels specified with --node-labels"), so the group's nodes never join.
 */
const KUBELET_LABELS = new Set([
    "kubernetes.io/hostname",
    "kubernetes.io/os",
    "kubernetes.io/arch",
    "beta.kubernetes.io/os",
    "beta.kubernetes.io/arch",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
    "node.kubernetes.io/instance-type",
    "beta.kubernetes.io/instance-type",
]);

export function kubeletRefuses(key: string): boolean {
    const domain = key.includes("/") ? key.split("/")[0] : "";
    const inDomain = (d: string) => domain === d || domain.endsWith(`.${d}`);
    if (!inDomain("kubernetes.io") && !inDomain("k8s.io")) return false;
    if (KUBELET_LABELS.has(key)) return false;
    return !(inDomain("kubelet.kubernetes.io") || inDomain("node.kubernetes.io"));
}

/** What the kubelet or EC2 would refuse in a node group: reserved labels, repeated taints and instance types. */
function nodeGroupChecks(cfg: RootConfig): ConfigProblem[] {
    if (cfg.cluster.mode !== "create") return [];
    return cfg.nodeGroups.flatMap((g, i) => {
        const problems: ConfigProblem[] = [];
        for (const key of Object.keys(g.labels).filter(kubeletRefuses)) {
            problems.push(
                at(
                    `nodeGroups[${i}].labels.${key}`,
                    `is in the kubernetes.io/k8s.io namespace, which a kubelet may not label its node with: the group's nodes would never join; use your own prefix (e.g. example.com/role) or node.kubernetes.io/`,
                ),
            );
        }
        const taints = g.taints.map((t) => `${t.key}:${t.effect}`);
        taints.forEach((t, j) => {
            if (taints.indexOf(t) !== j)
                problems.push(
                    at(
                        `nodeGroups[${i}].taints[${j}]`,
                        `repeats the taint ${t}; a node takes one taint per key and effect`,
                    ),
                );
        });
        g.instanceTypes.forEach((t, j) => {
            if (g.instanceTypes.indexOf(t) !== j)
                problems.push(
                    at(
                        `nodeGroups[${i}].instanceTypes[${j}]`,
                        `${JSON.stringify(t)} is listed twice; the Auto Scaling group takes each instance type once`,
                    ),
                );
        });
        return problems;
    });
}

/** EKS access entries: one per principal. */
function adminChecks(cfg: RootConfig): ConfigProblem[] {
    const arns = cfg.cluster.adminRoleArns;
    return arns.flatMap((a, i) =>
        arns.indexOf(a) !== i
            ? [
                  at(
                      `cluster.adminRoleArns[${i}]`,
                      `${JSON.stringify(a)} is listed twice; EKS takes one access entry per principal`,
                  ),
              ]
            : [],
    );
}

/** References between keys that the cluster, AWS or NGINX will enforce. */
export function crossRefChecks(cfg: RootConfig): ConfigProblem[] {
    return [
        ...namespaceChecks(cfg),
        ...certificateChecks(cfg),
        ...publicAccessChecks(cfg),
        ...versionChecks(cfg),
        ...nodeGroupChecks(cfg),
        ...adminChecks(cfg),
        ...quotaChecks(cfg),
        ...(cfg.cluster.mode === "create"
            ? [
                  ...placementProblems(workloadPlacements(cfg.app), cfg.nodeGroups, "nodeGroups"),
                  ...capacityProblems(cfg),
              ]
            : []),
    ];
}
