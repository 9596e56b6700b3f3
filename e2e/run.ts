/**
 * `npm run test:e2e -- [--crds FILE|URL] [--kubeconfig FILE] [--only LETTERS] [--keep]`: Capstan's
 * Kubernetes half through the real engine. The Pulumi CLI and the Kubernetes provider (built by
 * `npm run toolchain`) deploy the program, run inline through the Automation API, to a fresh local
 * cluster (or the cluster of --kubeconfig) with a file backend and passphrase secrets in a
 * temporary folder. One line per scenario, then `N passed, M failed`; details go to a log file.
 */
import * as fs from "fs";
import { HelpRequest, isHelp, readCommandLine, UsageError } from "../scripts/cli/cli";
import { Failure } from "./lib/app";
import type { Context, Scenario } from "./lib/context";
import { lockedVersion, logger, makeWorkspace, missingToolchain, REPO, suiteEnv } from "./lib/env";
import { kubectl, run } from "./lib/kube";
import { ASSETS_SCENARIOS as A } from "./scenarios/assets";
import { ROLLOUT_SCENARIOS as R } from "./scenarios/rollout";
import { STACK_SCENARIOS as S } from "./scenarios/stacks";
import { clusterHealth } from "./scenarios/health";
import { DAY_TWO_SCENARIOS as D } from "./scenarios/dayTwo";
import { BLUE_GREEN_SCENARIOS as BG } from "./scenarios/blueGreen";
import { observabilityObjects } from "./scenarios/observability";
import { FAULT_SCENARIOS as F } from "./scenarios/faults";
import { QUOTA_FAULT_SCENARIOS as Q } from "./scenarios/quota";
import { RELEASE_SCENARIOS as REL } from "./scenarios/release";
import { WALK_SCENARIOS as W } from "./scenarios/walk";

/** In the order they run: each builds on the state the ones before it left. */
const SCENARIOS: Scenario[] = [
    S.committed,
    S.badConfig,
    R.up,
    R.noChange,
    R.tagDeploy,
    R.guard,
    R.failedMigration,
    R.rollback,
    A.assetsFirst,
    A.failedUpload,
    A.canaryAssets,
    F.killedInMigration,
    F.killedInRollout,
    F.interrupted,
    F.concurrent,
    F.handEdited,
    S.policy,
    S.canary,
    S.tenant,
    D.status,
    D.runOneOff,
    D.logsAndConsole,
    D.canarySteps,
    BG.blueGreenRelease,
    REL.promotedByItself,
    REL.abortedByItself,
    REL.pausedThenResumed,
    D.olderStackFile,
    clusterHealth,
    observabilityObjects,
    // After the day-two scenarios: kwok serves their pod logs from objects it watches, which an outage of the API server can cut.
    F.apiserverDown,
    F.etcdRestarted,
    F.nodeLost,
    Q.quota,
    R.destroy,
    // With a cluster and a Capstan cache of its own.
    W.walk,
];

const USAGE = "usage: npm run test:e2e -- [--crds FILE|URL] [--kubeconfig FILE] [--only LETTERS] [--keep]";

interface Args {
    crds?: string;
    kubeconfig?: string;
    only?: Set<string>;
    keep: boolean;
}

function parseArgs(argv: readonly string[]): Args {
    const args: Args = { keep: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = () => {
            const v = argv[++i];
            if (!v) throw new UsageError(`${a} needs a value`);
            return v;
        };
        if (a === "--crds") args.crds = value();
        else if (a === "--kubeconfig") args.kubeconfig = value();
        else if (a === "--only")
            args.only = new Set(
                value()
                    .split(/[,\s]*/)
                    .filter(Boolean),
            );
        else if (a === "--keep") args.keep = true;
        else if (isHelp(a)) throw new HelpRequest();
        else throw new UsageError(`unexpected argument ${a}`);
    }
    if (args.kubeconfig && !fs.existsSync(args.kubeconfig))
        throw new UsageError(`--kubeconfig: no file ${args.kubeconfig}`);
    return args;
}

/** Starts the suite's own local cluster; its output goes to the log. */
async function startCluster(ctx: Pick<Context, "log">, crds: string | undefined): Promise<void> {
    const r = await run("npm", ["run", "--silent", "local-cluster", "--", "up", ...(crds ? ["--crds", crds] : [])], {
        cwd: REPO,
    });
    ctx.log(`$ npm run local-cluster -- up\n${r.stdout}${r.stderr}`);
    if (r.code !== 0) throw new Error(`the local cluster did not start:\n${r.stderr.trim()}`);
}

async function stopCluster(ctx: Pick<Context, "log">): Promise<void> {
    const r = await run("npm", ["run", "--silent", "local-cluster", "--", "down"], { cwd: REPO });
    ctx.log(`$ npm run local-cluster -- down\n${r.stdout}${r.stderr}`);
}

/** Runs one scenario and prints its line; true when it passed. */
async function runScenario(scenario: Scenario, ctx: Context): Promise<boolean> {
    const started = Date.now();
    ctx.log(`\n=== ${scenario.id}. ${scenario.title}`);
    const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
    try {
        const seen = await scenario.run(ctx);
        ctx.log(`--- passed in ${seconds()}${seen ? `: ${seen}` : ""}`);
        console.log(`ok    ${scenario.id}. ${scenario.title} (${seconds()})`);
        return true;
    } catch (err) {
        const message = err instanceof Failure ? err.message : ((err as Error).stack ?? String(err));
        ctx.log(`--- FAILED in ${seconds()}: ${message}`);
        console.log(`FAIL  ${scenario.id}. ${scenario.title} (${seconds()})`);
        console.log(message.replace(/^/gm, "        "));
        return false;
    }
}

async function main(argv: readonly string[]): Promise<number> {
    const line = readCommandLine({ name: "test:e2e", usage: USAGE, stderr: (t) => process.stderr.write(t) }, () =>
        parseArgs(argv),
    );
    if ("exitCode" in line) return line.exitCode;
    const { args } = line;
    const ownCluster = args.kubeconfig === undefined;
    const missing = missingToolchain(lockedVersion("@pulumi/kubernetes"), ownCluster);
    if (missing.length > 0) {
        console.error(
            `test:e2e: the toolchain is not built; missing:\n  ${missing.join("\n  ")}\nBuild it with: npm run toolchain`,
        );
        return 1;
    }
    const ws = makeWorkspace(args.kubeconfig);
    Object.assign(process.env, suiteEnv(ws));
    const log = logger(ws);
    console.log(`e2e: working in ${ws.dir}; details in ${ws.logFile}`);
    const selected = SCENARIOS.filter((s) => !args.only || args.only.has(s.id));
    const suiteCluster = ownCluster && selected.some((s) => s.usesSuiteCluster !== false);
    if (suiteCluster) await startCluster({ log }, args.crds);
    const kubeContext = ownCluster && !suiteCluster ? "" : (await kubectl(["config", "current-context"])).trim();
    const ctx: Context = { ws, log, ownCluster, kubeContext, crds: args.crds };
    let passed = 0;
    let failed = 0;
    try {
        for (const scenario of selected) {
            if (await runScenario(scenario, ctx)) passed++;
            else failed++;
        }
    } finally {
        if (suiteCluster && !args.keep) await stopCluster({ log });
        if (!args.keep && failed === 0) fs.rmSync(ws.dir, { recursive: true, force: true });
    }
    console.log(`${passed} passed, ${failed} failed`);
    return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
        console.error(`test:e2e: ${err.message}`);
        process.exit(1);
    },
);
