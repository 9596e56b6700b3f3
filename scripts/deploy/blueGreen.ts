/**
 * The steps of a blue/green release, each a guarded update through the deploy's session: a deploy
 * brings the idle colour up at the new tag behind the preview hosts; `capstan release <stack>
 * switch` moves the routes (only the routes) to it; within `scaleDownDelay` a rollback moves them
 * back; `capstan release <stack> finish` then scales the old colour down and the workers follow.
 */
import * as fs from "fs";
import { otherColour } from "../../components/config/schema";
import {
    colourDeployment,
    finished,
    finishRefusals,
    prepared,
    prepareRefusals,
    readBlueGreen,
    switchBackOpen,
    switchBackUntil,
    switched,
    withReleaseState,
    type BlueGreen,
    type ReleaseState,
} from "./blueGreenPlan";
import { changeSummary, checkRouteSwitch, describeOtherChanges, type OtherChange } from "./guard";
import { lineWriter } from "./lines";
import { PinnedConfig } from "./pinned";
import { EXIT as EXIT_CODES } from "../cli/exits";
import { verifyIdle, type VerifyDeps } from "./blueGreenVerify";
import { reportFailure } from "./report";
import type { Session } from "./session";
import { EXIT, urnName, type DeployIo, type DeployStack, type PreviewStep } from "./types";

/** What a step asks of the cluster and the metrics, and the clock (the switch-back window). */
export interface BlueGreenDeps extends VerifyDeps {
    /** The pods a colour's Deployment has now (the active one's count is what the idle one gets). */
    readonly replicas: (stack: string, deployment: string) => Promise<number>;
}

export interface StepOptions {
    readonly yes: boolean;
    readonly force: boolean;
    readonly allowInfraChanges: boolean;
    /** deploy: stop once the idle colour is verified, without the switch. */
    readonly noSwitch?: boolean;
}

/** The stack file's blue/green release, or undefined when it releases by rolling. */
export function blueGreenOf(stackFile: string): BlueGreen | undefined {
    return fs.existsSync(stackFile) ? readBlueGreen(fs.readFileSync(stackFile, "utf8")) : undefined;
}

const at = (d: Date) => d.toISOString().replace(/\.\d+Z$/, "Z");

/** The refusal of a step while the switch back is still possible. */
export function switchBackRefusal(bg: BlueGreen, stack: string, what: string): string {
    const idle = bg.idle!;
    return `${what}: the ${idle.colour} colour still runs ${idle.imageTag} at full size and the routes can move back to it until ${at(switchBackUntil(bg)!)} (release.scaleDownDelay ${bg.release.scaleDownDelay}). Roll back with \`capstan deploy ${stack} --rollback\`, wait for the window to end, or pass --force to give the switch back up.`;
}

async function confirmed(stack: string, opts: { yes: boolean; command: string }, io: DeployIo): Promise<boolean> {
    if (opts.yes) return true;
    const ok = io.interactive && /^y(es)?$/i.test((await io.ask(`\nApply to stack ${stack}? [y/N] `)).trim());
    if (!ok)
        io.stderr(
            `${opts.command}: not confirmed; nothing was changed.${io.interactive ? "" : " Pass --yes to run without a terminal."}\n`,
        );
    return ok;
}

/** A guarded, targeted update of a release step: preview with the pinned state, judge, confirm, update, write back. */
async function releaseUpdate(
    stack: DeployStack,
    session: Session,
    state: ReleaseState,
    tag: string,
    judge: (steps: PreviewStep[]) => OtherChange[],
    opts: StepOptions & { what: string; command: string; recover: string },
    io: DeployIo,
): Promise<number> {
    const pinned = PinnedConfig.pin(stack.stackFile, (text) => withReleaseState(text, state), tag);
    try {
        let steps: PreviewStep[];
        try {
            steps = await stack.preview(pinned.file);
        } catch (err) {
            io.stderr(
                `${opts.command}: the preview failed, nothing was changed:\n${String((err as Error).message)
                    .split("\n")
                    .slice(0, 12)
                    .join("\n")}\n`,
            );
            return EXIT.failed;
        }
        const changing = steps.filter(
            (s) => !["same", "read", "refresh"].includes(s.op) && s.type !== "pulumi:pulumi:Stack",
        );
        io.stdout(`Changes: ${changeSummary(steps)}\n`);
        for (const s of changing) io.stdout(`  ${s.op.padEnd(8)} ${s.type.split(":").pop()} ${urnName(s.urn)}\n`);
        const refused = judge(steps);
        if (refused.length && !opts.allowInfraChanges) {
            io.stderr(
                `\n${opts.command}: stopped: ${opts.what} would also change:\n${describeOtherChanges(refused)}\n`,
            );
            return EXIT.refused;
        }
        if (!(await confirmed(stack.name, opts, io))) return EXIT.refused;
        const started = Date.now();
        const lines = lineWriter(io.stdout);
        const outcome = await stack.up(
            pinned.file,
            [...new Set(changing.map((s) => s.urn))],
            lines.push,
            session.signal,
        );
        lines.flush();
        if (!outcome.ok) {
            reportFailure(stack.name, tag, outcome, await stack.serving(), session.cancelled(), io, opts.recover);
            return EXIT.failed;
        }
        pinned.writeBack();
        io.stdout(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s: ${opts.what}.\n`);
        return EXIT.ok;
    } finally {
        pinned.dispose();
    }
}

/** A deploy of `tag`: the idle colour runs it, as many pods as the active colour has now. */
export async function deployIdle(
    stack: DeployStack,
    session: Session,
    bg: BlueGreen,
    tag: string,
    opts: StepOptions,
    io: DeployIo,
    deps: BlueGreenDeps,
): Promise<number> {
    if (switchBackOpen(bg, deps.now()) && !opts.force) {
        io.stderr(`deploy: ${switchBackRefusal(bg, stack.name, `refusing to deploy ${tag}`)}\n`);
        return EXIT.refused;
    }
    const idle = otherColour(bg.active.colour);
    const replicas = await deps.replicas(stack.name, colourDeployment(bg.app, bg.active.colour));
    io.stdout(
        `Blue/green: the ${idle} colour goes to ${tag} with ${replicas} pods (as many as ${bg.active.colour}, which serves ${bg.active.imageTag}); the routes stay on ${bg.active.colour}.\n`,
    );
    const code = await releaseUpdate(
        stack,
        session,
        prepared(bg, tag, replicas),
        tag,
        (steps) => prepareRefusals(steps, bg, idle),
        {
            ...opts,
            what: `the ${idle} colour runs ${tag}`,
            command: "deploy",
            recover: `capstan deploy ${stack.name} ${tag}`,
        },
        io,
    );
    if (code !== EXIT.ok) return code;
    const up = blueGreenOf(stack.stackFile) as BlueGreen;
    const verdict = await verifyIdle(stack.name, up, io, deps);
    const later = `capstan release ${stack.name} switch`;
    if (verdict.outcome !== "passed") {
        io.stderr(
            `\ndeploy: the routes stay on ${bg.active.colour} (${bg.active.imageTag}): ${idle} (${tag}) ${verdict.why}.\n${idle} keeps running ${tag} behind ${bg.release.previewHosts.join(", ")}: deploy a fixed tag, or, once you are sure of it, move the routes anyway with: ${later}\n`,
        );
        return {
            failed: EXIT_CODES.failed,
            analysisFailed: EXIT_CODES.analysisFailed,
            paused: EXIT_CODES.inconclusive,
        }[verdict.outcome];
    }
    if (opts.noSwitch) {
        io.stdout(
            `${idle} is verified. Try it on ${bg.release.previewHosts.join(", ")}; then move the routes with: ${later}\n`,
        );
        return EXIT.ok;
    }
    return switchRoutes(stack, session, up, "deploy", { yes: true }, io, deps);
}

/** The switch (or the switch back): the routes move to the idle colour, once every pod of it is ready. */
export async function switchRoutes(
    stack: DeployStack,
    session: Session,
    bg: BlueGreen,
    command: string,
    opts: Pick<StepOptions, "yes">,
    io: DeployIo,
    deps: BlueGreenDeps,
): Promise<number> {
    if (!bg.idle) {
        io.stderr(
            `${command}: stack ${stack.name} has no idle colour to switch to: ${bg.active.colour} alone runs ${bg.active.imageTag}. Deploy a tag first (capstan deploy ${stack.name} <tag>).\n`,
        );
        return EXIT.refused;
    }
    const deployment = colourDeployment(bg.app, bg.idle.colour);
    const why = await deps.notReady(stack.name, deployment, bg.idle.replicas ?? 1);
    if (why) {
        io.stderr(
            `${command}: refusing to switch stack ${stack.name} to ${bg.idle.colour} (${bg.idle.imageTag}): its Deployment ${deployment} is not fully ready (${why}). Nothing was changed; see \`capstan status ${stack.name}\` and switch once it is.\n`,
        );
        return EXIT.refused;
    }
    io.stdout(
        `Switching stack ${stack.name}: the routes move from ${bg.active.colour} (${bg.active.imageTag}) to ${bg.idle.colour} (${bg.idle.imageTag}).\n`,
    );
    const code = await releaseUpdate(
        stack,
        session,
        switched(bg, deps.now()),
        bg.idle.imageTag,
        checkRouteSwitch,
        {
            ...opts,
            force: false,
            allowInfraChanges: false,
            what: `the routes go to ${bg.idle.colour}`,
            command,
            recover: `capstan release ${stack.name} switch`,
        },
        io,
    );
    if (code === EXIT.ok)
        io.stdout(
            `${bg.active.colour} stays at full size for ${bg.release.scaleDownDelay}: until then \`capstan deploy ${stack.name} --rollback\` moves the routes back; after it, \`capstan release ${stack.name} finish\` scales it down.\n`,
        );
    return code;
}

/** The finish: the idle colour's pods go, and the workers and cron follow the active colour's tag. */
export async function finishRelease(
    stack: DeployStack,
    session: Session,
    bg: BlueGreen,
    opts: StepOptions,
    io: DeployIo,
    deps: BlueGreenDeps,
): Promise<number> {
    if (!bg.idle && bg.active.imageTag === bg.imageTag && bg.active.replicas === undefined) {
        io.stdout(`Stack ${stack.name} has nothing to finish: ${bg.active.colour} alone runs ${bg.imageTag}.\n`);
        return EXIT.ok;
    }
    if (switchBackOpen(bg, deps.now()) && !opts.force) {
        io.stderr(`release: ${switchBackRefusal(bg, stack.name, "refusing to scale the old colour down")}\n`);
        return EXIT.refused;
    }
    const gone = bg.idle ? `the ${bg.idle.colour} colour (${bg.idle.imageTag}) scales down` : "nothing scales down";
    io.stdout(
        `Finishing the release on stack ${stack.name}: ${gone}; the workers and cron run ${bg.active.imageTag}.\n`,
    );
    return releaseUpdate(
        stack,
        session,
        finished(bg),
        bg.active.imageTag,
        (steps) => finishRefusals(steps, bg),
        {
            ...opts,
            what: `${gone}, and ${bg.active.colour} alone serves ${bg.active.imageTag}`,
            command: "release",
            recover: `capstan release ${stack.name} finish`,
        },
        io,
    );
}
