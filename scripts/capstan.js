#!/usr/bin/env node
// `capstan <command> [args]`: the project's commands, for `npx capstan ...`.
"use strict";
const path = require("path");

const COMMANDS = {
    render: "render.ts",
    deploy: "deploy.ts",
    tenant: "tenant.ts",
};

const [command, ...args] = process.argv.slice(2);
const script = COMMANDS[command];
if (!script || !require("fs").existsSync(path.join(__dirname, script))) {
    process.stderr.write(
        `usage: capstan <${Object.keys(COMMANDS)
            .filter((c) => require("fs").existsSync(path.join(__dirname, COMMANDS[c])))
            .join("|")}> [args]\n`,
    );
    process.exit(2);
}
require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.pulumi.json") });
require(path.join(__dirname, script))
    .main(args)
    .then((code) => process.exit(code));
