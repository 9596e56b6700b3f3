/**
 * A blue/green release on the local stack through the real engine: a deploy whose checks fail
 * leaves the routes on blue with green up behind its preview host; the same deploy once the checks
 * pass verifies green and switches, changing only the VirtualServers' routes; the rollback within
 * the window changes only the routes back, and the finish after a short window scales the old
 * colour down. NGINX does not run here: what reaches which pod is shown on the specs the API server
 * accepted, and the checks' pod passes or fails as a kwok Stage makes it.
 */
import { ALL_KINDS, check, checkRunning, deployments, snapshot, snapshotDiff, waitFor } from "../lib/app";
import { appOutputs, capstan, deploy, localStack, type Context, type Scenario } from "../lib/context";
import { kubectl, list } from "../lib/kube";
import { failPodsStage } from "../lib/stages";

const PREVIEW = "preview.local.example.com";
const TAG = "2026.12.04-e2ebluegreen";
/** Long enough for a switch on a loaded two-core runner, short enough to wait out. */
const WINDOW_SECONDS = 60;
/** The kwok Stage that fails the checks' pod, as checks that find the new tag broken would. */
const FAILING_CHECKS = failPodsStage(
    "e2e-release-checks-fail",
    [{ key: '.metadata.labels["capstan.dev/release-check"]', operator: "In", values: ["true"] }],
    1,
);
/** The app's hosts and the upstream they reach while blue is active. */
const APP_ROUTES = { "staging.local.example.com": "web", "staging.internal.local.example.com": "web" };

type Obj = Record<string, any>;

/** A host-to-upstream map as text, in host order. */
const sorted = (m: Record<string, string>) => JSON.stringify(Object.entries(m).sort());

/** Fails the scenario unless the command exited 0, with the end of what it said. */
async function ok(r: Promise<{ code: number | null; stderr: string }>, what: string): Promise<void> {
    const done = await r;
    check(done.code === 0, `${what} exited ${done.code}:\n${done.stderr.trim().split("\n").slice(-8).join("\n")}`);
}

/**
 * A deploy whose checks fail: green at the tag with blue's pods, complete, behind the preview host
 * only; the routes stay on blue and the workers on the stable tag.
 */
async function deployFailingChecks(ctx: Context, ns: string, stable: string): Promise<void> {
    await kubectl(["apply", "-f", "-"], FAILING_CHECKS);
    try {
        const failed = await deploy(ctx, ["local", TAG, "--yes"]);
        check(
            failed.code === 1 &&
                /the routes stay on blue/.test(failed.stderr) &&
                /HTTP checks failed/.test(failed.stderr),
            `a deploy whose checks fail exited ${failed.code}:\n${failed.stderr.trim().split("\n").slice(-8).join("\n")}`,
        );
    } finally {
        await kubectl(["delete", "stage", "e2e-release-checks-fail", "--ignore-not-found"]);
    }
    const all = await deployments(ns);
    const blue = all.find((d) => d.name === "phraseapp-web");
    const green = all.find((d) => d.name === "phraseapp-web-green");
    check(
        green?.complete === true && green.images[0].endsWith(`:${TAG}`) && green.ready >= (blue?.ready ?? 0),
        `green after the deploy: ${JSON.stringify(green)} (blue: ${JSON.stringify(blue)})`,
    );
    const routes = await routing(ns);
    check(
        sorted(routes) === sorted({ ...APP_ROUTES, [PREVIEW]: "web-green" }),
        `after the failed checks the routes are ${JSON.stringify(routes)}`,
    );
    const workers = all.filter((d) => d.name.includes("worker"));
    check(
        workers.length > 0 && workers.every((w) => w.images[0].endsWith(`:${stable}`)),
        "a worker rolled with the deploy",
    );
    const checks = (await list(["jobs", "-n", ns, "-l", "capstan.dev/release-check=true"])) as Obj[];
    check(checks.length === 1, `${checks.length} checks' Jobs after one verification`);
}

/** Each VirtualServer's host and the upstream its route of `/` proxies to (the last match's: the origin header's guard aside). */
async function routing(ns: string): Promise<Record<string, string>> {
    const servers = await list(["virtualservers.k8s.nginx.org", "-n", ns]);
    return Object.fromEntries(
        servers.map((v: Obj) => {
            const route = v.spec.routes[0];
            return [v.spec.host, (route.action?.proxy ?? route.matches?.at(-1)?.action?.proxy)?.upstream];
        }),
    );
}

/** Runs a step, and checks that it changed VirtualServers' routes and nothing else in the namespace. */
async function routesOnly(ctx: Context, ns: string, what: string, step: () => Promise<void>): Promise<number> {
    const before = await snapshot(ns, ALL_KINDS);
    const specs = async () =>
        new Map((await list(["virtualservers.k8s.nginx.org", "-n", ns])).map((v: Obj) => [v.metadata.name, v.spec]));
    const vsBefore = await specs();
    const started = Date.now();
    await step();
    const seconds = (Date.now() - started) / 1000;
    // The checks' Job is a one-off of the deploy's, not an object of the stack.
    const changed = snapshotDiff(before, await snapshot(ns, ALL_KINDS)).filter(
        (l) => !l.includes("Job/phraseapp-check-"),
    );
    check(changed.length > 0, `${what} changed nothing`);
    check(
        changed.every((l) => l.startsWith("changed VirtualServer/")),
        `${what} changed more than VirtualServers: ${changed.join(", ")}`,
    );
    for (const [name, spec] of await specs()) {
        const { routes: _r, ...rest } = spec as Obj;
        const { routes: _b, ...restBefore } = vsBefore.get(name) as Obj;
        check(JSON.stringify(rest) === JSON.stringify(restBefore), `${what} changed ${name} beyond its routes`);
    }
    ctx.log(`${what}: ${changed.join(", ")} in ${seconds.toFixed(1)} s`);
    return seconds;
}

/** The same deploy again: green is up already, so it is verified and the routes, only they, switch to it. */
async function verifiedSwitch(ctx: Context, namespace: string): Promise<void> {
    await routesOnly(ctx, namespace, "the deploy's switch", () =>
        ok(deploy(ctx, ["local", TAG, "--yes"]), `deploy ${TAG} again`),
    );
    const switched = await routing(namespace);
    check(
        switched["staging.local.example.com"] === "web-green" && switched[PREVIEW] === "web",
        `after the switch: ${JSON.stringify(switched)}`,
    );
    const status = await capstan(ctx, ["status", "local"]);
    check(
        status.stdout.includes(`active: green (${TAG})`) && /switch back possible until/.test(status.stdout),
        `capstan status after the switch:\n${status.stdout}`,
    );
}

const blueGreenRelease: Scenario = {
    id: "J",
    title: "blue/green: failed checks keep the routes on blue with green up behind its preview host; the verified deploy's switch and a rollback within the window change only the routes; finish scales the old colour down",
    async run(ctx) {
        const stack = localStack(ctx);
        const { namespace } = await appOutputs(stack);
        const stable = String(stack.read(["capstan:imageTag"]));
        stack.edit((c) =>
            c.set("capstan:release", {
                strategy: "blueGreen",
                previewHosts: [PREVIEW],
                scaleDownDelay: `${WINDOW_SECONDS}s`,
                checks: [{ path: "/up", status: 200 }],
            }),
        );
        try {
            const on = await stack.up();
            check(on.ok, `turning blue/green on failed: ${on.error ?? ""}`);
            await deployFailingChecks(ctx, namespace, stable);

            await verifiedSwitch(ctx, namespace);

            const back = await routesOnly(ctx, namespace, "the rollback", () =>
                ok(deploy(ctx, ["local", "--rollback", "--yes"]), "rollback"),
            );
            const rolledBack = await routing(namespace);
            check(
                rolledBack["staging.local.example.com"] === "web",
                `after the rollback: ${JSON.stringify(rolledBack)}`,
            );
            const early = await capstan(ctx, ["release", "local", "finish", "--yes"]);
            check(
                early.code === 3 && /can move back to it until/.test(early.stderr),
                `finish within the window exited ${early.code}:\n${early.stderr}`,
            );

            // The window runs from the last switch, the rollback's: wait for its end as the stack file gives it.
            const until = Date.parse(String(stack.read(["capstan:release", "switchedAt"]))) + WINDOW_SECONDS * 1000;
            await new Promise((r) => setTimeout(r, Math.max(0, until - Date.now()) + 1000));
            await ok(capstan(ctx, ["release", "local", "finish", "--yes"]), "finish");
            await waitFor(
                "green's pods to go",
                30,
                async () => !(await deployments(namespace)).some((d) => d.name === "phraseapp-web-green"),
            );
            await checkRunning(namespace, stable);
            check(
                !Object.keys(await routing(namespace)).includes(PREVIEW),
                "the preview VirtualServer outlived the finish",
            );
            return `green at ${TAG} behind ${PREVIEW}, kept off by failed checks, verified and switched, rolled back in ${back.toFixed(1)} s (routes only), scaled down after ${WINDOW_SECONDS}s`;
        } finally {
            // The next scenarios expect the rolling stack: blue alone at the stable tag.
            stack.edit((c) => c.delete("capstan:release"));
            const off = await stack.up();
            check(off.ok, `turning blue/green off failed: ${off.error ?? ""}`);
        }
    },
};

export const BLUE_GREEN_SCENARIOS = { blueGreenRelease };
