/**
 * One canary step, `capstan canary <stack> start <tag> | weight <N> | promote | abort`: each step changes the stack's
 * `capstan:canary` (and, to promote, `capstan:imageTag`) in its stack file, then runs the update a
 * deploy runs: preview, guard, confirmation, an update of only what the preview showed changing.
 * A step out of order is refused before anything changes. Like a deploy, a step takes the stack's
 * deploy lock and runs with its config pinned; the stack file is written only once the step applied.
 */
import YAML from "yaml";
import { deployTargets, firstLines } from "../deploy/flow";
import { MISSING_TOOL_EXIT, USAGE_EXIT } from "../cli/cli";
import { pulumiCliMissing, unknownStackProblem } from "../cli/tools";
import { PinnedConfig } from "../deploy/pinned";
import { reportFailure } from "../deploy/report";
import { beginUpdate, type Session } from "../deploy/session";
import { changeSummary, describeOtherChanges } from "../deploy/guard";
import { lineWriter } from "../deploy/lines";
import { EXIT, urnName, type DeployBackend, type DeployStack, type PreviewStep } from "../deploy/types";
import { readStackSettings } from "../cli/stackfile";
import type { CanaryArgs, CanaryStep } from "./args";
import {
    CANARY_KEY,
    checkCanaryPreview,
    describeStep,
    IMAGE_TAG_KEY,
    nextState,
    PREVIOUS_IMAGE_TAG_KEY,
    stepProblem,
    type CanaryReport,
    type CanaryState,
} from "./canaryPlan";
import type { OpsIo } from "./command";
import { clearProgress } from "../release/progress";
import { OpsError, stackDir } from "../cli/target";

/** The arguments of one step (not a whole release). */
export type StepArgs = CanaryArgs & { readonly step: CanaryStep };

export interface CanaryIo extends OpsIo {
    readonly interactive: boolean;
    readonly ask: (question: string) => Promise<string>;
}

/** The canary state the stack file declares, as it writes it (a step writes the map back as it found it). */
function declaredState(stack: string): CanaryState {
    const settings = readStackSettings(stackDir(), stack);
    const { steps, analysis, stickyCookie, ...canary } = settings.written("canary") ?? {};
    const release = Object.fromEntries(
        Object.entries({ steps, analysis, stickyCookie }).filter(([, v]) => v !== undefined),
    );
    return {
        imageTag: settings.written("imageTag"),
        canary: canary.imageTag !== undefined ? { ...canary, imageTag: canary.imageTag } : undefined,
        release: Object.keys(release).length > 0 ? release : undefined,
    };
}

/** The stack file's text with the state's tag and canary. */
function withState(doc: YAML.Document, next: CanaryState): string {
    const changed = doc.clone();
    if (next.imageTag !== undefined) changed.setIn(["config", IMAGE_TAG_KEY], next.imageTag);
    if (next.previousImageTag !== undefined) changed.setIn(["config", PREVIOUS_IMAGE_TAG_KEY], next.previousImageTag);
    // How canaries release (steps, analysis, the sticky cookie) stays when the canary itself goes.
    const release = Object.entries(next.release ?? {}).filter(([, v]) => v !== undefined);
    if (next.canary) {
        changed.setIn(["config", CANARY_KEY], changed.createNode(next.canary, { flow: false }));
        for (const [k, v] of release) changed.setIn(["config", CANARY_KEY, k], changed.createNode(v, { flow: false }));
    } else if (release.length > 0) {
        for (const k of ["imageTag", "cookie", "header", "weight"]) changed.deleteIn(["config", CANARY_KEY, k]);
    } else changed.deleteIn(["config", CANARY_KEY]);
    return String(changed);
}

/** What the guard lets the step change, or the lines of what it refuses. */
function refused(step: CanaryStep, report: CanaryReport): string[] {
    const others = [...report.rest.others];
    if (step.step !== "promote") {
        // Only a promote rolls the stable pods and runs a stable migration.
        for (const r of report.rest.rolls)
            others.push({ step: r.step, name: r.name, paths: r.changes.map((c) => c.path) });
        for (const m of report.rest.migrations) others.push({ step: m, name: urnName(m.urn), paths: [] });
    }
    return others.length ? [describeOtherChanges(others)] : [];
}

function printPlan(report: CanaryReport, io: OpsIo): void {
    for (const s of report.canary) io.stdout(`  ${s.op.padEnd(8)} ${s.type.split(":").pop()} ${urnName(s.urn)}\n`);
    for (const m of report.rest.migrations) io.stdout(`  ${m.op.padEnd(8)} migration ${urnName(m.urn)}\n`);
    for (const r of report.rest.rolls) io.stdout(`  roll     ${r.step.type.split(":").pop()} ${r.name}\n`);
}

async function confirmed(args: StepArgs, io: CanaryIo): Promise<boolean> {
    if (args.yes) return true;
    if (!io.interactive) {
        io.stderr("canary: refusing without confirmation: there is no terminal to ask on. Pass --yes.\n");
        return false;
    }
    const ok = /^y(es)?$/i.test((await io.ask(`\nApply this step to stack ${args.stack}? [y/N] `)).trim());
    if (!ok) io.stderr("canary: not confirmed; nothing was changed.\n");
    return ok;
}

/** The targeted update with the pinned config; false (with what failed and what serves) when it failed. */
async function update(
    stack: DeployStack,
    session: Session,
    pinned: PinnedConfig,
    targets: readonly string[],
    args: StepArgs,
    io: OpsIo,
): Promise<boolean> {
    const lines = lineWriter(io.stdout);
    const outcome = await stack.up(pinned.file, targets, lines.push, session.signal);
    lines.flush();
    if (outcome.ok) return true;
    const command = `capstan canary ${args.stack} ${args.step.step}${"tag" in args.step ? ` ${String(args.step.tag)}` : ""}${"weight" in args.step ? ` ${String(args.step.weight)}` : ""}`;
    reportFailure(stack.name, pinned.tag, outcome, await stack.serving(), session.cancelled(), io, command);
    return false;
}

/** Takes one step as a guarded update; its exit code. */
export async function takeStep(args: StepArgs, io: CanaryIo, backend: DeployBackend): Promise<number> {
    const unknown = unknownStackProblem(stackDir(), args.stack);
    if (unknown) throw new OpsError(unknown, USAGE_EXIT);
    if (!backend.cliAvailable())
        throw new OpsError(
            pulumiCliMissing("a canary step previews and updates the stack through it"),
            MISSING_TOOL_EXIT,
        );
    const state = declaredState(args.stack);
    const problem = stepProblem(args.step, state);
    if (problem) throw new OpsError(`stack ${args.stack}: ${problem}`, 2);
    const next = nextState(args.step, state);
    const stack = await backend.open(args.stack).catch((err: Error) => {
        throw new OpsError(`cannot open stack ${args.stack}: ${err.message}`, 2);
    });
    const session = await beginUpdate(
        backend,
        stack,
        "canary",
        `capstan canary ${args.step.step} from ${process.cwd()}`,
        io,
    );
    if (typeof session === "number") return session;
    const pinned = PinnedConfig.pin(
        stack.stackFile,
        (text) => withState(YAML.parseDocument(text), next),
        next.canary?.imageTag ?? next.imageTag ?? state.imageTag ?? "",
    );
    try {
        io.stdout(`Canary ${args.step.step} on stack ${args.stack}: ${describeStep(args.step, state, next)}.\n`);
        return await guardedStep(backend, stack, session, pinned, args, state, next, io);
    } finally {
        pinned.dispose();
        session.end();
    }
}

async function guardedStep(
    backend: DeployBackend,
    stack: DeployStack,
    session: Session,
    pinned: PinnedConfig,
    args: StepArgs,
    state: CanaryState,
    next: CanaryState,
    io: CanaryIo,
): Promise<number> {
    let steps: PreviewStep[];
    try {
        steps = await stack.preview(pinned.file);
    } catch (err) {
        io.stderr(`canary: the preview failed, nothing was changed:\n${firstLines(err, 12)}\n`);
        return EXIT.failed;
    }
    const report = checkCanaryPreview(steps, state, next);
    io.stdout(`Changes: ${changeSummary(steps)}\n`);
    printPlan(report, io);
    const refusal = refused(args.step, report);
    if (refusal.length && !args.allowInfraChanges) {
        io.stderr(`\ncanary: stopped: besides the canary, this update would change:\n${refusal.join("\n")}\n`);
        io.stderr("Review it with `pulumi preview`, or pass --allow-infra-changes to apply it with the step.\n");
        return EXIT.refused;
    }
    if (!(await confirmed(args, io))) return EXIT.refused;
    const targets = [...new Set([...report.canary.map((s) => s.urn), ...deployTargets(report.rest)])];
    if (targets.length > 0 && !(await update(stack, session, pinned, targets, args, io))) return EXIT.failed;
    const kept = pinned.writeBack();
    // Promote and abort end the canary, and with it any `canary run` that stopped part way.
    if (args.step.step === "promote" || args.step.step === "abort") clearProgress(backend.lockDir(), args.stack);
    if (kept.length)
        io.stdout(`The stack file was changed while the step ran (${kept.join(", ")}): kept, not deployed.\n`);
    io.stdout(targets.length ? `\nDone: ${describeStep(args.step, state, next)}.\n` : "Nothing to change.\n");
    return EXIT.ok;
}
