/**
 * `capstan local up [--crds FILE|URL] | down | env`: the whole local try-out in one command. `up`
 * builds what the toolchain lacks, starts the local cluster and deploys the local stack through
 * the real Pulumi CLI and Kubernetes provider (scripts/local/); `down` removes it all again.
 */
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "../cli/cli";
import { defineCommand } from "../cli/define";
import { EXIT } from "../cli/exits";
import { PROJECT_DIR } from "../cli/program";
import { processIo, runCommand, type CommandIo } from "../cli/runCommand";
import { isApiserverReady } from "../localCluster/kube";
import { paths, readState } from "../localCluster/layout";
import { servePodLogs } from "../local/podLogs";
import {
    ensurePassphrase,
    exportLines,
    localEnv,
    localSite,
    newSecret,
    writeProject,
    type LocalSite,
} from "../local/site";
import { destroyLocalStack, hasLocalStack, upLocalStack } from "../local/stack";
import { lockedVersion, missingToolchain, toolchainEnv } from "../local/toolchain";
import * as localCluster from "./local-cluster";
import * as status from "./status";
import { buildToolchain } from "./toolchain";

export type LocalArgs = { command: "up"; crds?: string } | { command: "down" } | { command: "env" };

/** The tag the README's walk deploys after `local up`. */
export const WALK_TAG = "2026.12.05-4f2c9e1";

export const definition = defineCommand<LocalArgs>({
    name: "local",
    summary: "the local try-out in one command: toolchain, local cluster and the local stack up, or all of it down",
    description:
        "`up` builds the pieces of the toolchain that are missing (`capstan toolchain`: about 16 minutes the first time on two cores, seconds after; needs Go), starts the local cluster (`capstan local-cluster up`) and deploys the local stack (Pulumi.local.yaml) through the toolchain's Pulumi CLI and Kubernetes provider, with a file backend and a generated passphrase of its own under ~/.cache/capstan/local (`$CAPSTAN_CACHE/local`) and its secrets set anew; then it prints `capstan status local` and the next commands. The stack file the commands edit is a copy there, never the working copy's. `env` prints the variables that point the Pulumi CLI and the commands at it, for `eval`. `down` destroys the stack, stops the cluster and removes everything `up` made. Both can be run again: `up` keeps what is there, `down` of nothing does nothing.",
    synopsis: [
        "up [--crds FILE|URL]   toolchain, local cluster and the local stack, deployed",
        'env                    the variables for the commands on the local stack: eval "$(capstan local env)"',
        "down                   destroy the stack, stop the cluster, remove what up made",
    ],
    arguments: [{ name: "command", description: "up, env or down", missing: "name a command: up, env or down" }],
    options: [
        {
            name: "crds",
            value: "FILE|URL",
            description: "with up: the NGINX Ingress CRDs the cluster gets (passed to `capstan local-cluster up`)",
            default: "the pinned NGINX release's deploy/crds.yaml",
        },
    ],
    examples: [
        { command: "capstan local up", says: "everything, from nothing; about 16 minutes when the toolchain is cold" },
        {
            command: 'eval "$(capstan local env)"',
            says: "then `capstan deploy local TAG --yes`, status, logs, run, canary",
        },
        { command: "capstan local down", says: "the stack, the cluster and their files gone" },
    ],
    exits: ["missingTool"],
    parse: (line) => {
        const [command] = line.positionals;
        const crds = line.options.crds as string | undefined;
        if (command !== "up" && command !== "down" && command !== "env")
            throw new UsageError(`unknown command ${command}: up, env or down`);
        if (crds !== undefined && command !== "up") throw new UsageError("--crds goes with up");
        if (command !== "up") return { command };
        if (crds !== undefined && !/^https?:\/\//.test(crds) && !fs.existsSync(crds))
            throw new UsageError(`--crds: no file ${crds}`);
        return { command, crds };
    },
});

/** The commands to go on with, as `up` prints them. */
export function nextCommands(): string {
    return [
        "Next, in this shell (the first line points the commands at the local stack):",
        '  eval "$(npx capstan local env)"',
        `  npx capstan deploy local ${WALK_TAG} --yes      # deploy a new tag`,
        "  npx capstan status local",
        "  npx capstan logs local",
        "  npx capstan run local -- bin/rails db:version",
        `  npx capstan canary local start ${WALK_TAG}-canary --yes && npx capstan canary local promote --yes`,
        "  npx capstan deploy local --rollback --yes",
        "  npx capstan local down",
        "",
    ].join("\n");
}

/** Builds the toolchain when a piece of it is missing; the exit code of the build, 0 when nothing was missing. */
async function toolchain(io: CommandIo): Promise<number> {
    const missing = missingToolchain(lockedVersion(PROJECT_DIR, "@pulumi/kubernetes"), true);
    if (missing.length === 0) {
        io.stdout("local: toolchain: built\n");
        return EXIT.ok;
    }
    io.stdout(
        `local: toolchain: building what is missing (${missing.length} piece(s), e.g. ${missing[0]}); about 16 minutes the first time on two cores, seconds after\n`,
    );
    return buildToolchain([], io);
}

/** Deploys the local stack into the running cluster and serves its pods' logs. */
async function deployStack(io: CommandIo): Promise<void> {
    const site = localSite();
    ensurePassphrase(site);
    const secrets = Object.fromEntries(writeProject(site, PROJECT_DIR).map((key) => [key, newSecret()]));
    Object.assign(process.env, localEnv(site, paths.kubeconfig));
    io.stdout(`local: deploying the local stack (about a minute); the engine's output goes to ${site.logFile}\n`);
    const log = (text: string) => fs.appendFileSync(site.logFile, text);
    let result: Awaited<ReturnType<typeof upLocalStack>>;
    try {
        result = await upLocalStack(site, PROJECT_DIR, secrets, log);
    } catch (err) {
        throw new Error(
            `the update of the local stack failed; the engine's output is in ${site.logFile}\n${(err as Error).message.split("\n").slice(-12).join("\n")}`,
        );
    }
    io.stdout(`local: stack local updated (${result.changes})\n`);
    if (typeof result.outputs.namespace === "string") servePodLogs(result.outputs.namespace, site.podLog);
}

/** Whether the local cluster runs and its API server answers. */
function clusterRunning(): boolean {
    return readState() !== undefined && isApiserverReady();
}

async function up(args: { crds?: string }, io: CommandIo): Promise<number> {
    const built = await toolchain(io);
    if (built !== EXIT.ok) return built;
    const site = localSite();
    if (!clusterRunning() && fs.existsSync(site.dir)) {
        // A new cluster has none of the objects the old stack's state records: the stack starts anew.
        io.stdout(`local: the local cluster had stopped; starting the local stack anew (removing ${site.dir})\n`);
        fs.rmSync(site.dir, { recursive: true, force: true });
    }
    const cluster = await localCluster.main(["up", ...(args.crds ? ["--crds", args.crds] : [])], io);
    if (cluster !== EXIT.ok) return cluster;
    await deployStack(io);
    io.stdout("\n$ capstan status local\n");
    await status.main(["local"], io);
    io.stdout(`\n${nextCommands()}`);
    return EXIT.ok;
}

/** Whether this process's environment is the one `capstan local env` gave (its shell ran the eval). */
function shellPointsAt(site: LocalSite): boolean {
    return (
        process.env.CAPSTAN_STACK_DIR !== undefined && path.resolve(process.env.CAPSTAN_STACK_DIR) === site.projectDir
    );
}

/** What a shell that ran `eval "$(capstan local env)"` does after down, so that its commands find the project's stacks again. */
export function unsetHint(): string {
    const toolchain = Object.keys(toolchainEnv());
    const names = Object.keys(localEnv(localSite(), "")).filter((k) => !toolchain.includes(k));
    return `local: this shell still points at the local stack; to act on the project's stacks again: unset ${names.join(" ")}`;
}

async function down(io: CommandIo): Promise<number> {
    const site = localSite();
    const pointed = shellPointsAt(site);
    const clusterUp = clusterRunning();
    if (fs.existsSync(site.stateDir)) {
        Object.assign(process.env, localEnv(site, paths.kubeconfig));
        const log = (text: string) => fs.appendFileSync(site.logFile, text);
        if (!clusterUp) io.stdout("local: the local cluster is not running; the stack's objects went with it\n");
        else if (await hasLocalStack(site))
            io.stdout(`local: stack local destroyed (${await destroyLocalStack(site, PROJECT_DIR, log)})\n`);
    }
    const cluster = await localCluster.main(["down"], io);
    if (cluster !== EXIT.ok) return cluster;
    const existed = fs.existsSync(site.dir);
    fs.rmSync(site.dir, { recursive: true, force: true });
    io.stdout(existed ? `local: removed ${site.dir}\n` : "local: no local stack to remove\n");
    if (pointed) io.stdout(`${unsetHint()}\n`);
    return EXIT.ok;
}

function env(io: CommandIo): number {
    const site = localSite();
    if (!fs.existsSync(site.passphraseFile)) {
        io.stderr(`local: there is no local stack (no ${site.dir}); start it with: npx capstan local up\n`);
        return EXIT.failed;
    }
    io.stdout(`${exportLines(localEnv(site, paths.kubeconfig, ""))}\n`);
    return EXIT.ok;
}

/** Entry point of `capstan local`. */
export function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
    return runCommand(definition, argv, io, (args) =>
        args.command === "up" ? up(args, io) : args.command === "down" ? down(io) : env(io),
    );
}
