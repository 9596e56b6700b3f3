#!/usr/bin/env node
// `capstan <command> [args]`: the project's commands, for `npx capstan ...`. Each command is one file
// in scripts/commands/ holding its definition (arguments, options, examples, exit codes) and its
// entry; scripts/commands/index.ts lists them. `capstan <command> --help` prints a command's help.
"use strict";
const fs = require("fs");
const path = require("path");

const COMMANDS_DIR = path.join(__dirname, "commands");

/** The commands there are: the files of scripts/commands/ but the registry and the shared parts. */
function commandNames() {
    return fs
        .readdirSync(COMMANDS_DIR)
        .filter((f) => f.endsWith(".ts") && !["index.ts", "list.ts", "shared.ts"].includes(f))
        .map((f) => f.slice(0, -3));
}

function register() {
    require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.pulumi.json") });
}

/** The list `capstan --help` prints: one line per command, from its definition. */
function help() {
    register();
    const definitions = require(path.join(COMMANDS_DIR, "index.ts")).definitions();
    const width = Math.max(...definitions.map((d) => d.name.length));
    return [
        "usage: capstan <command> [args]      (capstan <command> --help for its options, examples and exit codes)",
        "",
        ...definitions.map((d) => `  ${d.name.padEnd(width)}  ${d.summary}`),
        "",
        "Every command and the exit codes: docs/commands.md",
        "",
    ].join("\n");
}

function main() {
    const [command, ...args] = process.argv.slice(2);
    if (command === "-h" || command === "--help" || command === "help") {
        process.stdout.write(help());
        return;
    }
    if (!commandNames().includes(command)) {
        process.stderr.write(`${command === undefined ? "" : `capstan: unknown command ${command}\n`}${help()}`);
        process.exit(2);
    }
    register();
    require(path.join(COMMANDS_DIR, `${command}.ts`))
        .main(args)
        .then(
            (code) => process.exit(code),
            (err) => {
                process.stderr.write(`capstan ${command}: ${process.env.CAPSTAN_DEBUG ? err.stack : err.message}\n`);
                process.exit(1);
            },
        );
}

main();
