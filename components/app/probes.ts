/** The probes of the app's containers, and how long they let a new pod take to become ready. */
import type * as k8s from "@pulumi/kubernetes";

export interface HttpProbes {
    /** The container port the probes call. */
    readonly port: number;
    /** Readiness and startup path. */
    readonly healthPath: string;
    /** Liveness path. @default healthPath */
    readonly livenessPath?: string;
}

/** A liveness check that is not an HTTP GET on the serving port: a command, or a GET on a port of its own. */
export interface LivenessCheck {
    /** Exec check: the argv run in the container. Exactly one of `command` and `port`. */
    readonly command?: readonly string[];
    /** HTTP check: the container port to GET. */
    readonly port?: number;
    /** HTTP check: the path. @default / */
    readonly path?: string;
    readonly initialDelaySeconds: number;
    readonly periodSeconds: number;
    readonly timeoutSeconds: number;
    readonly failureThreshold: number;
}

/** The container's livenessProbe for a {@link LivenessCheck}. */
export function livenessProbe(check: LivenessCheck): k8s.types.input.core.v1.Probe {
    const handler = check.command
        ? { exec: { command: [...check.command] } }
        : { httpGet: { path: check.path ?? "/", port: check.port as number } };
    return {
        ...handler,
        initialDelaySeconds: check.initialDelaySeconds,
        periodSeconds: check.periodSeconds,
        timeoutSeconds: check.timeoutSeconds,
        failureThreshold: check.failureThreshold,
    };
}

/** The startup probe's period and the failures it tolerates: together, how long an app may take to boot. */
const STARTUP_PROBE = { periodSeconds: 5, failureThreshold: 60 } as const;

/**
 * Seconds one new pod may take to become ready: a node to schedule on (the cluster-autoscaler adds
 * one in about three minutes when none has room), the image pull, then, for a pod with probes, the
 * startup probe's whole budget and one readiness period.
 */
export function podReadyBudgetSeconds(hasProbes: boolean): number {
    const schedule = 180;
    const pullAndStart = 60;
    return schedule + pullAndStart + (hasProbes ? STARTUP_PROBE.periodSeconds * STARTUP_PROBE.failureThreshold + 5 : 0);
}

/** The readiness, liveness and startup probes of a container that serves HTTP on its `http` port. */
export function httpProbes(p: HttpProbes) {
    const get = (path: string) => ({ httpGet: { path, port: "http" } });
    return {
        // Readiness decides whether the pod gets traffic: quick to react.
        readinessProbe: { ...get(p.healthPath), periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
        // Liveness restarts the container: slower and more tolerant, so a busy pod is not killed.
        livenessProbe: {
            ...get(p.livenessPath ?? p.healthPath),
            periodSeconds: 10,
            timeoutSeconds: 5,
            failureThreshold: 6,
        },
        // Startup holds the other two back while the app boots (up to 5 minutes).
        startupProbe: { ...get(p.healthPath), timeoutSeconds: 2, ...STARTUP_PROBE },
    };
}
