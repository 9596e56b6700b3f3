/**
 * The local stack's life: up from nothing (the migration and the assets upload first), no change
 * means no change, a tag deploy, the guard, a failed migration, and a rollback.
 */
import {
    check,
    checkJobsFirst,
    checkRunning,
    deployments,
    snapshot,
    snapshotDiff,
    waitFor,
    ALL_KINDS,
} from "../lib/app";
import { appOutputs, deploy, localStack, localStackText, TAGS, type Scenario } from "../lib/context";
import { existing, get, kubectl, list, Watch } from "../lib/kube";
import { changedOps, SuiteStack } from "../lib/stacks";
import { failPodsStage } from "../lib/stages";

const COMMITTED_TAG_PATH = ["capstan:imageTag"];

/** The Jobs that gate a rollout, by what they do: the migration, and the assets upload when the stack has one. */
export function gatingJobs(app: { migrationJob: string; assetsJob?: string }): Record<string, string> {
    return { migration: app.migrationJob, ...(app.assetsJob ? { assets: app.assetsJob } : {}) };
}

/** What a watched step was expected to wait for: the Jobs, and which new ReplicaSets they gate (all by default). */
export interface Gate {
    readonly namespace: string;
    readonly jobs: Record<string, string>;
    readonly which?: (replicaSet: string) => boolean;
}

/** Runs `step` while watching Jobs and ReplicaSets; returns its result and the verdict that the Jobs came first. */
export async function watchingRollout<T>(
    ns: string | undefined,
    step: () => Promise<T>,
    gate: (result: T) => Promise<Gate>,
): Promise<{ result: T; order: string }> {
    const before = new Set(ns ? (await list(["replicasets", "-n", ns])).map((r) => r.metadata.name) : []);
    const jobs = new Watch("jobs");
    const replicaSets = new Watch("replicasets");
    await new Promise((r) => setTimeout(r, 1500)); // both watches have listed what exists
    let result: T;
    let events: Awaited<ReturnType<Watch["stop"]>>[] = [];
    try {
        result = await step();
    } finally {
        events = await Promise.all([jobs.stop(), replicaSets.stop()]);
    }
    const g = await gate(result);
    const order = checkJobsFirst(g.namespace, g.jobs, events[0], events[1], before, g.which);
    return { result, order };
}

const up: Scenario = {
    id: "b",
    title: "up of the local stack from nothing: accepted under restricted Pod Security and the CRDs' schemas, rolled out, migration first",
    async run(ctx) {
        const stack = await SuiteStack.create(ctx.ws.stackDir, "local", localStackText(ctx));
        const { result, order } = await watchingRollout(
            undefined,
            () => stack.up(),
            async (res) => {
                check(res.ok, `pulumi up failed:\n${res.errors.map((e) => e.message).join("\n") || res.error}`);
                const app = await appOutputs(stack);
                return { namespace: app.namespace, jobs: gatingJobs(app) };
            },
        );
        ctx.local = stack;
        check(
            !/from \$PATH/.test(result.output),
            `the CLI ran a plugin from PATH instead of the installed one:\n${result.output
                .split("\n")
                .filter((l) => l.includes("$PATH"))
                .join("\n")}`,
        );
        const { namespace } = await appOutputs(stack);
        const objects = (await stack.kubernetesObjects()).map((o) => o.object);
        const found = await existing(objects);
        check(
            found.length === objects.length,
            `${objects.length - found.length} object(s) of the state are not in the cluster`,
        );
        const ns = await get(["namespace", namespace]);
        check(
            ns?.metadata.labels?.["pod-security.kubernetes.io/enforce"] === "restricted",
            `namespace ${namespace} does not enforce restricted Pod Security: ${JSON.stringify(ns?.metadata.labels)}`,
        );
        const custom = found.filter((o) => o.apiVersion.startsWith("k8s.nginx.org/"));
        check(
            custom.some((o) => o.kind === "VirtualServer"),
            "no VirtualServer was created",
        );
        await checkRunning(namespace, String(stack.read(COMMITTED_TAG_PATH)));
        return `${result.changes?.create ?? 0} created, ${objects.length} Kubernetes objects (${custom.length} NGINX custom resources); ${order}`;
    },
};

/** A kwok Stage that takes readiness from the running web pods, as a node that stops reporting does. */
const UNREADY_WEB = JSON.stringify({
    apiVersion: "kwok.x-k8s.io/v1alpha1",
    kind: "Stage",
    metadata: { name: "e2e-unready-web" },
    spec: {
        resourceRef: { apiGroup: "v1", kind: "Pod" },
        selector: {
            matchExpressions: [
                { key: ".metadata.deletionTimestamp", operator: "DoesNotExist" },
                { key: '.metadata.labels["app.kubernetes.io/component"]', operator: "In", values: ["web"] },
                {
                    key: '.status.conditions.[] | select( .type == "Ready" ) | .status',
                    operator: "In",
                    values: ["True"],
                },
            ],
        },
        next: {
            statusTemplate: [
                "conditions:",
                "- type: Ready",
                '  status: "False"',
                "  reason: E2ENodeLost",
                "  lastTransitionTime: {{ Now | Quote }}",
                "- type: ContainersReady",
                '  status: "False"',
                "  lastTransitionTime: {{ Now | Quote }}",
            ].join("\n"),
        },
    },
});

/**
 * A refresh while the web pods are not Ready records the web Deployment and its Service as not
 * ready; the engine then updates them on the next update with no changed property. Returns what
 * the preview showed; the pods are Ready again afterwards.
 */
async function refreshWhileUnready(stack: SuiteStack, ns: string): Promise<string> {
    const web = async () => (await deployments(ns)).find((d) => d.name.endsWith("-web") && !d.name.includes("canary"));
    await kubectl(["apply", "-f", "-"], UNREADY_WEB);
    try {
        // kwok plays a stage when a pod changes: the web pods' replacements meet it once Ready.
        await kubectl(["delete", "pods", "-n", ns, "-l", "app.kubernetes.io/component=web", "--wait=false"]);
        await waitFor("the web pods to lose readiness", 30, async () =>
            /0 available/.test((await web())?.status ?? ""),
        );
        const refreshed = await stack.refresh();
        check(refreshed.ok, `pulumi refresh failed: ${refreshed.error}`);
    } finally {
        await kubectl(["delete", "stage", "e2e-unready-web", "--ignore-not-found"]);
    }
    await kubectl(["delete", "pods", "-n", ns, "-l", "app.kubernetes.io/component=web", "--wait=false"]);
    await waitFor("the web pods to be Ready again", 60, async () => (await web())?.complete === true);
    const preview = await stack.preview();
    check(preview.ok, `the preview failed: ${preview.error}`);
    const updates = preview.steps.filter((s) => s.op !== "same");
    check(
        updates.every((s) => s.op === "update" && (s.diffs ?? []).length === 0),
        `after a refresh of unready pods the preview changes properties:\n${updates.map((s) => `${s.op} ${s.urn.split("::").pop()} [${(s.diffs ?? []).join(", ")}]`).join("\n")}`,
    );
    return updates.map((s) => `${s.type.split(":").pop()} ${s.urn.split("::").pop()}`).join(", ");
}

const noChange: Scenario = {
    id: "j",
    title: "no change means no change: a second up does nothing, after a refresh a preview shows nothing, and a refresh of unready pods changes no property",
    async run(ctx) {
        const stack = localStack(ctx);
        const second = await stack.up();
        check(second.ok, `the second up failed: ${second.error}`);
        check(
            Object.keys(changedOps(second.changes)).length === 0,
            `the second up changed ${JSON.stringify(changedOps(second.changes))}`,
        );
        const { namespace } = await appOutputs(stack);
        // A refresh records a Deployment whose pods are not all Ready as not ready (the case below),
        // so this half starts from complete rollouts, as a refresh in a quiet hour does.
        await waitFor("every rollout to be complete before the refresh", 60, async () =>
            (await deployments(namespace)).every((d) => d.complete),
        );
        const refreshed = await stack.refresh();
        check(refreshed.ok, `pulumi refresh failed: ${refreshed.error}`);
        const preview = await stack.preview();
        check(preview.ok, `the preview after the refresh failed: ${preview.error}`);
        const changed = preview.steps.filter((s) => s.op !== "same");
        if (changed.length > 0) {
            const now = (await deployments(namespace)).map((d) => `${d.name}: ${d.status}`).join("; ");
            check(
                false,
                `after a refresh the preview shows:\n${changed.map((s) => `${s.op} ${s.urn.split("::").pop()} [${(s.diffs ?? []).join(", ")}]`).join("\n")}\nDeployments now: ${now}`,
            );
        }
        if (!ctx.ownCluster) return `${preview.steps.length} steps, all same`;
        const retried = await refreshWhileUnready(stack, namespace);
        return `${preview.steps.length} steps, all same; after a refresh of unready web pods, updates with no changed property: ${retried || "none"}`;
    },
};

const tagDeploy: Scenario = {
    id: "c",
    title: "npm run deploy -- local <tag2> --yes changes only images and the migration Job, and the cluster runs <tag2>",
    async run(ctx) {
        const stack = localStack(ctx);
        const { namespace } = await appOutputs(stack);
        const stale = (await deployments(namespace)).filter((d) => !d.complete);
        check(
            stale.length === 0,
            `before the deploy, rollouts had fallen back: ${stale.map((d) => `${d.name} ${d.status}`).join("; ")}`,
        );
        const before = await snapshot(namespace);
        const { result, order } = await watchingRollout(
            namespace,
            () => deploy(ctx, ["local", TAGS.second, "--yes"]),
            async (r) => {
                check(r.code === 0, `deploy exited ${r.code}:\n${r.stderr.trim()}`);
                const app = await appOutputs(stack);
                return { namespace: app.namespace, jobs: gatingJobs(app) };
            },
        );
        const touched = snapshotDiff(before, await snapshot(namespace));
        check(touched.length === 0, `the deploy touched more than images and the migration:\n${touched.join("\n")}`);
        check(stack.read(COMMITTED_TAG_PATH) === TAGS.second, "the stack file does not say the new tag");
        await checkRunning(namespace, TAGS.second);
        check(/rolled/.test(result.stdout), "the deploy did not say what rolled");
        return order;
    },
};

const guard: Scenario = {
    id: "d",
    title: "the guard: a new tag plus an HPA bound change exits 3 and leaves the cluster unchanged",
    async run(ctx) {
        const stack = localStack(ctx);
        const { namespace } = await appOutputs(stack);
        const max = Number(stack.read(["capstan:app", "web", "maxReplicas"]));
        stack.edit((c) => c.setIn(["capstan:app", "web", "maxReplicas"], max + 1));
        try {
            const before = await snapshot(namespace, ALL_KINDS);
            const r = await deploy(ctx, ["local", TAGS.guarded, "--yes"]);
            check(r.code === 3, `deploy exited ${r.code}, not 3:\n${r.stderr.trim()}`);
            check(
                /HorizontalPodAutoscaler \S+: spec\.maxReplicas/.test(r.stderr),
                `the refusal does not name the HPA's spec.maxReplicas:\n${r.stderr}`,
            );
            const touched = snapshotDiff(before, await snapshot(namespace, ALL_KINDS));
            check(touched.length === 0, `the refused deploy changed the cluster:\n${touched.join("\n")}`);
            check(stack.read(COMMITTED_TAG_PATH) === TAGS.second, "the refused deploy left its tag in the stack file");
        } finally {
            stack.edit((c) => c.setIn(["capstan:app", "web", "maxReplicas"], max));
        }
    },
};

/** A kwok Stage that fails the running pods of Jobs whose image is `image`. */
function failingStage(image: string): string {
    return failPodsStage(
        "e2e-failing-migration",
        [
            { key: ".metadata.ownerReferences.[].kind", operator: "In", values: ["Job"] },
            { key: ".spec.containers.[].image", operator: "In", values: [image] },
        ],
        1,
        "e2e: the migration fails",
    );
}

const failedMigration: Scenario = {
    id: "e",
    title: "a failed migration: deploy exits 1 naming the Job, the old version keeps running, and the same tag deploys once the cause is gone",
    async run(ctx) {
        check(ctx.ownCluster, "needs kwok's Stage API to fail a pod: run on the suite's own cluster");
        const stack = localStack(ctx);
        const { namespace } = await appOutputs(stack);
        const image = (await deployments(namespace))[0].images[0].replace(/:[^:]+$/, `:${TAGS.failing}`);
        await kubectl(["apply", "-f", "-"], failingStage(image));
        let failed;
        try {
            failed = await deploy(ctx, ["local", TAGS.failing, "--yes"]);
        } finally {
            await kubectl(["delete", "stage", "e2e-failing-migration", "--ignore-not-found"]);
        }
        check(failed.code === 1, `deploy exited ${failed.code}, not 1:\n${failed.stderr.trim()}`);
        check(
            /failed: kubernetes:batch\/v1:Job \S+/.test(failed.stderr),
            `the failure does not name the Job:\n${failed.stderr}`,
        );
        await checkRunning(namespace, TAGS.second);
        check(stack.read(COMMITTED_TAG_PATH) === TAGS.second, "the failed deploy left its tag in the stack file");
        const again = await deploy(ctx, ["local", TAGS.failing, "--yes"]);
        check(again.code === 0, `the second deploy exited ${again.code}:\n${again.stderr.trim()}`);
        const { migrationJob } = await appOutputs(stack);
        const job = await get(["job", migrationJob, "-n", namespace]);
        check((job?.status?.succeeded ?? 0) >= 1, `the migration Job ${migrationJob} did not run again to success`);
        await checkRunning(namespace, TAGS.failing);
        return `refused with: ${failed.stderr
            .split("\n")
            .find((l) => l.includes("failed: kubernetes:batch/v1:Job"))
            ?.trim()}`;
    },
};

const rollback: Scenario = {
    id: "f",
    title: "--rollback restores the previous tag",
    async run(ctx) {
        const stack = localStack(ctx);
        const { namespace } = await appOutputs(stack);
        const current = String(stack.read(COMMITTED_TAG_PATH));
        const r = await deploy(ctx, ["local", "--rollback", "--yes"]);
        check(r.code === 0, `rollback exited ${r.code}:\n${r.stderr.trim()}`);
        const line = r.stdout.split("\n").find((l) => l.startsWith("Rolling back"));
        check(line !== undefined, "rollback did not say what it rolls back to");
        const expected = current === TAGS.failing ? TAGS.second : undefined;
        const target = /to (\S+) \(/.exec(line)?.[1];
        if (expected) check(target === expected, `rolled back to ${target}, not ${expected}: ${line}`);
        await checkRunning(namespace, target ?? "");
        return line;
    },
};

const destroy: Scenario = {
    id: "k",
    title: "pulumi destroy of the local stack removes every object it created",
    async run(ctx) {
        const stack = localStack(ctx);
        const objects = await stack.kubernetesObjects();
        const kept = objects.filter((o) => o.protect);
        const res = await stack.destroy();
        check(res.ok, `pulumi destroy failed: ${res.errors.map((e) => e.message).join("\n") || res.error}`);
        const left = await existing(objects.filter((o) => !o.protect).map((o) => o.object));
        check(
            left.length === 0,
            `left behind: ${left.map((o) => `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`).join(", ")}`,
        );
        ctx.local = undefined;
        return `${objects.length - kept.length} objects deleted${kept.length ? `; protected, kept: ${kept.map((o) => o.urn.split("::").pop()).join(", ")}` : "; none protected"}`;
    },
};

export const ROLLOUT_SCENARIOS = { up, noChange, tagDeploy, guard, failedMigration, rollback, destroy };
