/**
 * The assets Job on the real engine, on the suite's local stack (which uploads to the suite's
 * assets store, see ASSETS_STORE): it gates a tag deploy beside the migration, a failed upload
 * fails the deploy while the old version serves, and a canary's tag gets a Job of its own. kwok
 * runs no container, so these show the Job's order and failures, not what the uploader does.
 */
import { assetsJobName } from "../../components/app/assetsJob";
import { migrationJobName } from "../../components/app/migration";
import { check, checkRunning, deployments } from "../lib/app";
import { appOutputs, ASSETS_STORE, deploy, localStack, TAGS, type Scenario } from "../lib/context";
import { get, kubectl, list, type KubeObject } from "../lib/kube";
import { failPodsStage } from "../lib/stages";
import { gatingJobs, watchingRollout } from "./rollout";

const TAG_PATH = ["capstan:imageTag"];

/** The uploader container's environment of an assets Job, as the API server admitted it. */
function uploaderEnv(job: KubeObject | undefined): Record<string, string> {
    const env: { name: string; value?: string }[] = job?.spec?.template?.spec?.containers?.[0]?.env ?? [];
    return Object.fromEntries(env.map((e) => [e.name, e.value ?? ""]));
}

const assetsFirst: Scenario = {
    id: "D",
    title: "a tag deploy with assets: the tag's assets Job and its migration complete before any new ReplicaSet, and the admitted Job uploads that tag to the store with the previous one kept",
    async run(ctx) {
        const stack = localStack(ctx);
        const { namespace } = await appOutputs(stack);
        const app = String(stack.read(["capstan:app", "name"]));
        const previous = String(stack.read(TAG_PATH));
        const { order } = await watchingRollout(
            namespace,
            () => deploy(ctx, ["local", TAGS.assets, "--yes"]),
            async (r) => {
                check(r.code === 0, `deploy exited ${r.code}:\n${r.stderr.trim()}`);
                const out = await appOutputs(stack);
                check(
                    out.assetsJob === assetsJobName(app, TAGS.assets),
                    `the stack's assets Job is ${out.assetsJob}, not the one of ${TAGS.assets}`,
                );
                return { namespace, jobs: gatingJobs(out) };
            },
        );
        const job = await get(["job", assetsJobName(app, TAGS.assets), "-n", namespace]);
        const copy = job?.spec?.template?.spec?.initContainers?.[0];
        check(String(copy?.image).endsWith(`:${TAGS.assets}`), `the copy runs ${copy?.image}, not ${TAGS.assets}`);
        const env = uploaderEnv(job);
        const want = {
            ASSETS_RELEASE: TAGS.assets,
            ASSETS_PROTECT: `${TAGS.assets} ${previous}`,
            ASSETS_BUCKET: ASSETS_STORE.bucket,
            ASSETS_PREFIX: ASSETS_STORE.keyPrefix,
            AWS_ENDPOINT_URL: ASSETS_STORE.endpointUrl,
        };
        const wrong = Object.entries(want).filter(([k, v]) => env[k] !== v);
        check(wrong.length === 0, `the uploader's environment differs: ${JSON.stringify(env)}`);
        await checkRunning(namespace, TAGS.assets);
        return order;
    },
};

/** A kwok Stage that fails the upload pods of the assets Jobs copying from `image`. */
function failingUpload(image: string): string {
    return failPodsStage(
        "e2e-failing-assets",
        [
            { key: ".metadata.ownerReferences.[].kind", operator: "In", values: ["Job"] },
            { key: '.metadata.labels["app.kubernetes.io/component"]', operator: "In", values: ["assets"] },
            { key: ".spec.initContainers.[].image", operator: "In", values: [image] },
        ],
        1,
        "uploader: upload of assets/app.css failed: AccessDenied",
    );
}

const failedUpload: Scenario = {
    id: "E",
    title: "a failed assets upload: deploy exits 1 naming the assets Job, no pod of the new tag starts, and the old version keeps serving",
    async run(ctx) {
        check(ctx.ownCluster, "needs kwok's Stage API to fail a pod: run on the suite's own cluster");
        const stack = localStack(ctx);
        const { namespace } = await appOutputs(stack);
        const running = String(stack.read(TAG_PATH));
        const image = (await deployments(namespace))[0].images[0].replace(/:[^:]+$/, `:${TAGS.assetsFailing}`);
        await kubectl(["apply", "-f", "-"], failingUpload(image));
        let failed;
        try {
            failed = await deploy(ctx, ["local", TAGS.assetsFailing, "--yes"]);
        } finally {
            await kubectl(["delete", "stage", "e2e-failing-assets", "--ignore-not-found"]);
        }
        check(failed.code === 1, `deploy exited ${failed.code}, not 1:\n${failed.stderr.trim()}`);
        const named = failed.stderr.split("\n").find((l) => /the assets Job \S+ failed/.test(l));
        check(named !== undefined, `the failure does not name the assets Job:\n${failed.stderr}`);
        check(
            failed.stderr.includes("capstan logs local assets"),
            `the failure does not point at the Job's log:\n${failed.stderr}`,
        );
        const started = (await list(["replicasets", "-n", namespace])).filter((rs) =>
            (rs.spec?.template?.spec?.containers ?? []).some((c: { image: string }) => c.image === image),
        );
        check(
            started.length === 0,
            `ReplicaSet(s) of ${TAGS.assetsFailing} exist: ${started.map((r) => r.metadata.name).join(", ")}`,
        );
        await checkRunning(namespace, running);
        check(stack.read(TAG_PATH) === running, "the failed deploy left its tag in the stack file");
        return named.trim();
    },
};

const canaryAssets: Scenario = {
    id: "F",
    title: "a canary's tag gets its own assets Job, complete (with the canary's migration) before the canary's ReplicaSet, keeping the stable tag's files",
    async run(ctx) {
        const stack = localStack(ctx);
        const { namespace } = await appOutputs(stack);
        const app = String(stack.read(["capstan:app", "name"]));
        const stable = String(stack.read(TAG_PATH));
        const job = assetsJobName(app, TAGS.assetsCanary, "canary");
        stack.edit((c) =>
            c.set("capstan:canary", { imageTag: TAGS.assetsCanary, cookie: { name: "_AUSER_TYPE", value: "canary" } }),
        );
        try {
            const { order } = await watchingRollout(
                namespace,
                () => stack.up(),
                async (r) => {
                    check(r.ok, `the canary's up failed:\n${r.errors.map((e) => e.message).join("\n") || r.error}`);
                    const jobs = { migration: migrationJobName(app, TAGS.assetsCanary, "canary"), assets: job };
                    return { namespace, jobs, which: (rs: string) => rs.includes("canary") };
                },
            );
            const env = uploaderEnv(await get(["job", job, "-n", namespace]));
            check(
                env.ASSETS_RELEASE === TAGS.assetsCanary && env.ASSETS_PROTECT.split(" ").includes(stable),
                `the canary's upload does not keep the stable tag ${stable}: ${JSON.stringify(env)}`,
            );
            return `${job}: ${order}`;
        } finally {
            stack.edit((c) => c.delete("capstan:canary"));
            const back = await stack.up();
            check(back.ok, `removing the canary failed: ${back.error}`);
        }
    },
};

export const ASSETS_SCENARIOS = { assetsFirst, failedUpload, canaryAssets };
