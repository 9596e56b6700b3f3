/**
 * `capstan cost <stack> [--json|--markdown] [--diff BASE] [--tenant] [--plan FILE]`: the monthly
 * estimate of a stack from its offline render (out/<stack>/plan.json), with no AWS access. Exit 0
 * with an estimate, 1 when it cannot be made (the message says why), 2 on a usage error.
 */
import * as path from "path";
import { UsageError } from "../cli/cli";
import { defineCommand, parseCommandLine } from "../cli/define";
import { runCommand } from "../cli/runCommand";
import { PROJECT_DIR } from "../cli/program";
import { diffEstimates, formatDiff } from "../cost/diff";
import { estimate } from "../cost/estimate";
import { readPlan } from "../cost/plan";
import { loadPriceTable } from "../cost/priceTable";
import { formatJson, formatMarkdown, formatTable } from "../cost/report";
import { readStackCost } from "../cost/stackCost";
import { STACK_ARGUMENT } from "./shared";
import { tenantEstimate } from "../cost/tenant";

export interface CostArgs {
    readonly stack: string;
    readonly format: "table" | "json" | "markdown";
    readonly diff?: string;
    readonly tenant: boolean;
    readonly plan?: string;
}

const resolved = (v: string | boolean | undefined) => (typeof v === "string" ? path.resolve(v) : undefined);

export const definition = defineCommand<CostArgs>({
    name: "cost",
    summary: "the monthly cost of a stack from its render: --diff BASE, --tenant, --json, --markdown",
    description:
        "Prices every resource of the stack's offline render (out/<stack>/plan.json, from `capstan render`) with the price table in scripts/cost/prices.yaml and the usage assumptions of `capstan:cost`, with no AWS access. --diff prints the change from another render's plan.json; --tenant prices one more tenant on the stack's cluster.",
    synopsis: ["<stack> [--json | --markdown] [--diff BASE_PLAN_JSON] [--tenant] [--plan PLAN_JSON]"],
    arguments: [{ ...STACK_ARGUMENT, missing: "name the stack to price, e.g. staging" }],
    options: [
        { name: "json", description: "print the estimate as JSON" },
        { name: "markdown", description: "print the estimate as a Markdown table (for a pull request)" },
        { name: "diff", value: "BASE_PLAN_JSON", description: "print the change from the estimate of this plan.json" },
        { name: "tenant", description: "price one more tenant on the stack's cluster" },
        { name: "plan", value: "PLAN_JSON", description: "price this plan.json", default: "out/<stack>/plan.json" },
    ],
    examples: [
        { command: "capstan cost prod", says: "the monthly estimate of prod, per resource" },
        { command: "capstan cost prod --diff main/out/prod/plan.json --markdown", says: "what a change costs" },
    ],
    exits: [],
    parse: (line) => {
        const { json, markdown, tenant, diff, plan } = line.options;
        if (json && markdown) throw new UsageError("give one of --json and --markdown");
        if (diff && tenant) throw new UsageError("--diff and --tenant do not go together");
        return {
            stack: line.positionals[0],
            format: json ? "json" : markdown ? "markdown" : "table",
            diff: resolved(diff),
            tenant: tenant === true,
            plan: resolved(plan),
        };
    },
});

/** The command line read by the definition (without the stack check). */
export function parseCostArgs(argv: readonly string[]): CostArgs {
    return parseCommandLine(definition, argv);
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
    return runCommand(
        definition,
        argv,
        io,
        (args) => {
            io.stdout(run(args, io.dir));
            return 0;
        },
        io.dir,
    );
}

/** Entry point for `capstan cost`. */
export function main(argv: readonly string[]): Promise<number> {
    return costCli(argv, {
        dir: PROJECT_DIR,
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
    });
}
