/**
 * The anchor of the engine benchmark: the same tag deploy done by a kubectl script. It applies the
 * objects the program renders for the app's namespace (into a namespace of its own): the config
 * objects, then the new migration Job, waits for it to complete, then the workloads and the rest,
 * and waits for every Deployment's rollout. What a deploy costs over it is the engine's overhead.
 */
import * as fs from "fs";
import * as path from "path";
import { REPO } from "../e2e/lib/env";
import { kubectl, run } from "../e2e/lib/kube";
import { childrenCpuMs } from "./cpu";

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown };

/** Objects that configure the pods: applied first, as a deploy script does. */
const CONFIG_KINDS = ["ConfigMap", "Secret", "ServiceAccount", "Role", "RoleBinding"];

/** The objects of the stack `stack` (its file in `dir`) rendered at `tag`, in a fresh process. */
async function rendered(dir: string, stack: string, tag: string): Promise<Obj[]> {
    const out = path.join(dir, `${stack}-${tag}.objects.json`);
    const r = await run(
        "npx",
        ["ts-node", "-P", "tsconfig.pulumi.json", "--transpile-only", "bench/anchorRender.ts", dir, stack, tag, out],
        { cwd: REPO },
    );
    if (r.code !== 0) throw new Error(`rendering ${stack} at ${tag} failed: ${r.stderr}`);
    return JSON.parse(fs.readFileSync(out, "utf8")) as Obj[];
}

/**
 * The objects of namespace `from`, moved to namespace `to`. A Secret's values, which the render
 * never decrypts, become placeholders.
 */
export function moved(objects: readonly Obj[], from: string, to: string): Obj[] {
    return objects
        .filter((o) => o.metadata.namespace === from)
        .map((o) => {
            const copy = JSON.parse(JSON.stringify(o)) as Obj;
            copy.metadata.namespace = to;
            if (copy.kind === "Secret") {
                const values = { ...(copy.data as object), ...(copy.stringData as object) };
                delete copy.data;
                copy.stringData = Object.fromEntries(Object.keys(values).map((k) => [k, "placeholder"]));
            }
            return copy;
        });
}

const apply = (objects: readonly Obj[]) =>
    objects.length
        ? kubectl(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }))
        : Promise.resolve("");

/** The script's deploy: config, the migration and its completion, the rest, every rollout. */
async function scriptDeploy(objects: readonly Obj[], ns: string, previous: readonly Obj[]): Promise<void> {
    const jobs = objects.filter((o) => o.kind === "Job");
    await apply(objects.filter((o) => CONFIG_KINDS.includes(o.kind)));
    await apply(jobs);
    for (const job of jobs)
        await kubectl(["wait", "-n", ns, "--for=condition=complete", "--timeout=300s", `job/${job.metadata.name}`]);
    await apply(objects.filter((o) => o.kind !== "Job" && !CONFIG_KINDS.includes(o.kind)));
    await Promise.all(
        objects
            .filter((o) => o.kind === "Deployment")
            .map((d) => kubectl(["rollout", "status", "-n", ns, "--timeout=300s", `deployment/${d.metadata.name}`])),
    );
    const stale = previous.filter((o) => o.kind === "Job" && !jobs.some((j) => j.metadata.name === o.metadata.name));
    for (const job of stale) await kubectl(["delete", "-n", ns, "job", job.metadata.name, "--wait=false"]);
}

/**
 * The kubectl script's tag deploy of stack `stack` (app namespace `appNs`) from `fromTag` to
 * `toTag`, in namespace `anchor-<appNs>`: the first tag is deployed untimed, the second timed.
 */
export async function anchorDeployMs(
    dir: string,
    stack: string,
    appNs: string,
    fromTag: string,
    toTag: string,
): Promise<{ ms: number; cpuMs: number; objects: number }> {
    const ns = `anchor-${appNs}`;
    const [before, after] = await Promise.all([
        rendered(dir, stack, fromTag).then((o) => moved(o, appNs, ns)),
        rendered(dir, stack, toTag).then((o) => moved(o, appNs, ns)),
    ]);
    await kubectl(["create", "namespace", ns]);
    try {
        await scriptDeploy(before, ns, []);
        const started = Date.now();
        const cpu = childrenCpuMs();
        await scriptDeploy(after, ns, before);
        return { ms: Date.now() - started, cpuMs: childrenCpuMs() - cpu, objects: after.length };
    } finally {
        await kubectl(["delete", "namespace", ns, "--wait=false"]);
    }
}
