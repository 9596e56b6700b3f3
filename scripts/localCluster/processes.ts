/**
 * The cluster's processes: started detached with their output in `.capstan/local/logs/`, tracked
 * by pid files, stopped with SIGTERM and then SIGKILL.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import { Component, paths } from "./layout";

const STOP_GRACE_MS = 10_000;

/** Starts `binary args` in its own process group, logging to the component's log file. */
export function startProcess(component: Component, binary: string, args: string[]): number {
    fs.mkdirSync(paths.logs, { recursive: true });
    fs.mkdirSync(paths.pids, { recursive: true });
    const log = fs.openSync(paths.log(component), "a");
    const child = spawn(binary, args, { detached: true, stdio: ["ignore", log, log] });
    fs.closeSync(log);
    if (child.pid === undefined) throw new Error(`${component} did not start: see ${paths.log(component)}`);
    child.unref();
    fs.writeFileSync(paths.pid(component), `${child.pid}\n`);
    return child.pid;
}

/** The pid of a component that is still running, if any (a reused pid of another program is not). */
export function runningPid(component: Component): number | undefined {
    const file = paths.pid(component);
    if (!fs.existsSync(file)) return undefined;
    const pid = Number(fs.readFileSync(file, "utf8").trim());
    return isOurProcess(pid, component) ? pid : undefined;
}

function isOurProcess(pid: number, component: Component): boolean {
    if (!Number.isInteger(pid) || pid <= 0) return false;
    try {
        const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0];
        const state = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
        return cmdline.endsWith(`/${component}`) && state !== "Z";
    } catch {
        return false;
    }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops a component: SIGTERM, then SIGKILL after a grace period. Returns how it ended. */
export async function stopProcess(component: Component): Promise<"not running" | "stopped" | "killed"> {
    const pid = runningPid(component);
    fs.rmSync(paths.pid(component), { force: true });
    if (pid === undefined) return "not running";
    process.kill(pid, "SIGTERM");
    for (let waited = 0; waited < STOP_GRACE_MS; waited += 100) {
        if (!isOurProcess(pid, component)) return "stopped";
        await sleep(100);
    }
    process.kill(pid, "SIGKILL");
    while (isOurProcess(pid, component)) await sleep(50);
    return "killed";
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** Polls `check` until it returns true; throws `what` after `timeoutMs`. */
export async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (await check()) return;
        await sleep(250);
    }
    throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
}

/** The last lines of a component's log, for an error message. */
export function logTail(component: Component, lines = 5): string {
    if (!fs.existsSync(paths.log(component))) return "";
    return fs.readFileSync(paths.log(component), "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}
