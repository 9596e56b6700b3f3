/**
 * Rules for the Kubernetes workloads: what every pod template of the platform must satisfy.
 */
import { unpinnedImageProblem } from "./images";
import {
    at,
    containersOf,
    K8S,
    listAt,
    objAt,
    objectName,
    podSpecOf,
    WORKLOAD_TYPES,
    type Obj,
    type ResourceRule,
} from "./types";
import { restrictedViolations } from "./podSecurity";

function perContainer(check: (c: Obj, spec: Obj) => string[]) {
    return (type: string, props: Obj): string[] => {
        const spec = podSpecOf(type, props);
        if (!spec) return [];
        return containersOf(spec).flatMap(({ where, container }) =>
            check(container, spec).map((problem) => `${objectName(props)} ${where}: ${problem}`),
        );
    };
}

export const pinnedImageTags: ResourceRule = {
    name: "pinned-image-tags",
    description: "Every container image names one build: a tag other than latest, or a digest.",
    types: WORKLOAD_TYPES,
    check: perContainer((c) => {
        if (typeof c.image !== "string" || c.image === "") return ["sets no image"];
        const problem = unpinnedImageProblem(c.image);
        return problem ? [problem] : [];
    }),
};

export const containerResources: ResourceRule = {
    name: "container-resources",
    description: "Every container requests CPU and memory and limits its memory.",
    types: WORKLOAD_TYPES,
    check: perContainer((c) => {
        const fields: [string, unknown][] = [
            ["requests.cpu", at(c, "resources", "requests", "cpu")],
            ["requests.memory", at(c, "resources", "requests", "memory")],
            ["limits.memory", at(c, "resources", "limits", "memory")],
        ];
        const missing = fields.filter(([, v]) => v === undefined || v === null || v === "").map(([k]) => k);
        return missing.length
            ? [`sets no resources ${missing.join(", ")}; the scheduler and the autoscalers need them`]
            : [];
    }),
};

export const webProbes: ResourceRule = {
    name: "web-probes",
    description: "Every Deployment container that serves a port has a readiness and a liveness probe.",
    types: [K8S.deployment],
    check: perContainer((c) => {
        if (listAt(c, "ports").length === 0) return [];
        const missing = ["readinessProbe", "livenessProbe"].filter((p) => !c[p]);
        return missing.length
            ? [
                  `serves a port but has no ${missing.join(" and no ")}; a rollout would send traffic to pods that cannot answer`,
              ]
            : [];
    }),
};

/** `0`, `"0"` and `"0%"` all mean no pod may be unavailable. */
function isZero(v: unknown): boolean {
    return v === 0 || v === "0" || v === "0%";
}

export const zeroMaxUnavailable: ResourceRule = {
    name: "zero-max-unavailable",
    description: "Deployments roll with maxUnavailable 0: a new pod is ready before an old one goes.",
    types: [K8S.deployment],
    check: (_type, props) => {
        const strategy = objAt(props, "spec", "strategy");
        if (strategy.type === "Recreate")
            return [
                `${objectName(props)}: strategy Recreate stops every pod before starting new ones; use RollingUpdate with maxUnavailable: 0`,
            ];
        const value = at(strategy, "rollingUpdate", "maxUnavailable");
        if (isZero(value)) return [];
        const shown = value === undefined ? "unset (Kubernetes defaults to 25%)" : JSON.stringify(value);
        return [`${objectName(props)}: spec.strategy.rollingUpdate.maxUnavailable is ${shown}; set it to 0`];
    },
};

export const cronJobsForbidConcurrency: ResourceRule = {
    name: "cronjob-forbid-concurrency",
    description: "CronJobs run one at a time (concurrencyPolicy: Forbid).",
    types: [K8S.cronJob],
    check: (_type, props) => {
        const policy = at(props, "spec", "concurrencyPolicy");
        if (policy === "Forbid") return [];
        return [
            `${objectName(props)}: spec.concurrencyPolicy is ${policy === undefined ? "unset (Kubernetes defaults to Allow)" : JSON.stringify(policy)}; set it to Forbid so that runs never overlap`,
        ];
    },
};

export const restrictedPodSecurity: ResourceRule = {
    name: "restricted-pod-security",
    description: "Pod templates meet the Kubernetes 'restricted' Pod Security Standard.",
    types: WORKLOAD_TYPES,
    check: (type, props) => {
        const spec = podSpecOf(type, props);
        return spec ? restrictedViolations(spec).map((p) => `${objectName(props)}: ${p}`) : [];
    },
};

export const kubernetesResourceRules: readonly ResourceRule[] = [
    pinnedImageTags,
    containerResources,
    webProbes,
    zeroMaxUnavailable,
    cronJobsForbidConcurrency,
    restrictedPodSecurity,
];
