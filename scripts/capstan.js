#!/usr/bin/env node
// `capstan <command> [args]`: the project's commands, for `npx capstan ...`. This table is the one
// place that says in one line what each command does; `capstan <command> --help` prints its usage.
"use strict";
const path = require("path");

/** name: [the script, relative to this folder; what the command does]. */
const COMMANDS = {
    render: ["render.ts", "render a stack offline under the mock engine: out/<stack>/plan.json and manifests.yaml"],
    deploy: ["deploy.ts", "deploy an image tag (or --rollback): preview, guard, confirm, targeted update"],
    status: ["ops/status.ts", "what a stack runs: tags, rollouts, autoscalers, migration, cron, canary, Pending pods"],
    run: ["ops/run.ts", "run a one-off command in a Job made from the web pods' current template"],
    console: ["ops/console.ts", "an interactive console (bin/rails console) in a fresh pod of the web template"],
    logs: ["ops/logs.ts", "the logs of every pod of web, a worker, a cron task, the migration or the canary"],
    canary: ["ops/canary.ts", "canary steps as guarded updates, or run <tag>: every step, judged by the analysis"],
    init: ["init.ts", "write Pulumi.<stack>.yaml, a stack of your own account, from a committed stack's shape"],
    tenant: ["tenant.ts", "scaffold a tenant's stack file from an existing stack"],
    cost: ["cost.ts", "the monthly cost of a stack from its render: --diff BASE, --tenant, --json, --markdown"],
    "kube-score": ["kube-score.ts", "check every stack's manifests with kube-score"],
    "local-cluster": ["local-cluster.ts", "start, check or stop a local control plane with simulated nodes"],
    toolchain: ["toolchain.sh", "build the real-engine toolchain (Pulumi CLI, provider, control plane, kwok)"],
};

/** The list `capstan --help` prints: one line per command. */
function help() {
    const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
    return [
        "usage: capstan <command> [args]      (capstan <command> --help for its usage)",
        "",
        ...Object.entries(COMMANDS).map(([name, [, line]]) => `  ${name.padEnd(width)}  ${line}`),
        "",
    ].join("\n");
}

function main() {
    const [command, ...args] = process.argv.slice(2);
    if (command === "-h" || command === "--help" || command === "help") {
        process.stdout.write(help());
        return;
    }
    const entry = COMMANDS[command];
    if (!entry) {
        process.stderr.write(`${command === undefined ? "" : `capstan: unknown command ${command}\n`}${help()}`);
        process.exit(2);
    }
    const script = path.join(__dirname, entry[0]);
    if (script.endsWith(".sh")) {
        const child = require("child_process").spawn("bash", [script, ...args], { stdio: "inherit" });
        child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
        return;
    }
    require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.pulumi.json") });
    require(script)
        .main(args)
        .then((code) => process.exit(code));
}

main();
