/** A pod's log through the API server (the kubelet serves it), line by line. */
import { PassThrough } from "stream";
import type { KubeConfig, V1Pod } from "@kubernetes/client-node";

export interface LogOptions {
    readonly follow: boolean;
    readonly sinceSeconds?: number;
    /** Each line prefixed with its RFC 3339 time, to interleave the logs of many pods. */
    readonly timestamps?: boolean;
}

export interface LogHandle {
    /** Settles when the server ends the log (the container stopped, or no --follow), or on stop(). */
    readonly done: Promise<void>;
    readonly stop: () => void;
}

/** Splits chunks into whole lines; the last partial line is given at the end. */
export function lineSplitter(onLine: (line: string) => void): { push: (chunk: string) => void; end: () => void } {
    let pending = "";
    return {
        push(chunk) {
            pending += chunk;
            const lines = pending.split("\n");
            pending = lines.pop() ?? "";
            for (const l of lines) onLine(l);
        },
        end() {
            if (pending) onLine(pending);
            pending = "";
        },
    };
}

/**
 * The container whose log says what the pod did: an init container that failed (it stopped the pod
 * before the others started, as the assets Job's copy does), else the first container.
 */
export function logContainer(pod: V1Pod): string {
    const failed = (pod.status?.initContainerStatuses ?? []).find((c) => (c.state?.terminated?.exitCode ?? 0) !== 0);
    return failed?.name ?? pod.spec?.containers?.[0]?.name ?? "";
}

/** Opens the log of the pod's {@link logContainer}; each line goes to `onLine`. */
export async function openLog(
    kc: KubeConfig,
    pod: V1Pod,
    opts: LogOptions,
    onLine: (line: string) => void,
): Promise<LogHandle> {
    const { Log } = await import("@kubernetes/client-node");
    const stream = new PassThrough();
    const lines = lineSplitter(onLine);
    stream.setEncoding("utf8").on("data", (t: string) => lines.push(t));
    const done = new Promise<void>((resolve) => {
        stream.on("end", () => {
            lines.end();
            resolve();
        });
        stream.on("close", resolve);
        stream.on("error", () => resolve());
    });
    const container = logContainer(pod);
    const abort = await new Log(kc).log(pod.metadata!.namespace!, pod.metadata!.name!, container, stream, {
        follow: opts.follow,
        timestamps: opts.timestamps ?? false,
        ...(opts.sinceSeconds !== undefined ? { sinceSeconds: opts.sinceSeconds } : {}),
    });
    return {
        done,
        stop: () => {
            abort.abort();
            stream.end();
        },
    };
}
