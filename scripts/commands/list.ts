/**
 * Every command but `docs`, in the order `capstan --help` and docs/commands.md list them. The docs
 * command, which writes the reference of every command, comes last and takes this list (index.ts
 * gives the whole one), so that no command file imports the file that imports it.
 */
import type { CommandDefinition } from "../cli/define";
import * as canary from "./canary";
import * as consoleCommand from "./console";
import * as cost from "./cost";
import * as deploy from "./deploy";
import * as init from "./init";
import * as kubeScore from "./kube-score";
import * as local from "./local";
import * as localCluster from "./local-cluster";
import * as logs from "./logs";
import * as release from "./release";
import * as render from "./render";
import * as run from "./run";
import * as status from "./status";
import * as tenant from "./tenant";
import * as toolchain from "./toolchain";

/** A command file's exports. */
export interface CommandModule {
    readonly definition: CommandDefinition<unknown>;
    readonly main: (argv: readonly string[]) => Promise<number>;
}

export const LISTED: readonly CommandModule[] = [
    render,
    deploy,
    status,
    run,
    consoleCommand,
    logs,
    canary,
    release,
    init,
    tenant,
    cost,
    kubeScore,
    local,
    localCluster,
    toolchain,
];
