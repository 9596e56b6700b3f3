/**
 * Who holds a stack: the deploy lock Capstan takes for the whole of a deploy (preview, guard,
 * update), and the lock the Pulumi CLI takes for an update on a file backend. A holder is stale
 * only when it can be proven gone: it ran on this host and its process no longer exists.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** One lock on a stack and the process that took it. */
export interface Holder {
    readonly user: string;
    readonly host: string;
    readonly pid: number;
    /** When it was taken, as an ISO timestamp. */
    readonly since: string;
    /** What it is doing, when the lock says (`deploy 2026.12.05-4f2c9e1 from /src/app`). */
    readonly doing?: string;
    /** The lock's file. */
    readonly file: string;
    /** Proven gone: taken on this host by a process that no longer exists. */
    readonly stale: boolean;
}

/** Whether a process of this host exists (a zombie counts as gone). */
export function processAlive(pid: number): boolean {
    if (!Number.isInteger(pid) || pid <= 0) return false;
    try {
        process.kill(pid, 0);
    } catch (err) {
        return (err as NodeJS.ErrnoException).code === "EPERM";
    }
    try {
        const state = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
        return state !== "Z";
    } catch {
        return true; // no /proc: kill(0) said it exists
    }
}

/** A holder as a person reads it: `root@runner-7 (pid 4242) since 2026-12-07T12:01:02Z, 40 s ago, deploy ...`. */
export function describeHolder(h: Holder, now = Date.now()): string {
    const age = Math.max(0, Math.round((now - Date.parse(h.since)) / 1000));
    const ago = Number.isFinite(age) ? `, ${age < 120 ? `${age} s` : `${Math.round(age / 60)} min`} ago` : "";
    return `${h.user}@${h.host} (pid ${h.pid}) since ${h.since}${ago}${h.doing ? `: ${h.doing}` : ""}`;
}

const text = (v: unknown, fallback: string) => (typeof v === "string" && v !== "" ? v : fallback);

function holderFrom(file: string, raw: Record<string, unknown>): Holder {
    const host = text(raw.hostname, "unknown");
    const pid = Number(raw.pid);
    const since = text(raw.timestamp, "");
    return {
        user: text(raw.username, "unknown"),
        host,
        pid,
        since: Number.isFinite(Date.parse(since)) ? new Date(since).toISOString() : since,
        doing: typeof raw.doing === "string" ? raw.doing : undefined,
        file,
        stale: host === os.hostname() && !processAlive(pid),
    };
}

function readHolder(file: string): Holder | undefined {
    try {
        return holderFrom(file, JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>);
    } catch {
        return undefined; // removed meanwhile, or being written
    }
}

/** The folder of a `file://` backend URL; undefined for any other backend. */
export function fileBackendDir(url: string | undefined): string | undefined {
    if (!url?.startsWith("file://")) return undefined;
    const rest = url.slice("file://".length);
    return rest.startsWith("~") ? path.join(os.homedir(), rest.slice(1)) : path.resolve(rest || "/");
}

/**
 * The update locks the Pulumi CLI holds on `project/stack` in a file backend: one JSON file per
 * holder under `.pulumi/locks/<organization>/<project>/<stack>/` (a stack without a project folder
 * in older layouts: `.pulumi/locks/<stack>/`).
 */
export function pulumiLocks(backendDir: string, project: string, stack: string): Holder[] {
    const root = path.join(backendDir, ".pulumi", "locks");
    const dirs = [path.join(root, stack)];
    if (fs.existsSync(root)) for (const org of fs.readdirSync(root)) dirs.push(path.join(root, org, project, stack));
    const holders: Holder[] = [];
    for (const dir of dirs) {
        if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) continue;
        for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".json"))) {
            const h = readHolder(path.join(dir, f));
            if (h) holders.push(h);
        }
    }
    return holders;
}

/**
 * Removes an update lock of the Pulumi CLI's file backend: its JSON file and the `.attrs` file the
 * backend's blob store writes beside it, so that nothing of a dead holder is left in the folder.
 */
export function removePulumiLock(file: string): void {
    fs.rmSync(file, { force: true });
    fs.rmSync(`${file}.attrs`, { force: true });
}

/** Capstan's deploy lock of one stack: held for the whole deploy, so a second one is refused at once. */
export class DeployLock {
    private released = false;

    private constructor(readonly file: string) {}

    /**
     * Takes the lock in `dir`, or returns who holds it. A stale holder (same host, process gone)
     * is removed and returned in `cleared`, so the caller can say so.
     */
    static take(
        dir: string,
        stack: string,
        doing: string,
    ): { lock: DeployLock; cleared?: Holder } | { heldBy: Holder } {
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `${stack}.json`);
        let cleared: Holder | undefined;
        for (let attempt = 0; attempt < 3; attempt++) {
            try {
                const fd = fs.openSync(file, "wx", 0o644);
                const content = {
                    pid: process.pid,
                    username: safeUser(),
                    hostname: os.hostname(),
                    timestamp: new Date().toISOString(),
                    doing,
                };
                fs.writeSync(fd, JSON.stringify(content));
                fs.closeSync(fd);
                return { lock: new DeployLock(file), cleared };
            } catch (err) {
                if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
            }
            const holder = readHolder(file);
            if (holder && !holder.stale) return { heldBy: holder };
            cleared = holder ?? cleared;
            fs.rmSync(file, { force: true });
        }
        const holder = readHolder(file);
        if (holder) return { heldBy: holder };
        throw new Error(`cannot take the deploy lock ${file}`);
    }

    release(): void {
        if (this.released) return;
        this.released = true;
        fs.rmSync(this.file, { force: true });
    }
}

function safeUser(): string {
    try {
        return os.userInfo().username;
    } catch {
        return process.env.USER ?? "unknown";
    }
}
