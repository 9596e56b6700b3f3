/**
 * A deploy when things go wrong, on the real engine: killed halfway (SIGKILL in the migration's
 * wait and in the rollout), cancelled (SIGINT), the API server stopped for 30 s, etcd restarted,
 * two deploys at once (one working copy and two), a node lost mid-rollout, and a hand change
 * between preview and update. After each: the old version served throughout, the next deploy
 * converges with its guard seeing only the image change, the state and the cluster agree, and no
 * secret is in plain text in what the deploy printed or in the state.
 */
import * as fs from "fs";
import * as path from "path";
import { check, checkRunning, waitFor } from "../lib/app";
import { appOutputs, deploy, localStack, type Context, type Scenario } from "../lib/context";
import { REPO } from "../lib/env";
import {
    checkNoSecretLeaked,
    fewestReady,
    jobsOfTag,
    leftBehind,
    rolloutBegun,
    RunningDeploy,
    webDeployment,
    withPodDelays,
} from "../lib/faults";
import { kubectl, list, run } from "../lib/kube";
import type { SuiteStack } from "../lib/stacks";

/** How long kwok's pods take to become ready and to complete during these scenarios: time to interrupt. */
const POD_DELAY_MS = 6000;

/** The tags the fault scenarios deploy. */
export const FAULT_TAGS = {
    killedInMigration: "2026.12.07-kill0001",
    killedInRollout: "2026.12.07-kill0002",
    interrupted: "2026.12.07-sigint01",
    apiserverDown: "2026.12.07-apidown1",
    etcdRestarted: "2026.12.07-etcd0001",
    concurrentA: "2026.12.07-twoaaaa1",
    concurrentB: "2026.12.07-twobbbb1",
    handEdited: "2026.12.07-hand0001",
    nodeLost: "2026.12.07-node0001",
};

/** The image tag the stack's last complete update ran (its output), which serves before a fault. */
async function servingTag(stack: SuiteStack): Promise<string> {
    const tag = (await stack.outputs()).imageTag;
    check(typeof tag === "string", "the stack has no imageTag output");
    return tag;
}

/** The stack file's tag. */
const fileTag = (stack: SuiteStack) => String(stack.read(["capstan:imageTag"]));

/**
 * The end of every fault: a deploy of `tag` (the one that was interrupted, or the next) converges,
 * its preview changing only what a tag deploy changes; afterwards a preview shows no change, the
 * cluster runs `tag` and no secret leaked. Returns the recovering deploy's notable lines.
 */
async function converges(
    ctx: Context,
    stack: SuiteStack,
    tag: string,
    printed: Record<string, string>,
): Promise<string> {
    const { namespace } = await appOutputs(stack);
    const started = Date.now();
    const again = await deploy(ctx, ["local", tag, "--yes"]);
    const took = ((Date.now() - started) / 1000).toFixed(1);
    check(again.code === 0, `the deploy after the fault exited ${again.code}:\n${again.stderr.trim()}`);
    check(!/besides the image tag/.test(again.stderr), "the guard saw more than the image change");
    await checkRunning(namespace, tag);
    check(fileTag(stack) === tag, `the stack file says ${fileTag(stack)}, not ${tag}`);
    const preview = await stack.preview();
    check(preview.ok, `the preview after recovery failed: ${preview.error}`);
    // An update with no changed property is the engine waiting for readiness again after a refresh
    // saw a rollout in progress (as scenario j shows); anything else is a disagreement.
    const changed = preview.steps.filter(
        (s) => s.op !== "same" && !(s.op === "update" && (s.diffs ?? []).length === 0),
    );
    check(
        changed.length === 0,
        `after recovery the state and the cluster disagree; the preview shows: ${changed.map((s) => `${s.op} ${s.type.split(":").pop()} ${s.urn.split("::").pop()} [${(s.diffs ?? []).join(", ")}]`).join("; ")}`,
    );
    await checkNoSecretLeaked(stack, { ...printed, "the recovering deploy's output": again.stdout + again.stderr });
    const notable = again.stdout
        .split("\n")
        .filter((l) => /^(Removed|The last update|  )/.test(l) && !/^ {2}[~+-] /.test(l))
        .slice(0, 6)
        .join(" | ");
    return `the next deploy converged in ${took} s${notable ? `: ${notable}` : ""}`;
}

/** Kills a deploy whole once `moment` holds; checks the old version kept serving; returns what was left. */
async function killedAt(
    ctx: Context,
    tag: string,
    moment: (ns: string) => Promise<boolean>,
): Promise<{ left: string; printed: string; fewest: number }> {
    const stack = localStack(ctx);
    const { namespace } = await appOutputs(stack);
    const before = await servingTag(stack);
    const web = await webDeployment(stack);
    const { result, fewest } = await fewestReady(namespace, web, () =>
        withPodDelays(POD_DELAY_MS, async () => {
            const d = new RunningDeploy(ctx, ["local", tag, "--yes"]);
            await waitFor("the moment to kill the deploy", 180, () => moment(namespace));
            d.killGroup("SIGKILL");
            const end = await d.done;
            return end.stdout + end.stderr;
        }),
    );
    check(fewest >= 1, `the web Deployment had ${fewest} ready pods at one moment`);
    check(fileTag(stack) === before, `the killed deploy left ${fileTag(stack)} in the stack file`);
    return { left: await leftBehind(ctx, stack), printed: result, fewest };
}

const killedInMigration: Scenario = {
    id: "t",
    title: "a deploy killed with SIGKILL in the migration's wait: the old version serves, the retry settles the dead update and deploys the tag",
    async run(ctx) {
        const stack = localStack(ctx);
        const tag = FAULT_TAGS.killedInMigration;
        const old = await servingTag(stack);
        const killed = await killedAt(ctx, tag, async (ns) => (await jobsOfTag(ns, tag)).length > 0);
        const { namespace } = await appOutputs(stack);
        await checkRunning(namespace, old);
        const recovered = await converges(ctx, stack, tag, { "the killed deploy's output": killed.printed });
        return `left: ${killed.left}; fewest ready web pods ${killed.fewest}; recovery: ${recovered}`;
    },
};

const killedInRollout: Scenario = {
    id: "u",
    title: "a deploy killed with SIGKILL during the rollout: no old pod is lost before a new one is ready, and the retry converges",
    async run(ctx) {
        const stack = localStack(ctx);
        const tag = FAULT_TAGS.killedInRollout;
        const killed = await killedAt(ctx, tag, (ns) => rolloutBegun(ns, tag));
        const recovered = await converges(ctx, stack, tag, { "the killed deploy's output": killed.printed });
        return `left: ${killed.left}; fewest ready web pods ${killed.fewest}; recovery: ${recovered}`;
    },
};

const interrupted: Scenario = {
    id: "v",
    title: "SIGINT during the update: the engine's graceful cancel, no lock left, the message says how to finish, and the retry converges",
    async run(ctx) {
        const stack = localStack(ctx);
        const tag = FAULT_TAGS.interrupted;
        const { namespace } = await appOutputs(stack);
        const end = await withPodDelays(POD_DELAY_MS, async () => {
            const d = new RunningDeploy(ctx, ["local", tag, "--yes"]);
            await waitFor("the rollout to begin", 180, () => rolloutBegun(namespace, tag));
            d.signal("SIGINT");
            return d.done;
        });
        check(end.code === 1, `the cancelled deploy exited ${end.code}, not 1:\n${end.stderr}`);
        check(/cancelling the update/.test(end.stderr), `the deploy did not say it cancels:\n${end.stderr}`);
        check(
            new RegExp(`To finish the deploy, run: capstan deploy local ${tag}`).test(end.stderr),
            `no recovery command:\n${end.stderr}`,
        );
        const left = await leftBehind(ctx, stack);
        check(left.startsWith("0 lock file(s)"), `a graceful cancel left: ${left}`);
        const recovered = await converges(ctx, stack, tag, {
            "the cancelled deploy's output": end.stdout + end.stderr,
        });
        return `printed: ${end.stderr.split("\n").find((l) => l.startsWith("deploy:"))}; left: ${left}; recovery: ${recovered}`;
    },
};

/** A control-plane outage during a deploy's rollout: the deploy waits or names it; a rerun converges. */
async function outage(
    ctx: Context,
    tag: string,
    component: "kube-apiserver" | "etcd",
    downSeconds: number,
): Promise<string> {
    const stack = localStack(ctx);
    const { namespace } = await appOutputs(stack);
    const web = await webDeployment(stack);
    const cluster = (args: string[]) => run("npm", ["run", "--silent", "local-cluster", "--", ...args], { cwd: REPO });
    const { result: end, fewest } = await fewestReady(namespace, web, () =>
        withPodDelays(POD_DELAY_MS, async () => {
            const d = new RunningDeploy(ctx, ["local", tag, "--yes"]);
            await waitFor("the rollout to begin", 180, () => rolloutBegun(namespace, tag));
            const stopped = await cluster(["stop", component]);
            ctx.log(`local-cluster stop ${component}: ${stopped.stdout}${stopped.stderr}`);
            await new Promise((r) => setTimeout(r, downSeconds * 1000));
            const started = await cluster(["start", component]);
            ctx.log(`local-cluster start ${component}: ${started.stdout}${started.stderr}`);
            check(started.code === 0, `${component} did not start again: ${started.stderr}`);
            return d.done;
        }),
    );
    check(fewest >= 1, `the web Deployment had ${fewest} ready pods at one moment`);
    if (end.code !== 0) {
        check(end.code === 1, `the deploy exited ${end.code}:\n${end.stderr}`);
        check(
            /API server could not be reached/.test(end.stderr),
            `the failure does not name the outage:\n${end.stderr}`,
        );
        check(!/err\?:|Command failed with exit code/.test(end.stderr), `a raw error dump:\n${end.stderr}`);
    }
    const outcome =
        end.code === 0
            ? "the deploy waited and completed"
            : `the deploy failed: ${end.stderr.split("\n").find((l) => l.startsWith("deploy:"))}`;
    const recovered = await converges(ctx, stack, tag, { "the deploy's output": end.stdout + end.stderr });
    return `${component} down ${downSeconds} s: ${outcome}; fewest ready web pods ${fewest}; recovery: ${recovered}`;
}

const apiserverDown: Scenario = {
    id: "w",
    title: "the API server stopped for 30 s during the rollout: the deploy waits or names the outage, the old version serves, a rerun converges",
    run: (ctx) => outage(ctx, FAULT_TAGS.apiserverDown, "kube-apiserver", 30),
};

const etcdRestarted: Scenario = {
    id: "x",
    title: "etcd restarted during the rollout: the deploy waits or names the outage, the old version serves, a rerun converges",
    run: (ctx) => outage(ctx, FAULT_TAGS.etcdRestarted, "etcd", 3),
};

/** A second working copy of the project's stack files, on the same backend. */
function secondWorkingCopy(ctx: Context): string {
    const dir = path.join(ctx.ws.dir, "second-copy");
    fs.mkdirSync(dir, { recursive: true });
    for (const f of ["Pulumi.yaml", "Pulumi.local.yaml"])
        fs.copyFileSync(path.join(ctx.ws.stackDir, f), path.join(dir, f));
    return dir;
}

const concurrent: Scenario = {
    id: "y",
    title: "two deploys at once, from one working copy and from two: the second is refused at once naming the holder; the first deploys exactly what its preview showed, and a stack file edited meanwhile is named, not deployed",
    async run(ctx) {
        const stack = localStack(ctx);
        const { namespace } = await appOutputs(stack);
        const [a, b] = [FAULT_TAGS.concurrentA, FAULT_TAGS.concurrentB];
        const other = secondWorkingCopy(ctx);
        const seen = await withPodDelays(POD_DELAY_MS, async () => {
            const first = new RunningDeploy(ctx, ["local", a, "--yes"]);
            await first.printed(/^Previewing stack local/m);
            const same = await deploy(ctx, ["local", b, "--yes"]);
            const fromOther = await run(
                "node",
                [path.join(REPO, "scripts", "capstan.js"), "deploy", "local", b, "--yes"],
                {
                    cwd: REPO,
                    env: { ...process.env, CAPSTAN_STACK_DIR: other },
                },
            );
            ctx.log(`second working copy: exit ${fromOther.code}\n${fromOther.stdout}\n${fromOther.stderr}`);
            await waitFor("the first deploy's update to begin", 120, () =>
                Promise.resolve(/^Updating stack local/m.test(first.stdout)),
            );
            stack.edit((c) => c.set("capstan:imageTag", b)); // another terminal edits the stack file meanwhile
            return { same, fromOther, first: await first.done };
        });
        for (const [where, r] of [
            ["the same working copy", seen.same],
            ["a second working copy", seen.fromOther],
        ] as const) {
            check(r.code === 3, `the second deploy from ${where} exited ${r.code}, not 3:\n${r.stderr}`);
            check(
                /is being deployed by \S+@\S+ \(pid \d+\) since \S+/.test(r.stderr),
                `the refusal from ${where} does not name the holder:\n${r.stderr}`,
            );
        }
        check(seen.first.code === 0, `the first deploy exited ${seen.first.code}:\n${seen.first.stderr}`);
        check(new RegExp(`Deployed ${a} `).test(seen.first.stdout), "the first deploy did not report its tag");
        check(
            /stack file was changed while the deploy ran \(capstan:imageTag\)/.test(seen.first.stdout),
            `the edit was not named:\n${seen.first.stdout}`,
        );
        await checkRunning(namespace, a);
        check(fileTag(stack) === a, `the stack file says ${fileTag(stack)} after deploying ${a}`);
        const recovered = await converges(ctx, stack, b, {
            "the deploys' output": seen.first.stdout + seen.first.stderr + seen.same.stderr,
        });
        return `refused at once: ${seen.same.stderr.split("\n")[0]}; then ${b} deployed: ${recovered}`;
    },
};

const handEdited: Scenario = {
    id: "z",
    title: "an object changed by hand after the last update, which the preview does not see: the targeted update leaves it, and the deploy names what drifted",
    async run(ctx) {
        const stack = localStack(ctx);
        const { namespace } = await appOutputs(stack);
        const web = await webDeployment(stack);
        const hpa = async () =>
            Number(JSON.parse(await kubectl(["get", "hpa", web, "-n", namespace, "-o", "json"])).spec.maxReplicas);
        const max = await hpa();
        // By hand, after the stack's last update: the state, which the preview reads, no longer matches the cluster.
        const patch = JSON.stringify({ spec: { maxReplicas: max + 3 } });
        await kubectl(["patch", "hpa", web, "-n", namespace, "--type", "merge", "-p", patch]);
        const end = await deploy(ctx, ["local", FAULT_TAGS.handEdited, "--yes"]);
        check(end.code === 0, `the deploy exited ${end.code}:\n${end.stderr}`);
        check(
            new RegExp(`HorizontalPodAutoscaler ${web}: changed by kubectl`).test(end.stdout),
            `the deploy did not name the hand change:\n${end.stdout}`,
        );
        check((await hpa()) === max + 3, "the deploy undid the hand change outside its verdict");
        await checkRunning(namespace, FAULT_TAGS.handEdited);
        // The person puts it back, as the message says: pulumi up --refresh.
        check((await stack.refresh()).ok, "the refresh failed");
        const refreshed = await stack.up();
        check(refreshed.ok && (await hpa()) === max, `pulumi up did not restore maxReplicas ${max}`);
        return end.stdout
            .split("\n")
            .find((l) => l.includes("changed by kubectl"))
            ?.trim();
    },
};

const nodeLost: Scenario = {
    id: "A",
    title: "a node removed during the rollout: the rollout completes on the other nodes, no old pod is lost beyond the node's own",
    async run(ctx) {
        const stack = localStack(ctx);
        const { namespace } = await appOutputs(stack);
        const web = await webDeployment(stack);
        const tag = FAULT_TAGS.nodeLost;
        const oldPods = async () =>
            (await list(["pods", "-n", namespace, "-l", "app.kubernetes.io/component=web"])).filter(
                (p) => !p.spec?.containers?.[0]?.image?.endsWith(`:${tag}`),
            );
        const victim = (await oldPods())[0]?.spec?.nodeName as string | undefined;
        check(victim !== undefined, "no web pod to take a node from");
        const saved = JSON.parse(await kubectl(["get", "node", victim, "-o", "json"])) as Record<string, any>;
        let lostOwn = 0;
        try {
            const { result: end, fewest } = await fewestReady(namespace, web, () =>
                withPodDelays(POD_DELAY_MS, async () => {
                    const d = new RunningDeploy(ctx, ["local", tag, "--yes"]);
                    await waitFor("the rollout to begin", 180, () => rolloutBegun(namespace, tag));
                    lostOwn = (await oldPods()).filter((p) => p.spec?.nodeName === victim).length;
                    await kubectl(["delete", "node", victim, "--wait=false"]);
                    return d.done;
                }),
            );
            if (end.code !== 0)
                check(
                    /Pending: /.test(end.stderr) && /deadline/.test(end.stderr),
                    `the failure does not name the Pending pods' reason:\n${end.stderr}`,
                );
            else {
                // The removed node's pods stay as objects until the pod garbage collector deletes
                // them (it waits for the node to stay gone): they were lost with the node.
                await waitFor(`the pods of ${victim} to be collected`, 180, async () =>
                    (await list(["pods", "-n", namespace])).every((p) => p.spec?.nodeName !== victim),
                );
                await checkRunning(namespace, tag);
            }
            return `${victim} removed with ${lostOwn} old web pod(s) on it; fewest ready web pods ${fewest}; deploy ${end.code === 0 ? "completed on the other nodes" : "failed by its deadline naming the Pending pods"}`;
        } finally {
            const { metadata, spec } = saved;
            const node = {
                apiVersion: "v1",
                kind: "Node",
                metadata: { name: metadata.name, labels: metadata.labels, annotations: metadata.annotations },
                spec: { taints: spec?.taints },
                status: saved.status,
            };
            await kubectl(["apply", "-f", "-"], JSON.stringify(node));
            await waitFor(`node ${victim} to be Ready again`, 60, async () =>
                /True/.test(
                    await kubectl([
                        "get",
                        "node",
                        victim,
                        "-o",
                        'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
                    ]),
                ),
            );
        }
    },
};

export const FAULT_SCENARIOS = {
    killedInMigration,
    killedInRollout,
    interrupted,
    apiserverDown,
    etcdRestarted,
    concurrent,
    handEdited,
    nodeLost,
};
