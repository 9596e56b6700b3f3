import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { parseQuantity } from "../core";
import { type HttpProbes, httpProbes, type LivenessCheck, livenessProbe } from "./probes";

type PodSpec = k8s.types.input.core.v1.PodSpec;
type Container = k8s.types.input.core.v1.Container;

/** The role of a pod in the app; it is also the name of its container. */
export type PodRole = "web" | "worker" | "cron" | "migrate" | "assets";

/** The Kubernetes labels of one workload's pods. The image tag is never a label: a deploy changes only images. */
export function workloadLabels(app: string, workload: string, role: PodRole): Record<string, string> {
    return {
        "app.kubernetes.io/name": app,
        "app.kubernetes.io/instance": workload,
        "app.kubernetes.io/component": role,
    };
}

/** The labels a workload selects its pods by: a subset of {@link workloadLabels} that never changes. */
export function selectorLabels(app: string, workload: string): Record<string, string> {
    return { "app.kubernetes.io/name": app, "app.kubernetes.io/instance": workload };
}

/** The image a workload runs: the repository and the tag, always carried together. */
export interface ImageRef {
    /** The repository, without tag (`capstan:app.image`). */
    readonly repository: string;
    /** The tag (`capstan:imageTag`, or the canary's). */
    readonly tag: string;
}

/** The image reference a container names: the repository and the tag, nothing else. */
export function imageReference(image: ImageRef): string {
    return `${image.repository}:${image.tag}`;
}

/** The ConfigMap and Secret every container reads its environment from. */
export interface EnvSources {
    readonly configMapName: pulumi.Input<string>;
    /** Absent when the app has no secret environment. */
    readonly secretName?: pulumi.Input<string>;
}

export interface Resources {
    readonly cpu: string;
    readonly memory: string;
    readonly memoryLimit: string;
    /** Ephemeral-storage request. */
    readonly ephemeralStorage: string;
    /** Ephemeral-storage limit; every writable path gets an equal share of it as its size limit. */
    readonly ephemeralStorageLimit: string;
}

/**
 * The size limit of each writable path (emptyDir): an equal share of the container's
 * ephemeral-storage limit, in whole MiB, so that no one directory can fill the node's disk and
 * together they stay within the limit.
 */
export function writablePathSizeLimit(ephemeralStorageLimit: string, paths: number): string {
    const bytes = parseQuantity(ephemeralStorageLimit) ?? 0;
    return `${Math.floor(bytes / Math.max(1, paths) / 2 ** 20)}Mi`;
}

/** What every pod of the app shares, whatever its role: made once, by the RailsApp. */
export interface PodBase {
    readonly env: EnvSources;
    readonly serviceAccountName: pulumi.Input<string>;
    /** Non-root user id of every container. */
    readonly runAsUser: number;
    /** Directories that get a writable emptyDir; the rest of the root filesystem is read-only. */
    readonly writablePaths: readonly string[];
}

/** What one workload's container runs: the Args of every workload and of every pod carry it. */
export interface WorkloadRun {
    /** The image the pods run, repository and tag. */
    readonly image: ImageRef;
    /** The container's argv. @default the image's entrypoint and command */
    readonly command?: readonly string[];
    readonly resources: Resources;
}

/** One pod of the app: the shared base, what its workload runs, and the fields of its role. */
export interface AppPodArgs extends PodBase, WorkloadRun {
    readonly role: PodRole;
    /**
     * Whether the container reads the app's ConfigMap and Secret. @default true; false for a container
     * of the app's image that needs none of its settings or secrets (the assets Job's copy)
     */
    readonly appEnv?: boolean;
    /** Variables set on the container itself; they take precedence over the ConfigMap's and Secret's. @default none */
    readonly containerEnv?: Readonly<Record<string, string>>;
    /** `Always` for Deployments, `Never` for Jobs. */
    readonly restartPolicy: "Always" | "Never";
    /** Seconds between SIGTERM and SIGKILL. @default Kubernetes' 30 */
    readonly terminationGracePeriodSeconds?: number;
    /** The port the container serves on, named `http`. @default none */
    readonly port?: number;
    /** Readiness, liveness and startup probes over HTTP. @default none */
    readonly probes?: HttpProbes;
    /** The check that restarts a hung container that serves no traffic (a worker). @default none: restarted only when it exits */
    readonly liveness?: LivenessCheck;
    /** Seconds the container sleeps on stop before it gets SIGTERM. @default 0: no preStop hook */
    readonly preStopSleepSeconds?: number;
    /** Labels of the nodes to run on, e.g. a worker node group's. @default {}: any node */
    readonly nodeSelector?: Record<string, string>;
    /** Taints to tolerate, e.g. a worker node group's. @default [] */
    readonly tolerations?: readonly { key: string; value: string; effect: string }[];
    /** Pod labels to spread across zones and nodes by. @default no spread constraint */
    readonly spreadLabels?: Record<string, string>;
}

/** The volume name of a writable path: `w-tmp` for `/tmp`, `w-rails-tmp` for `/rails/tmp`. */
export function volumeName(path: string): string {
    return `w-${path
        .replace(/^\//, "")
        .replace(/[^a-z0-9]+/gi, "-")
        .toLowerCase()}`
        .slice(0, 63)
        .replace(/-+$/, "");
}

const RESTRICTED_CONTAINER = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
};

/**
 * `{ [key]: list }`, or nothing when the list is empty: Kubernetes reads an empty list as an absent
 * one, so it would only be noise in the manifests and in every diff.
 */
function listOf<K extends string, T>(key: K, list: T[]): { [k in K]?: T[] } {
    return (list.length > 0 ? { [key]: list } : {}) as { [k in K]?: T[] };
}

/** Each writable path's emptyDir, mounted at that path. */
export function writableMounts(paths: readonly string[]): k8s.types.input.core.v1.VolumeMount[] {
    return paths.map((p) => ({ name: volumeName(p), mountPath: p }));
}

/** The emptyDir of each writable path, each with an equal share of the ephemeral-storage limit. */
export function writableVolumes(
    args: Pick<AppPodArgs, "writablePaths" | "resources">,
): k8s.types.input.core.v1.Volume[] {
    return args.writablePaths.map((p) => ({
        name: volumeName(p),
        emptyDir: {
            sizeLimit: writablePathSizeLimit(args.resources.ephemeralStorageLimit, args.writablePaths.length),
        },
    }));
}

/** The app's container: image, command, env, resources, probes and the restricted security context. */
export function appContainer(args: AppPodArgs): Container {
    const envFrom: k8s.types.input.core.v1.EnvFromSource[] = [{ configMapRef: { name: args.env.configMapName } }];
    if (args.env.secretName !== undefined) envFrom.push({ secretRef: { name: args.env.secretName } });
    return {
        name: args.role,
        image: imageReference(args.image),
        ...listOf("command", [...(args.command ?? [])]),
        ...(args.appEnv === false ? {} : { envFrom }),
        ...listOf(
            "env",
            Object.entries(args.containerEnv ?? {}).map(([name, value]) => ({ name, value })),
        ),
        ...(args.port !== undefined ? { ports: [{ name: "http", containerPort: args.port, protocol: "TCP" }] } : {}),
        resources: {
            requests: {
                cpu: args.resources.cpu,
                memory: args.resources.memory,
                "ephemeral-storage": args.resources.ephemeralStorage,
            },
            limits: { memory: args.resources.memoryLimit, "ephemeral-storage": args.resources.ephemeralStorageLimit },
        },
        ...(args.probes ? httpProbes(args.probes) : {}),
        ...(args.liveness ? { livenessProbe: livenessProbe(args.liveness) } : {}),
        ...(args.preStopSleepSeconds
            ? { lifecycle: { preStop: { sleep: { seconds: args.preStopSleepSeconds } } } }
            : {}),
        securityContext: RESTRICTED_CONTAINER,
        ...listOf("volumeMounts", writableMounts(args.writablePaths)),
    };
}

/**
 * Spread a workload's pods across zones and, within each zone, across nodes. Any constraint
 * replaces the scheduler's default spreading, so the zone one alone would let several replicas
 * share a node. Both are `ScheduleAnyway`: a lost zone, or a zone with one node, must not leave
 * new pods pending. `pod-template-hash` keeps a rollout's new pods from counting the old ones.
 */
export function spreadConstraints(labels: Record<string, string>): k8s.types.input.core.v1.TopologySpreadConstraint[] {
    return ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: { ...labels } },
        matchLabelKeys: ["pod-template-hash"],
    }));
}

/**
 * The pod spec of every pod of the app. It meets the restricted Pod Security Standard: non-root, no
 * privilege escalation, no capabilities, RuntimeDefault seccomp, read-only root filesystem with
 * emptyDirs where the app writes.
 */
export function appPodSpec(args: AppPodArgs): PodSpec {
    return {
        serviceAccountName: args.serviceAccountName,
        // The pods talk to no Kubernetes API; IRSA, when used, injects its own token.
        automountServiceAccountToken: false,
        // Service links would add a variable per Service in the namespace to the app's env.
        enableServiceLinks: false,
        restartPolicy: args.restartPolicy,
        ...(args.terminationGracePeriodSeconds !== undefined
            ? { terminationGracePeriodSeconds: args.terminationGracePeriodSeconds }
            : {}),
        securityContext: {
            runAsNonRoot: true,
            runAsUser: args.runAsUser,
            runAsGroup: args.runAsUser,
            fsGroup: args.runAsUser,
            seccompProfile: { type: "RuntimeDefault" },
        },
        ...(args.nodeSelector && Object.keys(args.nodeSelector).length > 0
            ? { nodeSelector: { ...args.nodeSelector } }
            : {}),
        ...(args.tolerations && args.tolerations.length > 0
            ? {
                  tolerations: args.tolerations.map((t) => ({
                      key: t.key,
                      operator: "Equal",
                      value: t.value,
                      effect: t.effect,
                  })),
              }
            : {}),
        ...(args.spreadLabels ? { topologySpreadConstraints: spreadConstraints(args.spreadLabels) } : {}),
        ...listOf("volumes", writableVolumes(args)),
        containers: [appContainer(args)],
    };
}

/** A pod template: the workload's labels (and annotations, if any) and the app's pod spec. */
export function podTemplate(
    labels: Record<string, string>,
    args: AppPodArgs,
    annotations?: Readonly<Record<string, string>>,
): k8s.types.input.core.v1.PodTemplateSpec {
    return {
        metadata: { labels, ...(annotations ? { annotations: { ...annotations } } : {}) },
        spec: appPodSpec(args),
    };
}
