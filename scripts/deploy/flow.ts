/**
 * `npm run deploy`: set the image tag, preview, guard, confirm, update, report. Everything runs
 * through DeployBackend/DeployIo, so the whole flow is tested against a fake.
 */
import { readCommandLine } from "../cli/cli";
import { parseDeployArgs, USAGE, type DeployArgs } from "./args";
import { changeSummary, checkDeployPreview, describeOtherChanges, type GuardReport } from "./guard";
import { findRollbackTarget } from "./history";
import { lineWriter } from "./lines";
import { EXIT, urnName, type DeployBackend, type DeployIo, type DeployStack, type UpOutcome } from "./types";

export const INSTALL_HINT = [
    "deploy: the Pulumi CLI is not installed (no `pulumi` on PATH); the deploy runs it through the Automation API.",
    "Install it, then run the deploy again:",
    "  curl -fsSL https://get.pulumi.com | sh        # Linux, macOS",
    "  brew install pulumi/tap/pulumi                # macOS (Homebrew)",
    "  choco install pulumi                          # Windows",
    "See https://www.pulumi.com/docs/install/ for more.",
].join("\n");

export async function runDeploy(argv: readonly string[], io: DeployIo, backend: DeployBackend): Promise<number> {
    const line = readCommandLine({ name: "deploy", usage: USAGE, stderr: io.stderr }, () => parseDeployArgs(argv));
    if ("exitCode" in line) return line.exitCode;
    const { args } = line;
    if (!backend.cliAvailable()) {
        io.stderr(`${INSTALL_HINT}\n`);
        return EXIT.noCli;
    }
    let stack: DeployStack;
    let current: string | undefined;
    let tag = args.imageTag;
    try {
        stack = await backend.open(args.stack);
        current = await stack.imageTag();
        if (args.rollback) {
            const target = findRollbackTarget(await stack.history());
            if (typeof target === "string") {
                io.stderr(`deploy: stack ${args.stack}: ${target}\n`);
                return EXIT.failed;
            }
            io.stdout(
                `Rolling back stack ${args.stack} from ${target.current} to ${target.previous} (the tag of ${target.update}).\n`,
            );
            tag = target.previous;
        }
    } catch (err) {
        io.stderr(`deploy: cannot read stack ${args.stack}: ${(err as Error).message}\n`);
        return EXIT.failed;
    }
    return deployTag(stack, current, tag as string, args, io);
}

async function deployTag(
    stack: DeployStack,
    current: string | undefined,
    tag: string,
    args: DeployArgs,
    io: DeployIo,
): Promise<number> {
    if (current === tag) {
        io.stdout(`Stack ${stack.name} already runs ${tag}; nothing to deploy.\n`);
        return EXIT.ok;
    }
    await stack.setImageTag(tag);
    /** Puts the stack file back as it was, when nothing (or not everything) was deployed. */
    const restore = async () => {
        if (current !== undefined) await stack.setImageTag(current);
    };
    io.stdout(`Previewing stack ${stack.name}: image tag ${current ?? "(unset)"} -> ${tag}\n`);
    const report = await previewReport(stack, current, tag, io, restore);
    if (!report) return EXIT.failed;
    printPlan(report, io);
    if (!(await infraChangesAllowed(report, args, io, restore))) return EXIT.refused;
    if (!(await confirmed(stack.name, tag, args, io))) {
        await restore();
        return EXIT.refused;
    }
    return update(stack, current, tag, report, io, restore);
}

/** The preview, judged by the deploy's guard; undefined (and the tag restored) when it failed. */
async function previewReport(
    stack: DeployStack,
    current: string | undefined,
    tag: string,
    io: DeployIo,
    restore: () => Promise<void>,
): Promise<GuardReport | undefined> {
    try {
        const started = Date.now();
        const steps = await stack.preview();
        const report = checkDeployPreview(steps, current, tag);
        io.stdout(`\nChanges: ${changeSummary(steps)} (preview: ${seconds(started)})\n`);
        return report;
    } catch (err) {
        await restore();
        io.stderr(`deploy: the preview failed, nothing was changed:\n${(err as Error).message}\n`);
        return undefined;
    }
}

/** Whether the update may go on: it changes nothing besides the tag, or --allow-infra-changes says so. */
async function infraChangesAllowed(
    report: GuardReport,
    args: DeployArgs,
    io: DeployIo,
    restore: () => Promise<void>,
): Promise<boolean> {
    if (report.others.length === 0) return true;
    if (args.allowInfraChanges) {
        io.stdout(`\nAlso changing (--allow-infra-changes):\n${describeOtherChanges(report.others)}\n`);
        return true;
    }
    await restore();
    io.stderr(
        `\ndeploy: stopped: besides the image tag, this update would change:\n${describeOtherChanges(report.others)}\n`,
    );
    io.stderr(
        "A deploy never changes infrastructure by surprise. Review the change with `pulumi preview`, apply it with `pulumi up`, or pass --allow-infra-changes to deploy it together with the tag.\n",
    );
    return false;
}

/** The update itself, streamed line by line; reports what rolled, or restores the tag and says what failed. */
async function update(
    stack: DeployStack,
    current: string | undefined,
    tag: string,
    report: GuardReport,
    io: DeployIo,
    restore: () => Promise<void>,
): Promise<number> {
    io.stdout(`\nUpdating stack ${stack.name}...\n`);
    const started = Date.now();
    const lines = lineWriter(io.stdout);
    let outcome: UpOutcome;
    try {
        outcome = await stack.up(deployTargets(report), lines.push);
    } catch (err) {
        outcome = { ok: false, failures: [], error: (err as Error).message };
    }
    lines.flush();
    if (!outcome.ok) {
        await restore();
        printFailure(stack.name, current, tag, outcome, io);
        return EXIT.failed;
    }
    const rolled = report.rolls.map((r) => r.name);
    io.stdout(
        `\nDeployed ${tag} to stack ${stack.name} in ${seconds(started)}: ${rolled.length} workload${rolled.length === 1 ? "" : "s"} rolled${rolled.length ? ` (${rolled.join(", ")})` : ""}.\n`,
    );
    io.stdout(`To undo: npm run deploy -- ${stack.name} --rollback\n`);
    return EXIT.ok;
}

/** The resources the update may change: the workloads that roll, the migration, and what --allow-infra-changes let through. */
export function deployTargets(report: GuardReport): string[] {
    const urns = [...report.rolls.map((r) => r.step.urn), ...report.migrations.map((m) => m.urn)];
    return [...new Set([...urns, ...report.others.map((o) => o.step.urn)])];
}

function printPlan(report: GuardReport, io: DeployIo): void {
    if (report.migrations.length) {
        io.stdout(
            `Migration: ${report.migrations.map((m) => `${m.op} ${urnName(m.urn)}`).join(", ")} (runs before any workload rolls)\n`,
        );
    }
    if (report.rolls.length === 0) {
        io.stdout("Workloads that will roll: none\n");
        return;
    }
    io.stdout("Workloads that will roll:\n");
    for (const r of report.rolls) {
        const images = r.changes.map((c) => (c.to === undefined ? c.path : `${shown(c.from)} -> ${shown(c.to)}`));
        io.stdout(`  ${r.step.type.split(":").pop()} ${r.name}${images.length ? `: ${images.join(", ")}` : ""}\n`);
    }
}

async function confirmed(stackName: string, tag: string, args: DeployArgs, io: DeployIo): Promise<boolean> {
    if (args.yes) return true;
    if (!io.interactive) {
        io.stderr(
            "\ndeploy: refusing to deploy without confirmation: there is no terminal to ask on. Pass --yes to deploy non-interactively.\n",
        );
        return false;
    }
    const answer = (await io.ask(`\nDeploy ${tag} to stack ${stackName}? [y/N] `)).trim().toLowerCase();
    if (answer === "y" || answer === "yes") return true;
    io.stderr("deploy: not confirmed; nothing was changed.\n");
    return false;
}

function printFailure(
    stackName: string,
    current: string | undefined,
    tag: string,
    outcome: UpOutcome,
    io: DeployIo,
): void {
    io.stderr(`\ndeploy: the update of stack ${stackName} to ${tag} failed.\n`);
    for (const f of outcome.failures) io.stderr(`  failed: ${f.type} ${urnName(f.urn)}: ${f.message}\n`);
    if (outcome.failures.length === 0 && outcome.error)
        io.stderr(`  ${outcome.error.trim().split("\n").slice(-5).join("\n  ")}\n`);
    const migration = outcome.failures.some((f) => f.type === "kubernetes:batch/v1:Job");
    io.stderr(
        `The previous version${current ? ` (${current})` : ""} is still serving: ${migration ? "the migration failed, so no workload was rolled" : "a rollout that does not become ready keeps the old pods (maxUnavailable: 0)"}.\n`,
    );
    io.stderr(`The stack file is back at ${current ?? "its previous tag"}; fix the cause and deploy again.\n`);
}

/** The time since `started`, as "12.3 s". */
function seconds(started: number): string {
    return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

/** An image value as the preview reported it: a tag as written, anything else as JSON. */
function shown(v: unknown): string {
    return typeof v === "string" ? v : JSON.stringify(v);
}
