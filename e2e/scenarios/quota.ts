/**
 * A tenant's quota exhausted by the new ReplicaSet's surge: the API server refuses the pods
 * halfway through the update.
 */
import YAML from "yaml";
import { parseQuantity } from "../../components/core/quantity";
import { check, checkRunning, waitFor } from "../lib/app";
import { appOutputs, deploy, localStackText, type Context, type Scenario } from "../lib/context";
import { checkNoSecretLeaked, fewestReady, webDeployment } from "../lib/faults";
import { kubectl, list } from "../lib/kube";
import { SuiteStack } from "../lib/stacks";

const MI = 2 ** 20;

/** A quantity of memory in bytes (`768Mi`, `4Gi`, `1073741824`). */
function bytes(q: string): number {
    const value = parseQuantity(String(q));
    check(value !== undefined, `not a memory quantity: ${q}`);
    return value;
}

/** A pod that only holds `memoryMi` of the namespace's quota: restricted Pod Security, nothing else. */
function hogPod(ns: string, name: string, memoryMi: number): string {
    const resources = { cpu: "10m", memory: `${memoryMi}Mi`, "ephemeral-storage": "64Mi" };
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace: ns, labels: { "e2e.capstan.dev/hog": "true" } },
        spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
                {
                    name: "hold",
                    image: "registry.k8s.io/pause:3.10",
                    resources: { requests: resources, limits: resources },
                    securityContext: {
                        allowPrivilegeEscalation: false,
                        capabilities: { drop: ["ALL"] },
                        readOnlyRootFilesystem: true,
                    },
                },
            ],
        },
    });
}

/** The memory limit of a Deployment's first container, in bytes. */
async function memoryLimit(ns: string, name: string): Promise<number> {
    const d = JSON.parse(await kubectl(["get", "deployment", name, "-n", ns, "-o", "json"])) as Record<string, any>;
    return bytes(String(d.spec.template.spec.containers[0].resources.limits.memory));
}

/**
 * Takes the namespace's free quota memory down to 64Mi less than one more web pod: the smaller
 * migration and worker pods still fit (one at a time), the web rollout's surge pod does not.
 */
async function leaveRoomForLessThanOneWebPod(namespace: string, web: string, others: string[]): Promise<string> {
    const q = (await list(["resourcequotas", "-n", namespace]))[0];
    const key = Object.keys(q.status?.hard ?? {}).find((k) => /memory/.test(k)) as string;
    const free = bytes(q.status.hard[key]) - bytes(q.status.used[key]);
    const room = (await memoryLimit(namespace, web)) - 64 * MI;
    const largestOther = Math.max(...(await Promise.all(others.map((d) => memoryLimit(namespace, d)))));
    check(largestOther <= room, `a worker's pod (${largestOther / MI}Mi) would not fit the ${room / MI}Mi left`);
    const hold = Math.floor((free - room) / MI);
    check(hold > 0, `the quota has only ${free / MI}Mi free`);
    await kubectl(["apply", "-f", "-"], hogPod(namespace, "e2e-quota-hog", hold));
    return `${room / MI}Mi of ${key} left`;
}

/** The web pods still Ready after the failure all run `old`. */
async function checkOldWebPodsReady(namespace: string, old: string): Promise<void> {
    const ready = (await list(["pods", "-n", namespace, "-l", "app.kubernetes.io/component=web"])).filter((p) =>
        (p.status?.conditions ?? []).some(
            (c: { type: string; status: string }) => c.type === "Ready" && c.status === "True",
        ),
    );
    check(
        ready.length > 0 && ready.every((p) => p.spec.containers[0].image.endsWith(`:${old}`)),
        `the ready web pods do not all run ${old}`,
    );
}

/** Waits until the Deployment has `count` Ready pods (its HPA scales it up after the update that created it). */
async function waitForReadyPods(namespace: string, deployment: string, count: number): Promise<void> {
    const jsonpath = "jsonpath={.status.readyReplicas}";
    await waitFor(`${deployment}'s ${count} pods to be Ready`, 120, async () => {
        const ready = await kubectl(["get", "deployment", deployment, "-n", namespace, "-o", jsonpath]);
        return Number(ready.trim() || 0) >= count;
    });
}

/**
 * The local stack as a tenant with a 4Gi memory quota: a small migration fits beside the hog, the
 * web pods' surge does not, and every rollout gives up after 45 s.
 */
function quotaStackText(ctx: Context): string {
    const doc = YAML.parseDocument(localStackText(ctx));
    doc.setIn(["config", "capstan:tenant"], { name: "quota", quota: { cpu: "8", memory: "4Gi", pods: 40 } });
    doc.setIn(["config", "capstan:ingress", "public", "hosts"], ["quota.local.example.com"]);
    doc.setIn(["config", "capstan:ingress", "internal", "hosts"], ["quota.internal.local.example.com"]);
    doc.setIn(["config", "capstan:app", "migrate", "resources"], { memory: "128Mi" });
    doc.setIn(["config", "capstan:app", "web", "rolloutTimeoutSeconds"], 45);
    const workers = doc.getIn(["config", "capstan:app", "workers"]) as YAML.YAMLSeq;
    workers.items.forEach((_, i) => doc.setIn(["config", "capstan:app", "workers", i, "rolloutTimeoutSeconds"], 45));
    return String(doc);
}

const quota: Scenario = {
    id: "B",
    title: "a tenant's quota exhausted by the rollout's surge: the deploy fails naming the quota while the old version serves; once the quota is raised the next deploy succeeds",
    async run(ctx) {
        const s = await SuiteStack.create(ctx.ws.stackDir, "tenant-quota", quotaStackText(ctx));
        let namespace = "";
        try {
            const up = await s.up();
            check(up.ok, `pulumi up of the tenant failed:\n${up.errors.map((e) => e.message).join("\n") || up.error}`);
            namespace = (await appOutputs(s)).namespace;
            const web = await webDeployment(s);
            const old = String(s.read(["capstan:imageTag"]));
            const others = (await list(["deployments", "-n", namespace]))
                .map((d) => String(d.metadata.name))
                .filter((n) => n !== web);
            // The up ends once the Deployment's first pod is Ready; its HPA then scales it to
            // minReplicas. The quota is filled only after that, or the hog would take those pods' room.
            const minReplicas = Number(s.read(["capstan:app", "web", "minReplicas"]));
            await waitForReadyPods(namespace, web, minReplicas);
            const left = await leaveRoomForLessThanOneWebPod(namespace, web, others);
            const tag = "2026.12.07-quota001";
            const started = Date.now();
            const { result: failed, fewest } = await fewestReady(namespace, web, () =>
                deploy(ctx, ["tenant-quota", tag, "--yes"]),
            );
            const failedAfter = (Date.now() - started) / 1000;
            check(failed.code === 1, `the deploy exited ${failed.code}, not 1:\n${failed.stderr}`);
            check(
                fewest >= minReplicas,
                `the web Deployment had ${fewest} ready pods at one moment, not ${minReplicas}`,
            );
            check(
                /ResourceQuota \S+ is exhausted/.test(failed.stderr),
                `the failure does not name the quota:\n${failed.stderr}`,
            );
            check(
                new RegExp(`Serving now, read from the cluster: ${old} \\(\\d+ ready web pods?\\)`).test(failed.stderr),
                `the failure does not say the old version serves:\n${failed.stderr}`,
            );
            await checkOldWebPodsReady(namespace, old);
            s.edit((c) => c.setIn(["capstan:tenant", "quota", "memory"], "8Gi"));
            const raised = await s.up();
            check(raised.ok, `raising the quota failed: ${raised.error}`);
            const again = await deploy(ctx, ["tenant-quota", tag, "--yes"]);
            check(again.code === 0, `the deploy after raising the quota exited ${again.code}:\n${again.stderr}`);
            await checkRunning(namespace, tag);
            await checkNoSecretLeaked(s, {
                "the deploys' output": failed.stdout + failed.stderr + again.stdout + again.stderr,
            });
            const said = failed.stderr.split("\n").find((l) => l.startsWith("deploy:")) ?? "";
            return `${left}; failed after ${failedAfter.toFixed(0)} s: ${said}`;
        } finally {
            const hog = ["delete", "pod", "e2e-quota-hog", "-n", namespace, "--ignore-not-found", "--wait=false"];
            if (namespace) await kubectl(hog).catch(() => "");
            await s.destroy();
            await s.stack.workspace.removeStack(s.name, { force: true });
        }
    },
};

export const QUOTA_FAULT_SCENARIOS = { quota };
