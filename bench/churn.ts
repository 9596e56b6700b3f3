/**
 * A churn load of the benchmark's own: 50 pods of another namespace created, run and deleted
 * without pause, so a deploy meets a scheduler, controllers and an API server busy with someone
 * else's work. It runs until stopped and says how many rounds it made.
 */
import { REPO } from "../e2e/lib/env";
import { waitFor } from "../e2e/lib/app";
import { kubectl, list, run } from "../e2e/lib/kube";
import type { SuiteStack } from "../e2e/lib/stacks";
import { seconds, timed } from "./cpu";

export const CHURN_NAMESPACE = "bench-churn";
export const CHURN_PODS = 50;
/** The label every churn pod carries. */
const CHURN_LABEL = "bench.capstan.dev/churn";

/** The round's pods: the smallest a pod can be, on the local cluster's kwok nodes. */
export function churnPods(round: number): object {
    const items = Array.from({ length: CHURN_PODS }, (_, i) => ({
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            name: `churn-${round}-${i}`,
            namespace: CHURN_NAMESPACE,
            labels: { [CHURN_LABEL]: "true" },
        },
        spec: {
            containers: [
                {
                    name: "c",
                    image: "registry.k8s.io/pause:3.10",
                    resources: { requests: { cpu: "1m", memory: "1Mi" } },
                },
            ],
        },
    }));
    return { apiVersion: "v1", kind: "List", items };
}

export interface Churn {
    /** Ends the load after its current round, removes its namespace and says how many rounds ran. */
    stop(): Promise<{ rounds: number; errors: number }>;
}

/** Starts the churn; resolves once its first round of pods exists. */
export async function startChurn(log: (t: string) => void): Promise<Churn> {
    await kubectl(["create", "namespace", CHURN_NAMESPACE]);
    let running = true;
    let rounds = 0;
    let errors = 0;
    const step = (args: string[], input?: string) =>
        kubectl(args, input).catch((e: Error) => {
            errors++;
            log(`churn: ${e.message}`);
            return "";
        });
    const create = () => step(["create", "-f", "-"], JSON.stringify(churnPods(rounds)));
    const allRunning = async () =>
        (await list(["pods", "-n", CHURN_NAMESPACE, "-l", CHURN_LABEL]).catch(() => [])).filter(
            (p) => (p.status as { phase?: string } | undefined)?.phase === "Running",
        ).length >= CHURN_PODS;
    await create();
    const loop = (async () => {
        while (running) {
            // Each round's pods are scheduled and started before they go: the load is the whole life of a pod.
            await waitFor("the churn's pods to run", 10, allRunning).catch(() => undefined);
            await step(["delete", "pods", "-n", CHURN_NAMESPACE, "-l", CHURN_LABEL, "--wait=true"]);
            rounds++;
            if (running) await create();
        }
    })();
    return {
        async stop() {
            running = false;
            await loop;
            await kubectl(["delete", "namespace", CHURN_NAMESPACE, "--wait=false"]).catch(() => "");
            return { rounds, errors };
        },
    };
}

export interface ChurnFigure {
    deploySeconds: number;
    rounds: number;
    errors: number;
}

/** `npm run deploy` of `tag`; throws with its output unless it succeeds. */
export async function deployTag(stack: SuiteStack, tag: string, log: (t: string) => void) {
    const deploy = await timed(() =>
        run("npm", ["run", "--silent", "deploy", "--", stack.name, tag, "--yes"], { cwd: REPO }),
    );
    log(`${stack.name} deploy of ${tag}:\n${deploy.value.stdout}\n${deploy.value.stderr}`);
    if (deploy.value.code !== 0)
        throw new Error(`${stack.name}: the deploy of ${tag} exited ${deploy.value.code}: ${deploy.value.stderr}`);
    return deploy;
}

/** A deploy of the next tag while the churn runs: it must complete like the quiet one. */
export async function churnFigure(stack: SuiteStack, tag: string, log: (t: string) => void): Promise<ChurnFigure> {
    process.stdout.write(`bench: ${stack.name} again, while ${CHURN_PODS} pods of another namespace come and go...\n`);
    const churn = await startChurn(log);
    let ran = { rounds: 0, errors: 0 };
    let deploy: Awaited<ReturnType<typeof deployTag>>;
    try {
        deploy = await deployTag(stack, tag, log);
    } finally {
        ran = await churn.stop();
        log(`churn: ${ran.rounds} rounds, ${ran.errors} errors`);
    }
    return { deploySeconds: seconds(deploy.ms), ...ran };
}
