/**
 * Reading the cluster the way an operator would: kubectl (the toolchain's, on the suite's PATH)
 * with the suite's kubeconfig, and watches whose events carry the API server's resource versions,
 * which order writes across kinds where timestamps (whole seconds) tie.
 */
import { spawn, type ChildProcess } from "child_process";

export interface Finished {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs a command to its end; never throws for a non-zero exit. */
export function run(
    command: string,
    args: readonly string[],
    opts: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Finished> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t));
        child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
        // A command that exits before reading its input (find, a failing kubectl) closes the pipe: not an error of ours.
        child.stdin.on("error", () => undefined);
        child.stdin.end(opts.input ?? "");
    });
}

/** kubectl's stdout; throws with its stderr when it fails. */
export async function kubectl(args: readonly string[], input?: string): Promise<string> {
    const r = await run("kubectl", args, { input });
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr.trim()}`);
    return r.stdout;
}

export interface KubeObject {
    apiVersion: string;
    kind: string;
    metadata: {
        name: string;
        namespace?: string;
        resourceVersion?: string;
        creationTimestamp?: string;
        labels?: Record<string, string>;
        ownerReferences?: { kind: string; name: string }[];
    };
    // Objects of many kinds: each test reads the fields of its own.
    spec?: any;
    status?: any;
}

export async function list(args: readonly string[]): Promise<KubeObject[]> {
    return (JSON.parse(await kubectl(["get", ...args, "-o", "json"])) as { items: KubeObject[] }).items;
}

export async function get(args: readonly string[]): Promise<KubeObject | undefined> {
    const out = await kubectl(["get", ...args, "-o", "json", "--ignore-not-found"]);
    return out.trim() ? (JSON.parse(out) as KubeObject) : undefined;
}

/** Which of these objects exist now, fetched by their identity (apiVersion, kind, namespace, name). */
export async function existing(objects: readonly KubeObject[]): Promise<KubeObject[]> {
    if (objects.length === 0) return [];
    const input = JSON.stringify({ apiVersion: "v1", kind: "List", items: objects });
    const out = await kubectl(["get", "-f", "-", "-o", "json", "--ignore-not-found"], input);
    if (!out.trim()) return [];
    const parsed = JSON.parse(out) as KubeObject | { kind: "List"; items: KubeObject[] };
    return "items" in parsed ? parsed.items : [parsed];
}

export interface WatchEvent {
    readonly type: string;
    readonly object: KubeObject;
    /** The object's resource version at this event, as a number (an etcd revision). */
    readonly revision: number;
}

/** Splits a stream of concatenated JSON documents. */
function jsonSplitter(onDocument: (text: string) => void): (chunk: string) => void {
    let buffer = "";
    let depth = 0;
    let inString = false;
    let escaped = false;
    let start = -1;
    return (chunk) => {
        const offset = buffer.length;
        buffer += chunk;
        for (let i = offset; i < buffer.length; i++) {
            const c = buffer[i];
            if (inString) {
                if (escaped) escaped = false;
                else if (c === "\\") escaped = true;
                else if (c === '"') inString = false;
            } else if (c === '"') inString = true;
            else if (c === "{") {
                if (depth++ === 0) start = i;
            } else if (c === "}" && --depth === 0) {
                onDocument(buffer.slice(start, i + 1));
                buffer = buffer.slice(i + 1);
                i = -1;
            }
        }
    };
}

/** A running watch of one resource across all namespaces; `stop()` ends it and gives every event seen. */
export class Watch {
    private readonly events: WatchEvent[] = [];
    private readonly child: ChildProcess;

    constructor(resource: string) {
        this.child = spawn("kubectl", ["get", resource, "-A", "--watch", "--output-watch-events", "-o", "json"], {
            env: process.env,
            stdio: ["ignore", "pipe", "ignore"],
        });
        const split = jsonSplitter((text) => {
            const e = JSON.parse(text) as { type: string; object: KubeObject };
            this.events.push({ ...e, revision: Number(e.object.metadata.resourceVersion) });
        });
        this.child.stdout?.setEncoding("utf8").on("data", split);
    }

    /** Waits a moment for events in flight, then stops. */
    async stop(): Promise<WatchEvent[]> {
        await new Promise((r) => setTimeout(r, 1000));
        this.child.kill();
        return this.events;
    }
}
