/**
 * The README's five-minute walk, run as the README writes it, so that the README cannot drift from
 * what works: a fresh shell's commands, with a Capstan cache of their own (the suite's toolchain
 * linked into it) and a local cluster of their own.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { TOOLCHAIN_DIR } from "../../scripts/localCluster/layout";
import { check } from "../lib/app";
import type { Context, Scenario } from "../lib/context";
import { REPO } from "../lib/env";
import { run } from "../lib/kube";
import { deployedTag, walkCommands, walkResults, walkScript } from "../lib/walk";

/** The suite's own settings, which a fresh shell does not have: the walk sets its own. */
const SUITE_ONLY = [
    "PULUMI_BACKEND_URL",
    "PULUMI_CONFIG_PASSPHRASE",
    "PULUMI_CONFIG_PASSPHRASE_FILE",
    "KUBECONFIG",
    "CAPSTAN_STACK_DIR",
];

/** How long the whole walk may take before it is stopped. */
const WALK_TIMEOUT_MS = 10 * 60_000;

/** Runs `bash script` in its own process group, stopping the group at the timeout; the exit code and output. */
function runWalk(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn("bash", [script], { cwd: REPO, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.setEncoding("utf8").on("data", (t: string) => (output += t));
        child.stderr.setEncoding("utf8").on("data", (t: string) => (output += t));
        const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), WALK_TIMEOUT_MS);
        child.on("error", reject);
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code, output });
        });
    });
}

/** The images of the Deployments of the app's repository in `deploymentsJson` (kubectl get -A -o json). */
function appImages(deploymentsJson: string, repository: string): string[] {
    const list = JSON.parse(deploymentsJson) as {
        items: { spec: { template: { spec: { containers: { image: string }[] } } } }[];
    };
    return list.items
        .flatMap((d) => d.spec.template.spec.containers.map((c) => c.image))
        .filter((image) => image.startsWith(`${repository}:`));
}

/** After a walk that stopped early: `capstan local down` with the walk's settings, so that no cluster is left running. */
async function cleanUp(ctx: Context, env: NodeJS.ProcessEnv): Promise<void> {
    const r = await run("node", [path.join(REPO, "scripts", "capstan.js"), "local", "down"], { cwd: REPO, env });
    ctx.log(`$ capstan local down (after the walk stopped)\nexit ${r.code}\n${r.stdout}${r.stderr}`);
}

const walk: Scenario = {
    id: "L",
    title: "the README's five-minute walk, as written: every command exits 0, and the stack runs the tag it deployed",
    usesSuiteCluster: false,
    async run(ctx: Context) {
        const commands = walkCommands(fs.readFileSync(path.join(REPO, "README.md"), "utf8"));
        const tag = deployedTag(commands);
        check(
            commands.some((c) => /\bcapstan local up\b/.test(c)),
            `the walk has no capstan local up:\n${commands.join("\n")}`,
        );
        check(
            commands.some((c) => /\bcapstan local down\b/.test(c)),
            "the walk has no capstan local down",
        );
        check(tag !== undefined, "the walk deploys no tag");
        const dir = path.join(ctx.ws.dir, "walk");
        const cache = path.join(dir, "cache");
        fs.mkdirSync(cache, { recursive: true });
        fs.symlinkSync(TOOLCHAIN_DIR, path.join(cache, "toolchain"));
        const files = { results: path.join(dir, "results"), deployments: path.join(dir, "deployments.json") };
        const script = path.join(dir, "walk.sh");
        fs.writeFileSync(
            script,
            walkScript(commands, {
                resultsFile: files.results,
                localUpExtra: ctx.crds ? ["--crds", path.resolve(ctx.crds)] : [],
                beforeDown: `kubectl get deployments -A -o json > '${files.deployments}'`,
            }),
        );
        const env: NodeJS.ProcessEnv = {
            ...process.env,
            CAPSTAN_CACHE: cache,
            CAPSTAN_LOCAL_CLUSTER_DIR: path.join(dir, "cluster"),
        };
        for (const key of SUITE_ONLY) delete env[key];
        const { code, output } = await runWalk(script, env);
        ctx.log(`$ bash ${script}\n${fs.readFileSync(script, "utf8")}exit ${code}\n--- output\n${output}`);
        if (code !== 0) await cleanUp(ctx, env);
        const results = walkResults(fs.existsSync(files.results) ? fs.readFileSync(files.results, "utf8") : "");
        commands.forEach((command, i) => {
            const rc = results.get(i)?.code;
            check(
                rc === 0,
                `${command}: ${rc === undefined ? "never ran (stopped or timed out before it)" : `exit ${rc}`}; output in the log\n${output.trim().split("\n").slice(-12).join("\n")}`,
            );
        });
        const repository = String(
            YAML.parse(fs.readFileSync(path.join(REPO, "Pulumi.local.yaml"), "utf8")).config["capstan:app"].image,
        );
        const images = appImages(fs.readFileSync(files.deployments, "utf8"), repository);
        check(
            images.length > 0 && images.every((i) => i === `${repository}:${tag}`),
            `before local down the app's Deployments run ${images.join(", ") || "nothing"}, not ${tag}`,
        );
        const took = commands.map((c, i) => `${c.replace(/^npx capstan /, "")} ${results.get(i)?.seconds}s`);
        return `${commands.length} commands, the stack ran ${tag}; ${took.join(", ")}`;
    },
};

export const WALK_SCENARIOS = { walk };
