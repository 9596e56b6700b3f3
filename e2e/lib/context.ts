/**
 * What the scenarios share: the workspace, the log, the local stack once it is up, and the tags
 * they deploy.
 */
import * as path from "path";
import { localStackDocument } from "../../scripts/local/stackFile";
import { check } from "./app";
import { REPO, type Workspace } from "./env";
import { run, type Finished } from "./kube";
import type { SuiteStack } from "./stacks";

export interface Context {
    readonly ws: Workspace;
    readonly log: (text: string) => void;
    /** Whether the cluster is the suite's own local cluster (kwok: its Stage API can fail pods). */
    readonly ownCluster: boolean;
    /** The kubeconfig context the stacks use. */
    readonly kubeContext: string;
    /** The NGINX CRDs the suite's --crds named, for a scenario that starts a cluster of its own. */
    readonly crds?: string;
    /** The `local` stack, once scenario b has brought it up. */
    local?: SuiteStack;
}

/** The tags the scenarios deploy: the committed one first. */
export const TAGS = {
    second: "2026.12.04-e2e0002",
    guarded: "2026.12.04-e2e0003",
    failing: "2026.12.04-e2efail",
    canary: "2026.12.04-e2ecanary",
    /** The canary the day-two commands start, abort, start again and promote. */
    dayTwoCanary: "2026.12.04-e2ecanary2",
    /** The canary releases `capstan canary run` takes: promoted, aborted, paused then resumed. */
    releaseHealthy: "2026.12.04-e2erelease1",
    releaseFailing: "2026.12.04-e2erelease2",
    releaseSilent: "2026.12.04-e2erelease3",
    /** The tag a deploy sets without the stack file being committed. */
    uncommitted: "2026.12.04-e2e0004",
    /** The tags of the assets scenarios: a deploy, an upload that fails, a canary. */
    assets: "2026.12.04-e2eassets",
    assetsFailing: "2026.12.04-e2eassetsfail",
    assetsCanary: "2026.12.04-e2eassetscanary",
};

/**
 * The suite's assets store: every stack made from the local one uploads each tag's assets there
 * before its pods start (kwok runs no container, so the Jobs show their order and failures only).
 */
export const ASSETS_STORE = {
    bucket: "capstan-e2e-assets",
    keyPrefix: "local",
    endpointUrl: "https://s3.local.example.com",
};

export type Scenario = {
    readonly id: string;
    readonly title: string;
    /** False for a scenario that brings its own cluster: the suite starts none for it alone. */
    readonly usesSuiteCluster?: boolean;
    /** Returns a line of what was seen (for the log), or throws a Failure. */
    readonly run: (ctx: Context) => Promise<string | void>;
};

/** Pulumi.local.yaml as committed, pointed at the suite's cluster context, with the suite's assets store. */
export function localStackText(ctx: Context): string {
    const doc = localStackDocument(REPO, ctx.kubeContext);
    doc.setIn(["config", "capstan:app", "assets"], ASSETS_STORE);
    return String(doc);
}

/** The local stack, or a failure saying that scenario b has not brought it up. */
export function localStack(ctx: Context): SuiteStack {
    check(ctx.local !== undefined, "needs the local stack, which scenario b did not bring up");
    return ctx.local;
}

/** `npm run deploy -- <args>` as a person runs it, on the suite's stack files; logged whole. */
export async function deploy(ctx: Context, args: readonly string[]): Promise<Finished> {
    ctx.log(`$ npm run deploy -- ${args.join(" ")}`);
    const r = await run("npm", ["run", "--silent", "deploy", "--", ...args], { cwd: REPO });
    ctx.log(`exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
    return r;
}

/** `npx capstan <args>` as a person runs it, on the suite's stack files and cluster; logged whole. */
export async function capstan(ctx: Context, args: readonly string[]): Promise<Finished> {
    ctx.log(`$ capstan ${args.join(" ")}`);
    const r = await run("node", [path.join(REPO, "scripts", "capstan.js"), ...args], { cwd: REPO });
    ctx.log(`exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
    return r;
}

/** The namespace, the migration Job and (with assets) the assets Job of the stack's outputs. */
export async function appOutputs(
    stack: SuiteStack,
): Promise<{ namespace: string; migrationJob: string; assetsJob?: string }> {
    const out = await stack.outputs();
    const app = out.app as { migrationJob?: string; assetsJob?: string } | undefined;
    check(
        typeof out.namespace === "string" && typeof app?.migrationJob === "string",
        `unexpected outputs ${JSON.stringify(out)}`,
    );
    return { namespace: out.namespace, migrationJob: app.migrationJob, assetsJob: app.assetsJob };
}
