/**
 * `capstan cost <stack> [--json|--markdown] [--diff BASE] [--tenant] [--plan FILE]`: the monthly
 * estimate of a stack from its offline render (out/<stack>/plan.json), with no AWS access. `--diff`
 * prints the change from another render's plan.json; `--tenant` prices one more tenant on the
 * stack's cluster. Exit 0 with an estimate, 1 when it cannot be made, 2 on a usage error.
 */
import * as path from "path";
import { HelpRequest, isHelp, readCommandLine, runAsProcess, UsageError } from "./cli/cli";
import { PROJECT_DIR } from "./cli/program";
import { StackFileError } from "./cli/stackfile";
import { diffEstimates, formatDiff } from "./cost/diff";
import { estimate } from "./cost/estimate";
import { PlanError, readPlan } from "./cost/plan";
import { loadPriceTable, RegionError } from "./cost/priceTable";
import { formatJson, formatMarkdown, formatTable } from "./cost/report";
import { CostConfigError, readStackCost } from "./cost/stackCost";
import { tenantEstimate } from "./cost/tenant";

const USAGE = "usage: capstan cost <stack> [--json | --markdown] [--diff BASE_PLAN_JSON] [--tenant] [--plan PLAN_JSON]";

export interface CostArgs {
    readonly stack: string;
    readonly format: "table" | "json" | "markdown";
    readonly diff?: string;
    readonly tenant: boolean;
    readonly plan?: string;
}

/** The command line, in one place. */
export function parseCostArgs(argv: readonly string[]): CostArgs {
    let stack: string | undefined;
    let format: CostArgs["format"] = "table";
    let diff: string | undefined;
    let plan: string | undefined;
    let tenant = false;
    const value = (i: number, flag: string) => {
        if (!argv[i]) throw new UsageError(`${flag} needs a plan.json`);
        return path.resolve(argv[i]);
    };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--json" || a === "--markdown") {
            if (format !== "table") throw new UsageError("give one of --json and --markdown");
            format = a === "--json" ? "json" : "markdown";
        } else if (a === "--diff") diff = value(++i, a);
        else if (a === "--plan") plan = value(++i, a);
        else if (a === "--tenant") tenant = true;
        else if (isHelp(a)) throw new HelpRequest();
        else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
        else if (stack === undefined) stack = a;
        else throw new UsageError(`unexpected argument ${a}`);
    }
    if (!stack) throw new UsageError("name the stack to price, e.g. staging");
    if (diff && tenant) throw new UsageError("--diff and --tenant do not go together");
    return { stack, format, diff, tenant, plan };
}

export interface CostIo {
    readonly dir: string;
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
}

function run(args: CostArgs, dir: string): string {
    const { region, cost } = readStackCost(dir, args.stack);
    const options = { region, table: loadPriceTable(), usage: cost.usage };
    const planFile = args.plan ?? path.join(dir, "out", args.stack, "plan.json");
    const resources = readPlan(planFile).resources;
    if (args.diff) {
        const d = diffEstimates(estimate(readPlan(args.diff).resources, options), estimate(resources, options));
        return args.format === "json"
            ? `${JSON.stringify(d, null, 2)}\n`
            : formatDiff(args.stack, d, args.format === "markdown");
    }
    const e = args.tenant ? tenantEstimate(resources, options) : estimate(resources, options);
    const title = args.tenant ? `one more tenant of ${args.stack}` : args.stack;
    if (args.format === "json") return formatJson(title, e);
    return args.format === "markdown" ? formatMarkdown(title, e) : formatTable(title, e);
}

export function costCli(argv: readonly string[], io: CostIo): Promise<number> {
    const line = readCommandLine({ name: "cost", usage: USAGE, stderr: io.stderr }, () => parseCostArgs(argv));
    if ("exitCode" in line) return Promise.resolve(line.exitCode);
    try {
        io.stdout(run(line.args, io.dir));
        return Promise.resolve(0);
    } catch (err) {
        const known = [PlanError, RegionError, StackFileError, CostConfigError].some((k) => err instanceof k);
        io.stderr(`cost: ${known ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`);
        return Promise.resolve(1);
    }
}

/** Entry point for `capstan cost`. */
export function main(argv: readonly string[]): Promise<number> {
    return costCli(argv, {
        dir: PROJECT_DIR,
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
    });
}

if (require.main === module) runAsProcess("cost", main);
