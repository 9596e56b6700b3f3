/**
 * Pods made from the web Deployment's *current* pod template, as the cluster has it: the image tag
 * it runs now, the release's hashed ConfigMap and Secret, its ServiceAccount, security context,
 * resources, placement and tolerations. Only the command changes, and what belongs to a server
 * (ports, probes, the preStop drain, the spread among the web pods) is left out. Pure functions:
 * the commands read the Deployment, these build the objects, the tests compare them field by field.
 */
import type { V1Container, V1Deployment, V1Job, V1Pod, V1PodSpec } from "@kubernetes/client-node";
import { RUN_TO_COMPLETION_POD_ANNOTATIONS } from "../../components/app/runToCompletion";

/** The label every one-off object carries; `capstan logs`/`status` and a cleanup find them by it. */
export const ONE_OFF_LABEL = "capstan.dev/one-off";
/** Who started a one-off (a label value: the user name, made safe). */
export const STARTED_BY_LABEL = "capstan.dev/started-by";
/** The argv a one-off runs, as JSON (an annotation: labels cannot hold it). */
export const COMMAND_ANNOTATION = "capstan.dev/command";

/** What a one-off is: `run` (a Job), `console` (an interactive pod) or `check` (a blue/green release's checks, a Job). */
export type OneOffKind = "run" | "console" | "check";

export interface OneOffOptions {
    /** The object's name. */
    readonly name: string;
    /** The argv that replaces the web command. */
    readonly command: readonly string[];
    /** Who started it: the local user name. */
    readonly user: string;
    /** Seconds after which Kubernetes stops the pod, whatever it does. */
    readonly activeDeadlineSeconds?: number;
    /** What the Job is. @default run */
    readonly kind?: OneOffKind;
    /** Labels besides the one-off's own (a NetworkPolicy's selector, say). @default none */
    readonly labels?: Readonly<Record<string, string>>;
}

/** A label value from any string: at most 63 of [A-Za-z0-9._-], starting and ending alphanumeric. */
export function labelValue(text: string): string {
    const cleaned = text
        .replace(/[^A-Za-z0-9._-]/g, "-")
        .slice(0, 63)
        .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
    return cleaned || "unknown";
}

/** A name for a one-off: `<app>-<kind>-<time>-<random>`, at most 63 characters. */
export function oneOffName(app: string, kind: OneOffKind, now: Date, random: string): string {
    const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 14).toLowerCase();
    const suffix = `-${kind}-${stamp}-${random
        .toLowerCase()
        .replace(/[^a-z0-9]/g, "")
        .slice(0, 5)}`;
    return `${app.slice(0, 63 - suffix.length)}${suffix}`;
}

/** The web Deployment's app container: the one named `web`, else the first. */
export function appContainerOf(deployment: V1Deployment): V1Container {
    const containers = deployment.spec?.template?.spec?.containers ?? [];
    const container = containers.find((c) => c.name === "web") ?? containers[0];
    if (!container) throw new Error(`Deployment ${deployment.metadata?.name} has no container in its pod template`);
    return container;
}

/** The container of a one-off: the app container's image, env, resources and mounts, with `command`. */
function oneOffContainer(app: V1Container, command: readonly string[], tty: boolean): V1Container {
    return {
        name: app.name,
        image: app.image,
        imagePullPolicy: app.imagePullPolicy,
        command: [...command],
        env: app.env,
        envFrom: app.envFrom,
        resources: app.resources,
        securityContext: app.securityContext,
        volumeMounts: app.volumeMounts,
        workingDir: app.workingDir,
        ...(tty ? { stdin: true, stdinOnce: true, tty: true } : {}),
    };
}

/** The pod spec of a one-off: the template's pod-level fields, one container, never restarted. */
function oneOffPodSpec(
    deployment: V1Deployment,
    command: readonly string[],
    tty: boolean,
    deadline?: number,
): V1PodSpec {
    const template = deployment.spec?.template?.spec;
    if (!template) throw new Error(`Deployment ${deployment.metadata?.name} has no pod template`);
    const spec: V1PodSpec = {
        serviceAccountName: template.serviceAccountName,
        automountServiceAccountToken: template.automountServiceAccountToken,
        enableServiceLinks: template.enableServiceLinks,
        securityContext: template.securityContext,
        nodeSelector: template.nodeSelector,
        affinity: template.affinity,
        tolerations: template.tolerations,
        priorityClassName: template.priorityClassName,
        imagePullSecrets: template.imagePullSecrets,
        terminationGracePeriodSeconds: template.terminationGracePeriodSeconds,
        volumes: template.volumes,
        restartPolicy: "Never",
        containers: [oneOffContainer(appContainerOf(deployment), command, tty)],
        ...(deadline !== undefined ? { activeDeadlineSeconds: deadline } : {}),
    };
    return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) as V1PodSpec;
}

/** The labels of a one-off: the app's name (so the namespace's policies apply to it), the kind and who started it. */
export function oneOffLabels(deployment: V1Deployment, kind: OneOffKind, user: string): Record<string, string> {
    const app = deployment.spec?.template?.metadata?.labels?.["app.kubernetes.io/name"];
    return {
        ...(app ? { "app.kubernetes.io/name": app, "app.kubernetes.io/instance": `${app}-${kind}` } : {}),
        "app.kubernetes.io/component": kind,
        [ONE_OFF_LABEL]: "true",
        [STARTED_BY_LABEL]: labelValue(user),
    };
}

/** How long a finished one-off Job stays for its logs and status before Kubernetes deletes it. */
export const ONE_OFF_TTL_SECONDS = 3600;

/**
 * The Job of `capstan run`: no retry (`backoffLimit: 0`; a rake task is not blindly run twice), a
 * TTL after it finishes, and cluster-autoscaler told to leave its node alone while it runs.
 */
export function oneOffJob(deployment: V1Deployment, o: OneOffOptions): V1Job {
    const labels = { ...oneOffLabels(deployment, o.kind ?? "run", o.user), ...o.labels };
    const annotations = { [COMMAND_ANNOTATION]: JSON.stringify(o.command) };
    return {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: o.name, namespace: deployment.metadata?.namespace, labels, annotations },
        spec: {
            backoffLimit: 0,
            ttlSecondsAfterFinished: ONE_OFF_TTL_SECONDS,
            ...(o.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: o.activeDeadlineSeconds } : {}),
            template: {
                metadata: { labels, annotations: { ...RUN_TO_COMPLETION_POD_ANNOTATIONS, ...annotations } },
                spec: oneOffPodSpec(deployment, o.command, false),
            },
        },
    };
}

/**
 * The pod of `capstan console`: a TTY on stdin, and an active deadline so that a session whose
 * client went away is still ended by Kubernetes.
 */
export function consolePod(
    deployment: V1Deployment,
    o: OneOffOptions & { readonly activeDeadlineSeconds: number },
): V1Pod {
    const labels = oneOffLabels(deployment, "console", o.user);
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            name: o.name,
            namespace: deployment.metadata?.namespace,
            labels,
            annotations: { ...RUN_TO_COMPLETION_POD_ANNOTATIONS, [COMMAND_ANNOTATION]: JSON.stringify(o.command) },
        },
        spec: oneOffPodSpec(deployment, o.command, true, o.activeDeadlineSeconds),
    };
}
