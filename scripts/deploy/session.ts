/**
 * What every guarded update (a deploy, a canary step) does before it previews: it takes the
 * stack's deploy lock, so a second one is refused at once naming the first; it checks the
 * backend's own update lock; and it settles what a dead update left behind (a stale lock, pending
 * operations, a half-run migration Job), saying each thing it does. It also turns SIGINT and
 * SIGTERM into the engine's graceful cancel.
 */
import { OpsError } from "../cli/target";
import { describeHolder, DeployLock } from "./locks";
import { EXIT, urnName, type DeployBackend, type DeployStack, type PendingOperation, type StackFacts } from "./types";

export interface SessionIo {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
}

export interface Session {
    readonly lock: DeployLock;
    readonly facts: StackFacts;
    /** Aborted on SIGINT or SIGTERM: the update passes it to the CLI, which cancels gracefully. */
    readonly signal: AbortSignal;
    /** Whether a signal asked to cancel. */
    cancelled(): boolean;
    /** Releases the lock and the signal handlers. */
    end(): void;
}

function describePending(p: PendingOperation): string {
    return `${p.type} ${p.urn.split("::")[2]?.split("$").pop() ?? ""} ${urnName(p.urn)}`;
}

/** Settles a dead update's pending operations; the lines of what was done. */
async function settle(stack: DeployStack, pending: readonly PendingOperation[]): Promise<string[]> {
    const done: string[] = [];
    for (const op of pending.filter((p) => p.type === "creating")) done.push(await stack.removeOrphan(op));
    done.push(...(await stack.settlePending(pending)));
    return done;
}

/** Refuses when a live process holds the backend's update lock; removes a lock whose holder is gone. */
function checkBackendLock(stack: DeployStack, command: string, io: SessionIo): boolean {
    for (const h of stack.lockHolders()) {
        if (h.stale) {
            stack.removeLock(h);
            io.stdout(
                `Removed the stack's update lock left by ${describeHolder(h)}: that process no longer exists on this host.\n`,
            );
            continue;
        }
        io.stderr(
            `${command}: stack ${stack.name} is locked by another update: ${describeHolder(h)}.\nNothing was changed. Wait for it to finish and run this again. If that process is gone (its machine or runner was stopped), remove its lock with: pulumi cancel --stack ${stack.name}\n`,
        );
        return false;
    }
    return true;
}

/** Turns SIGINT and SIGTERM into an abort of the update (a second one is left to the CLI, which then stops at once). */
function cancelOnSignals(io: SessionIo): { signal: AbortSignal; cancelled: () => boolean; off: () => void } {
    const controller = new AbortController();
    let cancelledBySignal = false;
    const onSignal = (name: NodeJS.Signals) => {
        if (controller.signal.aborted) return;
        io.stderr(
            `\nReceived ${name}: cancelling the update. Steps in flight finish and the state is written; the old version keeps serving.\n`,
        );
        // On a terminal, Ctrl-C reaches the CLI too (same process group); forward it only when it did not.
        cancelledBySignal = true;
        if (!(name === "SIGINT" && process.stdin.isTTY)) controller.abort();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    return {
        signal: controller.signal,
        cancelled: () => cancelledBySignal,
        off: () => {
            process.off("SIGINT", onSignal);
            process.off("SIGTERM", onSignal);
        },
    };
}

/**
 * Begins a guarded update of `stack`, or returns the exit code of a refusal (with its message
 * printed). `doing` says what the lock's holder does, for the message a second deploy prints.
 */
export async function beginUpdate(
    backend: DeployBackend,
    stack: DeployStack,
    command: string,
    doing: string,
    io: SessionIo,
): Promise<Session | number> {
    const taken = DeployLock.take(backend.lockDir(), stack.name, doing);
    if ("heldBy" in taken) {
        io.stderr(
            `${command}: stack ${stack.name} is being deployed by ${describeHolder(taken.heldBy)}.\nNothing was changed. Run this again when it has finished.\n`,
        );
        return EXIT.refused;
    }
    const { lock, cleared } = taken;
    if (cleared)
        io.stdout(
            `Removed the deploy lock left by ${describeHolder(cleared)}: that process no longer exists on this host.\n`,
        );
    const fail = (code: number) => {
        lock.release();
        return code;
    };
    if (!checkBackendLock(stack, command, io)) return fail(EXIT.refused);
    let facts = await stack.facts();
    if (facts.pending.length) {
        io.stdout(
            `The last update of stack ${stack.name} stopped before it finished (its process died) while:\n${facts.pending.map((p) => `  ${describePending(p)}`).join("\n")}\n`,
        );
        try {
            for (const line of await settle(stack, facts.pending)) io.stdout(`  ${line}\n`);
        } catch (err) {
            io.stderr(`${command}: ${(err as Error).message}\n`);
            return fail(err instanceof OpsError ? err.exitCode : EXIT.failed);
        }
        facts = await stack.facts();
    }
    const signals = cancelOnSignals(io);
    return {
        lock,
        facts,
        signal: signals.signal,
        cancelled: signals.cancelled,
        end: () => {
            signals.off();
            lock.release();
        },
    };
}
