/**
 * What the scenarios check on the cluster: which image the app runs, whether its rollouts are
 * complete, whether the migration finished before any new ReplicaSet was created, and which
 * objects a step left untouched.
 */
import { createHash } from "crypto";
import { kubectl, list, type KubeObject, type WatchEvent } from "./kube";

export class Failure extends Error {}

/** Fails the scenario with `message` unless `ok`. */
export function check(ok: boolean, message: string): asserts ok {
    if (!ok) throw new Failure(message);
}

/** Waits up to `seconds` for `ok`, asking twice a second; fails the scenario naming `what`. */
export async function waitFor(what: string, seconds: number, ok: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < seconds * 2; i++) {
        if (await ok()) return;
        await new Promise((r) => setTimeout(r, 500));
    }
    check(false, `timed out after ${seconds} s waiting for ${what}`);
}

/** Each Deployment of the namespace with the images of its pod template, and whether its rollout is complete. */
export async function deployments(
    ns: string,
): Promise<{ name: string; images: string[]; complete: boolean; ready: number; status: string }[]> {
    return (await list(["deployments", "-n", ns])).map((d) => {
        const s = d.status ?? {};
        const want = d.spec?.replicas ?? 1;
        const complete =
            (s.observedGeneration ?? 0) >= ((d.metadata as { generation?: number }).generation ?? 0) &&
            s.updatedReplicas === want &&
            s.availableReplicas === want &&
            s.readyReplicas === want &&
            (s.replicas ?? 0) === want;
        return {
            name: d.metadata.name,
            images: (d.spec?.template?.spec?.containers ?? []).map((c: { image: string }) => c.image),
            complete,
            ready: s.readyReplicas ?? 0,
            status: `${s.updatedReplicas ?? 0} updated, ${s.readyReplicas ?? 0} ready, ${s.availableReplicas ?? 0} available of ${want}`,
        };
    });
}

/**
 * How long a rollout may take to finish after a deploy ends: the engine returns once the new pods
 * are ready, and the controller scales the old ReplicaSet down on its next sync.
 */
const ROLLOUT_SETTLE_SECONDS = 30;

/** Every Deployment and CronJob of the namespace (canary ones aside) runs `tag`, and every rollout is complete. */
export async function checkRunning(ns: string, tag: string): Promise<void> {
    let deps = (await deployments(ns)).filter((d) => !d.name.includes("canary"));
    check(deps.length > 0, `no Deployment in namespace ${ns}`);
    for (const d of deps)
        check(
            d.images.every((i) => i.endsWith(`:${tag}`)),
            `Deployment ${d.name} runs ${d.images.join(", ")}, not ${tag}`,
        );
    const settled = async () => {
        deps = (await deployments(ns)).filter((d) => !d.name.includes("canary"));
        return deps.every((d) => d.complete);
    };
    // On time out the check below names the Deployment and its counts, which waitFor's message would not.
    await waitFor("every rollout to complete", ROLLOUT_SETTLE_SECONDS, settled).catch(() => undefined);
    for (const d of deps) check(d.complete, `Deployment ${d.name}'s rollout is not complete: ${d.status}`);
    for (const c of await list(["cronjobs", "-n", ns])) {
        const images = (c.spec?.jobTemplate?.spec?.template?.spec?.containers ?? []).map(
            (x: { image: string }) => x.image,
        );
        check(
            images.every((i: string) => i.endsWith(`:${tag}`)),
            `CronJob ${c.metadata.name} runs ${images.join(", ")}, not ${tag}`,
        );
    }
    const pods = await list(["pods", "-n", ns]);
    const app = pods.filter(
        (p) => p.metadata.ownerReferences?.some((o) => o.kind === "ReplicaSet") && !p.metadata.name.includes("canary"),
    );
    for (const p of app) {
        const ready = (p.status?.conditions ?? []).some(
            (c: { type: string; status: string }) => c.type === "Ready" && c.status === "True",
        );
        const images = (p.spec?.containers ?? []).map((x: { image: string }) => x.image);
        if (ready)
            check(
                images.every((i: string) => i.endsWith(`:${tag}`)),
                `ready pod ${p.metadata.name} runs ${images.join(", ")}, not ${tag}`,
            );
    }
}

function conditionTrue(o: KubeObject, type: string): boolean {
    return (o.status?.conditions ?? []).some(
        (c: { type: string; status: string }) => c.type === type && c.status === "True",
    );
}

/**
 * Every Job of `jobs` (the migration, the assets upload) completed before any ReplicaSet created
 * during the watch (and not in `before`, nor left out by `which`) was created: compared by the
 * resource versions of the watch events, which the API server takes from one etcd revision
 * counter, so they order writes even within one second.
 */
export function checkJobsFirst(
    ns: string,
    jobs: Readonly<Record<string, string>>,
    jobEvents: readonly WatchEvent[],
    rsEvents: readonly WatchEvent[],
    before: ReadonlySet<string>,
    which: (replicaSet: string) => boolean = () => true,
): string {
    const completed = Object.entries(jobs).map(([what, job]) => {
        const complete = jobEvents.filter(
            (e) =>
                e.object.metadata.namespace === ns &&
                e.object.metadata.name === job &&
                conditionTrue(e.object, "Complete"),
        );
        check(complete.length > 0, `the ${what} Job ${job} was never seen complete`);
        return { what, at: Math.min(...complete.map((e) => e.revision)) };
    });
    const last = completed.reduce((a, b) => (b.at > a.at ? b : a));
    const created = rsEvents.filter(
        (e) =>
            e.type === "ADDED" &&
            e.object.metadata.namespace === ns &&
            !before.has(e.object.metadata.name) &&
            which(e.object.metadata.name),
    );
    check(created.length > 0, "no new ReplicaSet was created");
    const early = created.filter((e) => e.revision <= last.at);
    check(
        early.length === 0,
        `ReplicaSet(s) created before the ${last.what} Job completed (revision ${last.at}): ${early.map((e) => `${e.object.metadata.name}@${e.revision}`).join(", ")}`,
    );
    const done = completed.map((c) => `${c.what} complete at revision ${c.at}`).join(", ");
    return `${done}; ${created.length} new ReplicaSet(s) from revision ${Math.min(...created.map((e) => e.revision))}`;
}

/** The kinds whose objects a tag deploy must leave untouched. */
const STEADY_KINDS = [
    "services",
    "configmaps",
    "secrets",
    "serviceaccounts",
    "horizontalpodautoscalers",
    "poddisruptionbudgets",
    "networkpolicies",
    "resourcequotas",
    "limitranges",
    "virtualservers.k8s.nginx.org",
    "policies.k8s.nginx.org",
];

/**
 * `kind/name -> content` of the namespace's objects of `kinds`: what a person or Pulumi declares
 * (labels, annotations, spec, data), not the status that controllers keep writing, which moves
 * resource versions on its own.
 */
export async function snapshot(ns: string, kinds: readonly string[] = STEADY_KINDS): Promise<Map<string, string>> {
    const items = (
        JSON.parse(await kubectl(["get", kinds.join(","), "-n", ns, "-o", "json"])) as { items: KubeObject[] }
    ).items;
    const declared = (o: KubeObject) => {
        const { labels, annotations } = o.metadata as { labels?: unknown; annotations?: unknown };
        const { spec: full, data } = o as { spec?: Record<string, unknown>; data?: unknown };
        // The HPA owns a Deployment's replicas, and scales it on its own.
        const spec = o.kind === "Deployment" && full ? { ...full, replicas: undefined } : full;
        return createHash("sha256").update(JSON.stringify({ labels, annotations, spec, data })).digest("hex");
    };
    return new Map(items.map((o) => [`${o.kind}/${o.metadata.name}`, declared(o)]));
}

/** Every kind a deploy could touch, workloads included (a new ReplicaSet shows as a Deployment's new template). */
export const ALL_KINDS = [...STEADY_KINDS, "deployments", "cronjobs", "jobs"];

/** What differs between two snapshots, one line per object. */
export function snapshotDiff(before: Map<string, string>, after: Map<string, string>): string[] {
    const lines: string[] = [];
    for (const [k, v] of before)
        if (!after.has(k)) lines.push(`deleted ${k}`);
        else if (after.get(k) !== v) lines.push(`changed ${k}`);
    for (const k of after.keys()) if (!before.has(k)) lines.push(`created ${k}`);
    return lines;
}
