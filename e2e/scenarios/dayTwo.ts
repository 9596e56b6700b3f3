/**
 * The day-two commands against the real API server: `capstan status`, `run`, `logs`, `console`
 * and the canary steps, on the local stack that scenario b brought up. kwok plays every pod's
 * kubelet: its ClusterLogs and ClusterAttach serve a file of this run as each pod's log and
 * attached output, and its Stage API fails a one-off command with the exit code the test chose.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { check, checkRunning, deployments, snapshot, waitFor } from "../lib/app";
import {
    appOutputs,
    capstan,
    deploy,
    localStack,
    localStackText,
    TAGS,
    type Context,
    type Scenario,
} from "../lib/context";
import { REPO } from "../lib/env";
import { get, kubectl, list } from "../lib/kube";
import { SuiteStack } from "../lib/stacks";
import { failPodsStage } from "../lib/stages";

/** A line of a CRI log file, which kwok reads as a container's log. */
const criLine = (text: string) => `${new Date().toISOString().replace("Z", "000000Z")} stdout F ${text}\n`;

/** The file kwok serves as every app pod's log and attached output, and the line it starts with. */
const LOG_LINE = "Started GET /up for 10.0.0.1";

/**
 * kwok's ClusterLogs and ClusterAttach for the app's namespace: every pod's log is `logs.cri`,
 * and an attached session's output is what is appended to `attach.cri` afterwards.
 */
async function serveLogs(ctx: Context, namespace: string): Promise<{ logs: string; attach: string }> {
    const logs = path.join(ctx.ws.dir, "logs.cri");
    const attach = path.join(ctx.ws.dir, "attach.cri");
    if (!fs.existsSync(logs)) fs.writeFileSync(logs, criLine(LOG_LINE) + criLine("Completed 200 OK in 3ms"));
    if (!fs.existsSync(attach)) fs.writeFileSync(attach, "");
    const selector = { matchNamespaces: [namespace] };
    const objects = [
        { kind: "ClusterLogs", metadata: { name: "e2e-logs" }, spec: { selector, logs: [{ logsFile: logs }] } },
        {
            kind: "ClusterAttach",
            metadata: { name: "e2e-attach" },
            spec: { selector, attaches: [{ logsFile: attach }] },
        },
    ].map((o) => ({ apiVersion: "kwok.x-k8s.io/v1alpha1", ...o }));
    await kubectl(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }));
    return { logs, attach };
}

const status: Scenario = {
    id: "n",
    title: "capstan status: a finished rollout; a node selector no node matches gives a Pending pod with the scheduler's reason",
    async run(ctx) {
        const stack = localStack(ctx);
        const { namespace } = await appOutputs(stack);
        const tag = String(stack.read(["capstan:imageTag"]));
        const fine = await capstan(ctx, ["status", "local"]);
        check(fine.code === 0, `status exited ${fine.code}:\n${fine.stdout}${fine.stderr}`);
        check(
            fine.stdout.includes(`Image tag: deployed ${tag}, configured ${tag}\n`),
            `status does not give the tags:\n${fine.stdout}`,
        );
        check(
            /phraseapp-web \(.+\): complete: 2 updated, 2 ready, 2 available of 2/.test(fine.stdout),
            `no finished rollout:\n${fine.stdout}`,
        );
        check(/Migration: phraseapp-migrate-\w+ \(.+\): succeeded/.test(fine.stdout), `no migration:\n${fine.stdout}`);
        check(fine.stdout.includes("Pending pods: none"), `Pending pods before any:\n${fine.stdout}`);
        // As if the worker's node group were gone: its new pods fit no node.
        const worker = "phraseapp-worker-default";
        await kubectl([
            "patch",
            "deployment",
            worker,
            "-n",
            namespace,
            "--type=merge",
            "-p",
            JSON.stringify({ spec: { template: { spec: { nodeSelector: { "e2e.capstan.dev/pool": "gone" } } } } }),
        ]);
        try {
            await waitFor("an unschedulable worker pod", 30, async () =>
                (await list(["pods", "-n", namespace, "--field-selector=status.phase=Pending"])).some((p) =>
                    (p.status?.conditions ?? []).some(
                        (c: { type: string; reason?: string }) =>
                            c.type === "PodScheduled" && c.reason === "Unschedulable",
                    ),
                ),
            );
            const pending = await capstan(ctx, ["status", "local"]);
            check(pending.code === 1, `status exited ${pending.code} with a Pending pod, not 1`);
            const lines = pending.stdout.split("\n");
            const at = lines.findIndex((l) => /^ {2}phraseapp-worker-default-\w+-\w+:$/.test(l));
            check(at >= 0, `no Pending worker pod in:\n${pending.stdout}`);
            check(
                /^ {4}scheduler: 0\/6 nodes are available: .*node affinity\/selector/.test(lines[at + 1] ?? ""),
                `no scheduler's reason:\n${pending.stdout}`,
            );
            check(
                /phraseapp-worker-default \(.+\): in progress/.test(pending.stdout),
                `the worker's rollout is not shown in progress:\n${pending.stdout}`,
            );
            return lines[at + 1].trim();
        } finally {
            await kubectl(["rollout", "undo", `deployment/${worker}`, "-n", namespace]);
            await waitFor(
                "the worker's rollout back",
                60,
                async () => (await deployments(namespace)).find((d) => d.name === worker)?.complete === true,
            );
        }
    },
};

/** A kwok Stage that ends a running one-off whose command includes `marker` with exit code `code`. */
function exitStage(marker: string, code: number): string {
    return failPodsStage(
        "e2e-run-exit",
        [
            { key: '.metadata.labels["capstan.dev/one-off"]', operator: "In", values: ["true"] },
            { key: ".spec.containers.[].command.[]", operator: "In", values: [marker] },
        ],
        code,
    );
}

const runOneOff: Scenario = {
    id: "o",
    title: "capstan run: a Job of the running tag, its log, its exit code (0, and a kwok Stage's 3); bad input exits 2",
    async run(ctx) {
        check(ctx.ownCluster, "needs kwok's Stage API to fail a pod: run on the suite's own cluster");
        const stack = localStack(ctx);
        const { namespace } = await appOutputs(stack);
        await serveLogs(ctx, namespace);
        const tag = String(stack.read(["capstan:imageTag"]));
        const ok = await capstan(ctx, ["run", "local", "--", "bin/rails", "db:version"]);
        check(ok.code === 0, `run exited ${ok.code}:\n${ok.stderr}`);
        const jobName = /run: Job [\w-]+\/([\w-]+) \(\S+:(\S+), started by (\S+)\)/.exec(ok.stderr);
        check(jobName !== null, `run did not name its Job:\n${ok.stderr}`);
        check(jobName[2] === tag, `the Job runs ${jobName[2]}, not the running tag ${tag}`);
        check(ok.stdout.includes(LOG_LINE), `run did not stream the pod's log:\n${ok.stdout}`);
        const job = await get(["job", jobName[1], "-n", namespace]);
        check(job !== undefined, `Job ${jobName[1]} is not in the cluster`);
        check(
            job.metadata.labels?.["capstan.dev/one-off"] === "true" &&
                job.metadata.labels["capstan.dev/started-by"] === jobName[3],
            `the Job's labels: ${JSON.stringify(job.metadata.labels)}`,
        );
        check(
            job.spec.backoffLimit === 0 && job.spec.ttlSecondsAfterFinished > 0,
            `backoffLimit ${job.spec.backoffLimit}, ttl ${job.spec.ttlSecondsAfterFinished}`,
        );
        const web = await get(["deployment", "phraseapp-web", "-n", namespace]);
        const envFrom = JSON.stringify(web?.spec.template.spec.containers[0].envFrom);
        check(
            JSON.stringify(job.spec.template.spec.containers[0].envFrom) === envFrom,
            `the Job's env sources differ from the web pods' ${envFrom}`,
        );

        await kubectl(["apply", "-f", "-"], exitStage("exit 3", 3));
        let failed;
        try {
            failed = await capstan(ctx, ["run", "local", "--", "sh", "-c", "exit 3"]);
        } finally {
            await kubectl(["delete", "stage", "e2e-run-exit", "--ignore-not-found"]);
        }
        check(failed.code === 3, `run of a failing command exited ${failed.code}, not 3:\n${failed.stderr}`);

        // A stack that exists but was never deployed: it has no outputs to find its cluster in.
        await SuiteStack.create(ctx.ws.stackDir, "undeployed", localStackText(ctx));
        for (const [argv, what] of [
            [["run", "nosuchstack", "--", "ls"], /no stack named nosuchstack/],
            [["status", "undeployed"], /stack undeployed has no outputs: it was never deployed/],
            [["run", "local", "--"], /name the command to run after --/],
        ] as const) {
            const bad = await capstan(ctx, argv);
            check(
                bad.code === 2 && what.test(bad.stderr) && !/\n\s+at /.test(bad.stderr),
                `${argv.join(" ")} exited ${bad.code}:\n${bad.stderr}`,
            );
        }
        return `Job ${jobName[1]} at ${tag}; the failing command exited ${failed.code}`;
    },
};

/** Starts `capstan <args>`, gathering its output; `stop()` sends SIGTERM and waits for its exit. */
function startCapstan(ctx: Context, args: readonly string[]) {
    const child = spawn("node", [path.join(REPO, "scripts", "capstan.js"), ...args], {
        cwd: REPO,
        env: process.env,
        stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t));
    child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
    const exited = new Promise<number | null>((r) => child.on("close", r));
    return {
        output: () => ({ stdout, stderr }),
        async stop(): Promise<number | null> {
            child.kill("SIGTERM");
            const code = await exited;
            ctx.log(`$ capstan ${args.join(" ")}\nexit ${code}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
            return code;
        },
    };
}

/** `logs -f` goes on with the pod that replaces a deleted one. */
async function followsNewPod(ctx: Context, namespace: string, webPods: readonly string[]): Promise<string> {
    const following = startCapstan(ctx, ["logs", "local", "web", "-f"]);
    try {
        await waitFor("logs -f to print the web pods' lines", 20, async () =>
            webPods.every((p) => following.output().stdout.includes(`${p} | ${LOG_LINE}`)),
        );
        await kubectl(["delete", "pod", webPods[0], "-n", namespace, "--wait=false"]);
        let added = "";
        await waitFor("logs -f to follow the new web pod", 40, async () => {
            added = /logs: following new pod ([\w-]+)/.exec(following.output().stderr)?.[1] ?? "";
            return added !== "" && following.output().stdout.includes(`${added} | ${LOG_LINE}`);
        });
        return added;
    } finally {
        await following.stop();
    }
}

const logsAndConsole: Scenario = {
    id: "p",
    title: "capstan logs (every web pod, prefixed; -f follows a new pod) and console (attached, pod deleted at the end), through kwok's kubelet API",
    async run(ctx) {
        const stack = localStack(ctx);
        const { namespace } = await appOutputs(stack);
        const files = await serveLogs(ctx, namespace);
        const webPods = (await list(["pods", "-n", namespace, "-l", "app.kubernetes.io/component=web"])).map(
            (p) => p.metadata.name,
        );
        const logs = await capstan(ctx, ["logs", "local", "web", "--grep", "GET /up"]);
        check(logs.code === 0, `logs exited ${logs.code}:\n${logs.stderr}`);
        for (const pod of webPods)
            check(
                new RegExp(`^${pod} +\\| ${LOG_LINE}$`, "m").test(logs.stdout),
                `no line of ${pod} in:\n${logs.stdout}`,
            );
        check(!logs.stdout.includes("Completed 200"), `--grep let through a line it does not match:\n${logs.stdout}`);
        const none = await capstan(ctx, ["logs", "local", "worker", "nosuch"]);
        check(
            none.code === 2 && /has no worker nosuch \(workers: default\)/.test(none.stderr),
            `logs of a worker that does not exist exited ${none.code}:\n${none.stderr}`,
        );

        const added = await followsNewPod(ctx, namespace, webPods);

        const session = startCapstan(ctx, ["console", "local"]);
        let pod = "";
        try {
            await waitFor("the console pod to run", 30, async () => {
                pod = /console: pod [\w-]+\/([\w-]+) /.exec(session.output().stderr)?.[1] ?? "";
                const p = pod ? await get(["pod", pod, "-n", namespace]) : undefined;
                return p?.status?.phase === "Running";
            });
            const live = await get(["pod", pod, "-n", namespace]);
            check(
                live?.spec.containers[0].tty === true && live.spec.activeDeadlineSeconds > 0,
                `the console pod has no TTY or deadline: ${JSON.stringify(live?.spec.containers[0])}`,
            );
            check(
                JSON.stringify(live.spec.containers[0].command) === '["bin/rails","console"]',
                `the console runs ${JSON.stringify(live.spec.containers[0].command)}`,
            );
            // kwok attaches the session to what is written to the file from now on.
            await new Promise((r) => setTimeout(r, 2000));
            fs.appendFileSync(files.attach, criLine("irb(main):001> Loading production environment"));
            await waitFor("the console's output", 20, async () =>
                session.output().stdout.includes("Loading production environment"),
            );
        } finally {
            const code = await session.stop();
            check(code === 0, `console exited ${code}:\n${session.output().stderr}`);
        }
        await waitFor(
            `the console pod ${pod} to be deleted`,
            30,
            async () => (await get(["pod", pod, "-n", namespace])) === undefined,
        );
        return `${webPods.length} web pods' logs, then ${added}'s; console pod ${pod} attached, then deleted`;
    },
};

/** The VirtualServers' specs as JSON text. */
async function routes(ns: string): Promise<string> {
    return JSON.stringify((await list(["virtualservers.k8s.nginx.org", "-n", ns])).map((v) => v.spec));
}

/** Runs `abort` and checks that it removed the canary and left every stable object as it was. */
export async function abortLeavesStable(namespace: string, abort: () => Promise<void>): Promise<void> {
    const kinds = ["deployments", "cronjobs", "horizontalpodautoscalers", "services"];
    const stableBefore = await snapshot(namespace, kinds);
    for (const k of [...stableBefore.keys()]) if (k.includes("canary")) stableBefore.delete(k);
    await abort();
    check(
        !(await deployments(namespace)).some((d) => d.name.endsWith("-web-canary")),
        "after abort a canary Deployment is left",
    );
    check(!(await routes(namespace)).includes("canary"), "after abort a VirtualServer still routes to the canary");
    const stableAfter = await snapshot(namespace, kinds);
    const touched = [...stableBefore].filter(([k, v]) => stableAfter.get(k) !== v).map(([k]) => k);
    check(touched.length === 0, `abort changed the stable release: ${touched.join(", ")}`);
}

const canarySteps: Scenario = {
    id: "q",
    title: "capstan canary: start, weight, abort (stable untouched), start, promote, each leaving the cluster as it says; steps out of order exit 2",
    async run(ctx) {
        const stack = localStack(ctx);
        const { namespace } = await appOutputs(stack);
        const stable = String(stack.read(["capstan:imageTag"]));
        const step = async (...args: string[]) => {
            const r = await capstan(ctx, ["canary", "local", ...args, "--yes"]);
            check(
                r.code === 0,
                `canary ${args.join(" ")} exited ${r.code}:\n${r.stderr.trim().split("\n").slice(-8).join("\n")}`,
            );
        };
        const refused = async (args: string[], message: RegExp) => {
            const r = await capstan(ctx, ["canary", "local", ...args, "--yes"]);
            check(r.code === 2 && message.test(r.stderr), `canary ${args.join(" ")} exited ${r.code}:\n${r.stderr}`);
        };
        const canaryDeployment = async () => (await deployments(namespace)).find((d) => d.name.endsWith("-web-canary"));
        await refused(["promote"], /declares no canary to promote/);

        await step("start", TAGS.dayTwoCanary, "--cookie", "_AUSER_TYPE=canary");
        const started = await canaryDeployment();
        check(
            started?.images[0]?.endsWith(`:${TAGS.dayTwoCanary}`) === true && started.complete,
            `after start the canary Deployment is ${JSON.stringify(started)}`,
        );
        check(
            (await routes(namespace)).includes('"cookie":"_AUSER_TYPE"'),
            "after start no VirtualServer routes the cookie to the canary",
        );
        await refused(["start", TAGS.second], /already declared/);

        await step("weight", "10");
        check(
            /"weight":10\b/.test(await routes(namespace)),
            "after weight 10 no VirtualServer splits 10% to the canary",
        );

        await abortLeavesStable(namespace, () => step("abort"));
        await checkRunning(namespace, stable);

        await step("start", TAGS.dayTwoCanary);
        await step("promote");
        await checkRunning(namespace, TAGS.dayTwoCanary);
        check((await canaryDeployment()) === undefined, "after promote a canary Deployment is left");
        check(
            stack.read(["capstan:imageTag"]) === TAGS.dayTwoCanary && stack.read(["capstan:canary"]) === undefined,
            "the stack file does not say what promote did",
        );
        return `stable ${stable} -> ${TAGS.dayTwoCanary} through start, weight, abort, start, promote`;
    },
};

const olderStackFile: Scenario = {
    id: "r",
    title: "a pipeline's up with the stack file from before a deploy is refused, naming both tags, and changes nothing",
    async run(ctx) {
        const stack = localStack(ctx);
        const { namespace } = await appOutputs(stack);
        const committed = fs.readFileSync(stack.file, "utf8");
        const older = String(stack.read(["capstan:imageTag"]));
        const deployed = await deploy(ctx, ["local", TAGS.uncommitted, "--yes"]);
        check(deployed.code === 0, `the deploy exited ${deployed.code}:\n${deployed.stderr}`);
        check(stack.read(["capstan:previousImageTag"]) === older, "the deploy did not write the tag it replaced");
        const afterDeploy = fs.readFileSync(stack.file, "utf8");
        // The pipeline checks out the stack file as committed, before the deploy, and runs pulumi up.
        fs.writeFileSync(stack.file, committed);
        try {
            const up = await stack.up();
            check(!up.ok, "the up with the older stack file succeeded");
            const said = `${up.error ?? ""}${up.output}${up.errors.map((e) => e.message).join("\n")}`;
            check(
                said.includes(`capstan:imageTag: ${older} is older than ${TAGS.uncommitted}, which runs now`),
                `the refusal does not name both tags:\n${said.slice(-1500)}`,
            );
            check(
                Object.keys(up.changes ?? {}).every((op) => op === "same"),
                `the refused up changed ${JSON.stringify(up.changes)}`,
            );
        } finally {
            fs.writeFileSync(stack.file, afterDeploy);
        }
        await checkRunning(namespace, TAGS.uncommitted);
        return `refused to put ${older} back over ${TAGS.uncommitted}`;
    },
};

export const DAY_TWO_SCENARIOS = { status, runOneOff, logsAndConsole, canarySteps, olderStackFile };
