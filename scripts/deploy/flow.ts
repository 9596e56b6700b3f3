/**
 * `capstan deploy`: take the stack, settle what a dead deploy left, decide from the state (never
 * the stack file) whether there is anything to deploy, pin the config with the new tag, preview,
 * guard, confirm, update exactly what the preview showed, then write the tag into the stack file.
 * Everything runs through DeployBackend/DeployIo, so the whole flow is tested against a fake.
 */
import { pulumiCliMissing } from "../cli/tools";
import type { DeployArgs } from "./args";
import { exampleRefusal } from "./examples";
import { blueGreenOf, deployIdle, switchRoutes, type BlueGreenDeps } from "./blueGreen";
import { switchBackOpen, switchBackUntil } from "./blueGreenPlan";
import { changeSummary, checkDeployPreview, describeOtherChanges, type GuardReport, isAssetsJob } from "./guard";
import { findRollbackTarget } from "./history";
import { lineWriter } from "./lines";
import { PinnedConfig } from "./pinned";
import { reportFailure } from "./report";
import { describeServing, type Serving } from "./serving";
import { beginUpdate, type Session } from "./session";
import { EXIT, urnName, type DeployBackend, type DeployIo, type DeployStack, type StackFacts } from "./types";

/**
 * `capstan deploy` with its command line read (scripts/commands/deploy.ts); `blueGreen` is what a
 * blue/green stack's release asks of its cluster and metrics.
 */
export async function runDeploy(
    args: DeployArgs,
    io: DeployIo,
    backend: DeployBackend,
    blueGreen: BlueGreenDeps,
): Promise<number> {
    if (!backend.cliAvailable()) {
        io.stderr(`deploy: ${pulumiCliMissing("the deploy runs it through the Automation API")}\n`);
        return EXIT.noCli;
    }
    let stack: DeployStack;
    try {
        const names = await backend.stacks();
        if (!names.includes(args.stack)) {
            io.stderr(
                `deploy: no stack named ${args.stack} in this backend (stacks: ${names.join(", ") || "none"}): log in to the stack's backend (pulumi login ...), or create the stack first.\n`,
            );
            return EXIT.usage;
        }
        stack = await backend.open(args.stack);
    } catch (err) {
        io.stderr(`deploy: cannot read stack ${args.stack}: ${firstLines(err)}\n`);
        return EXIT.failed;
    }
    const session = await beginUpdate(backend, stack, "deploy", describeWork(args), io).catch((err: Error) => {
        io.stderr(`deploy: cannot read the state of stack ${args.stack}: ${firstLines(err)}\n`);
        return EXIT.failed;
    });
    if (typeof session === "number") return session;
    try {
        return await deployInSession(stack, session, args, io, blueGreen);
    } finally {
        session.end();
    }
}

function describeWork(args: DeployArgs): string {
    return `capstan deploy ${args.rollback ? "--rollback" : args.imageTag} from ${process.cwd()}`;
}

async function deployInSession(
    stack: DeployStack,
    session: Session,
    args: DeployArgs,
    io: DeployIo,
    deps: BlueGreenDeps,
): Promise<number> {
    const facts = session.facts;
    let tag = args.imageTag;
    const blueGreen = blueGreenOf(stack.stackFile);
    // Blue/green within the switch-back window: the rollback moves the routes back, nothing rolls.
    if (blueGreen && args.rollback && switchBackOpen(blueGreen, deps.now())) {
        io.stdout(`Rolling back stack ${args.stack} by moving the routes back to the old colour.\n`);
        return switchRoutes(stack, session, blueGreen, "deploy", args, io, deps);
    }
    if (blueGreen && args.rollback && blueGreen.idle && blueGreen.release.switchedAt) {
        io.stderr(
            `deploy: stack ${args.stack}: the window to move the routes back ended at ${String(switchBackUntil(blueGreen)?.toISOString())}. Finish the release (capstan release ${args.stack} finish), then --rollback deploys the tag before it, as any deploy does.\n`,
        );
        return EXIT.refused;
    }
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
    if (blueGreen) return deployIdle(stack, session, blueGreen, tag as string, args, io, deps);
    const serving = await stack.serving();
    if (alreadyRuns(stack, facts, serving, tag as string, io)) return EXIT.ok;
    return deployTag(stack, session, facts.deployedTag, tag as string, serving, args, io);
}

/**
 * Whether the stack runs `tag` already: its last update completed with it, nothing is pending,
 * and the cluster's ready web pods all run it. The stack file is not asked.
 */
function alreadyRuns(
    stack: DeployStack,
    facts: StackFacts,
    serving: Serving | string,
    tag: string,
    io: DeployIo,
): boolean {
    const complete = facts.lastUpdate?.result === "succeeded" && facts.pending.length === 0;
    const onTag = typeof serving !== "string" && serving.tags.length === 1 && serving.tags[0].tag === tag;
    if (facts.deployedTag !== tag || !complete || !onTag) return false;
    io.stdout(
        `Stack ${stack.name} already runs ${tag}: its last update completed with it and the cluster serves ${describeServing(serving)}; nothing to deploy.\n`,
    );
    const pinned = PinnedConfig.pinTag(stack.stackFile, tag, undefined);
    try {
        if (!pinned.matchesFile()) {
            pinned.writeBack();
            io.stdout(`The stack file now says ${tag}.\n`);
        }
    } finally {
        pinned.dispose();
    }
    return true;
}

async function deployTag(
    stack: DeployStack,
    session: Session,
    current: string | undefined,
    tag: string,
    serving: Serving | string,
    args: DeployArgs,
    io: DeployIo,
): Promise<number> {
    // The stack file says which tag it replaces: an older copy of it, which replaces another, is refused.
    const pinned = PinnedConfig.pinTag(stack.stackFile, tag, current);
    try {
        const examples = exampleRefusal(stack.name, pinned.text());
        if (examples) {
            io.stderr(`${examples}\n`);
            return EXIT.refused;
        }
        io.stdout(`Previewing stack ${stack.name}: image tag ${current ?? "(none deployed)"} -> ${tag}\n`);
        if (typeof serving !== "string") io.stdout(`Serving now: ${describeServing(serving)}\n`);
        const report = await previewReport(stack, pinned, current, tag, io);
        if (!report) return EXIT.failed;
        printPlan(report, io);
        if (!infraChangesAllowed(report, args, io)) return EXIT.refused;
        if (!(await confirmed(stack.name, tag, args, io))) return EXIT.refused;
        return await update(stack, session, pinned, report, io);
    } finally {
        pinned.dispose();
    }
}

/** The preview, judged by the deploy's guard; undefined when it failed. */
async function previewReport(
    stack: DeployStack,
    pinned: PinnedConfig,
    current: string | undefined,
    tag: string,
    io: DeployIo,
): Promise<GuardReport | undefined> {
    try {
        const started = Date.now();
        const steps = await stack.preview(pinned.file);
        const report = checkDeployPreview(steps, current, tag);
        io.stdout(`\nChanges: ${changeSummary(steps)} (preview: ${seconds(started)})\n`);
        return report;
    } catch (err) {
        io.stderr(`deploy: the preview failed, nothing was changed:\n${firstLines(err, 12)}\n`);
        return undefined;
    }
}

/** Whether the update may go on: it changes nothing besides the tag, or --allow-infra-changes says so. */
function infraChangesAllowed(report: GuardReport, args: DeployArgs, io: DeployIo): boolean {
    if (report.others.length === 0) return true;
    if (args.allowInfraChanges) {
        io.stdout(`\nAlso changing (--allow-infra-changes):\n${describeOtherChanges(report.others)}\n`);
        return true;
    }
    io.stderr(
        `\ndeploy: stopped: besides the image tag, this update would change:\n${describeOtherChanges(report.others)}\n`,
    );
    io.stderr(
        "A deploy never changes infrastructure by surprise. Review the change with `pulumi preview`, apply it with `pulumi up`, or pass --allow-infra-changes to deploy it together with the tag.\n",
    );
    return false;
}

/** The update itself, streamed line by line; reports what rolled, or what failed and what serves. */
async function update(
    stack: DeployStack,
    session: Session,
    pinned: PinnedConfig,
    report: GuardReport,
    io: DeployIo,
): Promise<number> {
    const targets = deployTargets(report);
    if (targets.length === 0) {
        io.stdout(`\nNothing to change: the stack's resources already match ${pinned.tag}.\n`);
        noteWriteBack(pinned.writeBack(), io);
        return EXIT.ok;
    }
    const drifted = pinned.changedSince();
    if (drifted.length)
        io.stdout(
            `\nThe stack file changed since this deploy read it (${drifted.join(", ")}); that change is not part of this deploy, which applies what its preview showed.\n`,
        );
    const handChanges = await stack.drift();
    if (typeof handChanges !== "string" && handChanges.length)
        io.stdout(
            `\nChanged in the cluster by hand since Pulumi last wrote it, and left as it is by this deploy, whose update changes only what its preview showed:\n${handChanges.map((l) => `  ${l}`).join("\n")}\nSee the difference with \`pulumi preview --refresh --stack ${stack.name}\`; undo it with \`pulumi up --refresh --stack ${stack.name}\`.\n`,
        );
    io.stdout(`\nUpdating stack ${stack.name}...\n`);
    const started = Date.now();
    const lines = lineWriter(io.stdout);
    // A tag deploy's steps are the workloads' and the Jobs' server-side applies: an update that dies
    // before its state is written leaves objects the next deploy's applies adopt as they are.
    const stateAtEnd = report.others.length === 0;
    const outcome = await stack.up(pinned.file, targets, lines.push, session.signal, { stateAtEnd });
    lines.flush();
    if (!outcome.ok) {
        const serving = await stack.serving();
        reportFailure(stack.name, pinned.tag, outcome, serving, session.cancelled(), io);
        return EXIT.failed;
    }
    const rolled = report.rolls.map((r) => r.name);
    io.stdout(
        `\nDeployed ${pinned.tag} to stack ${stack.name} in ${seconds(started)}: ${rolled.length} workload${rolled.length === 1 ? "" : "s"} rolled${rolled.length ? ` (${rolled.join(", ")})` : ""}.\n`,
    );
    noteWriteBack(pinned.writeBack(), io);
    io.stdout(`To undo: capstan deploy ${stack.name} --rollback\n`);
    return EXIT.ok;
}

function noteWriteBack(otherChanges: readonly string[], io: DeployIo): void {
    if (otherChanges.length)
        io.stdout(
            `The stack file was changed while the deploy ran (${otherChanges.join(", ")}): those changes are kept in it and were not deployed; review them with pulumi preview.\n`,
        );
}

/** The resources the update may change: the workloads that roll, the migration, and what --allow-infra-changes let through. */
export function deployTargets(report: GuardReport): string[] {
    const urns = [...report.rolls.map((r) => r.step.urn), ...report.migrations.map((m) => m.urn)];
    return [...new Set([...urns, ...report.others.map((o) => o.step.urn)])];
}

function printPlan(report: GuardReport, io: DeployIo): void {
    const jobs = (assets: boolean) => report.migrations.filter((m) => isAssetsJob(m.urn) === assets);
    for (const [label, steps] of [
        ["Migration", jobs(false)],
        ["Assets upload", jobs(true)],
    ] as const)
        if (steps.length)
            io.stdout(
                `${label}: ${steps.map((m) => `${m.op} ${urnName(m.urn)}`).join(", ")} (runs before any workload rolls)\n`,
            );
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

/** The time since `started`, as "12.3 s". */
function seconds(started: number): string {
    return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

/** An image value as the preview reported it: a tag as written, anything else as JSON. */
function shown(v: unknown): string {
    return typeof v === "string" ? v : JSON.stringify(v);
}

/** The first lines of an error's message, never its stack. */
export function firstLines(err: unknown, n = 6): string {
    const lines = String((err as Error)?.message ?? err)
        .split("\n")
        .map((l) => l.trimEnd())
        .filter((l) => l.trim() !== "" && !/^\s*at /.test(l));
    return lines.slice(0, n).join("\n");
}
