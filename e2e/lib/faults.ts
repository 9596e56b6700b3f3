/**
 * What the fault scenarios need: a deploy run as a CI runner runs it (its own process group, so it
 * can be killed whole), slower simulated pods (so there is time to interrupt), a watch on the
 * serving pods (the old version must keep serving throughout), and a check that no secret leaks.
 */
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import { check, waitFor } from "./app";
import type { Context } from "./context";
import { REPO } from "./env";
import { kubectl, list, run, type Finished } from "./kube";
import type { SuiteStack } from "./stacks";

/** `capstan deploy <args>` in a process group of its own, as a CI runner starts a job. */
export class RunningDeploy {
    private out = "";
    private err = "";
    readonly done: Promise<Finished>;
    private readonly child: ChildProcess;

    constructor(
        private readonly ctx: Context,
        readonly args: readonly string[],
        env: NodeJS.ProcessEnv = process.env,
    ) {
        ctx.log(`$ capstan deploy ${args.join(" ")}   (in the background, own process group)`);
        this.child = spawn(process.execPath, [path.join(REPO, "scripts", "capstan.js"), "deploy", ...args], {
            cwd: REPO,
            env,
            detached: true,
            stdio: ["ignore", "pipe", "pipe"],
        });
        this.child.stdout!.setEncoding("utf8").on("data", (t: string) => (this.out += t));
        this.child.stderr!.setEncoding("utf8").on("data", (t: string) => (this.err += t));
        this.done = new Promise((resolve) =>
            this.child.on("close", (code, signal) => {
                ctx.log(
                    `background deploy ${args.join(" ")} ended: ${code ?? signal}\n--- stdout\n${this.out}\n--- stderr\n${this.err}`,
                );
                resolve({ code, stdout: this.out, stderr: this.err });
            }),
        );
    }

    get stdout(): string {
        return this.out;
    }

    /** Kills the deploy and everything it started (the CLI, the provider), as a dying runner does. */
    killGroup(signal: NodeJS.Signals = "SIGKILL"): void {
        this.ctx.log(`kill -${signal} -${this.child.pid} (the deploy's whole process group)`);
        process.kill(-this.child.pid!, signal);
    }

    /** Sends `signal` to the deploy's own process only, as a supervisor's stop does. */
    signal(signal: NodeJS.Signals): void {
        this.ctx.log(`kill -${signal} ${this.child.pid} (the deploy's process)`);
        this.child.kill(signal);
    }

    /** Waits until the deploy has printed a line matching `re`. */
    async printed(re: RegExp, seconds = 120): Promise<void> {
        await waitFor(`the deploy to print ${re}`, seconds, () => Promise.resolve(re.test(this.out)));
    }
}

/** Runs `body` with kwok's pods taking `ms` to become ready and to complete, then puts the delays back. */
export async function withPodDelays<T>(ms: number, body: () => Promise<T>): Promise<T> {
    const stages = ["pod-ready", "pod-complete"];
    const before = await Promise.all(
        stages.map(async (s) =>
            JSON.parse((await kubectl(["get", "stage", s, "-o", "jsonpath={.spec.delay}"])) || "null"),
        ),
    );
    const patch = (s: string, delay: unknown) =>
        kubectl(["patch", "stage", s, "--type", "merge", "-p", JSON.stringify({ spec: { delay } })]);
    for (const s of stages) await patch(s, { durationMilliseconds: ms, jitterDurationMilliseconds: ms });
    try {
        return await body();
    } finally {
        for (const [i, s] of stages.entries()) await patch(s, before[i]);
    }
}

/** The app's Jobs whose pod template runs `tag`. */
export async function jobsOfTag(ns: string, tag: string): Promise<string[]> {
    return (await list(["jobs", "-n", ns]))
        .filter((j) =>
            (j.spec?.template?.spec?.containers ?? []).some((c: { image: string }) => c.image.endsWith(`:${tag}`)),
        )
        .map((j) => j.metadata.name);
}

/** Whether a ReplicaSet of the web Deployment runs `tag` (its rollout has begun). */
export async function rolloutBegun(ns: string, tag: string): Promise<boolean> {
    return (await list(["replicasets", "-n", ns])).some(
        (r) =>
            r.metadata.name.includes("-web-") &&
            !r.metadata.name.includes("canary") &&
            (r.spec?.template?.spec?.containers ?? []).some((c: { image: string }) => c.image.endsWith(`:${tag}`)),
    );
}

/** The name of the stack's web Deployment, from its outputs. */
export async function webDeployment(stack: SuiteStack): Promise<string> {
    const app = (await stack.outputs()).app as { webDeployment?: unknown } | undefined;
    check(typeof app?.webDeployment === "string", "the stack's outputs name no web Deployment");
    return app.webDeployment;
}

/**
 * Watches the web Deployment's ready pods twice a second while `body` runs and returns the fewest
 * seen (samples the API server could not answer are skipped: an outage is what some scenarios make).
 */
export async function fewestReady<T>(
    ns: string,
    deployment: string,
    body: () => Promise<T>,
): Promise<{ result: T; fewest: number; samples: number }> {
    let fewest = Infinity;
    let samples = 0;
    let running = true;
    const sampler = (async () => {
        while (running) {
            const r = await run("kubectl", [
                "get",
                "deployment",
                deployment,
                "-n",
                ns,
                "-o",
                "jsonpath={.status.readyReplicas}",
                "--request-timeout=2s",
            ]);
            if (r.code === 0) {
                samples++;
                fewest = Math.min(fewest, Number(r.stdout.trim() || 0));
            }
            await new Promise((res) => setTimeout(res, 500));
        }
    })();
    try {
        const result = await body();
        return { result, fewest, samples };
    } finally {
        running = false;
        await sampler;
    }
}

/** The plain values of the stack's secret config (decrypted by the CLI), to look for in what a deploy left. */
export async function secretValues(stack: SuiteStack): Promise<string[]> {
    const all = await stack.stack.getAllConfig();
    const values: string[] = [];
    const collect = (v: unknown) => {
        if (typeof v === "string" && v.length >= 6) values.push(v);
        else if (v && typeof v === "object") Object.values(v).forEach(collect);
    };
    for (const entry of Object.values(all)) {
        if (!entry.secret) continue;
        try {
            collect(JSON.parse(entry.value));
        } catch {
            collect(entry.value);
        }
    }
    return values;
}

/** Fails naming where a secret appeared in plain text: in what a deploy printed, or in the exported state. */
export async function checkNoSecretLeaked(stack: SuiteStack, texts: Record<string, string>): Promise<void> {
    const secrets = await secretValues(stack);
    check(secrets.length > 0, "the stack has no secret config to look for");
    const state = JSON.stringify(await stack.stack.exportStack());
    for (const [where, text] of Object.entries({ ...texts, "the exported state": state })) {
        const leaked = secrets.filter((s) => text.includes(s));
        check(leaked.length === 0, `${leaked.length} secret value(s) in plain text in ${where}`);
    }
}

/** The update locks and pending operations a dead deploy left, in words, for the report. */
export async function leftBehind(ctx: Context, stack: SuiteStack): Promise<string> {
    const locks = await run("find", [path.join(ctx.ws.dir, "state", ".pulumi", "locks"), "-name", "*.json"]);
    const lockCount = locks.stdout.split("\n").filter(Boolean).length;
    const state = (await stack.stack.exportStack()).deployment as { pending_operations?: { type: string }[] };
    const pending = (state.pending_operations ?? []).map((p) => p.type);
    return `${lockCount} lock file(s), ${pending.length} pending operation(s)${pending.length ? ` (${pending.join(", ")})` : ""}`;
}
