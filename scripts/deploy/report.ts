/**
 * The message of a failed update: its real cause, what the cluster serves now (read from it), and
 * the one command that recovers. Never the engine's raw error dump.
 */
import { causeOf, type Cause } from "./failure";
import { describeServing, type Serving } from "./serving";
import { urnName, type UpOutcome } from "./types";

export interface ReportIo {
    readonly stderr: (text: string) => void;
}

/** The one command (and what to do before it) that recovers from `cause`. */
export function recovery(cause: Cause, stack: string, tag: string, command = `capstan deploy ${stack} ${tag}`): string {
    switch (cause.kind) {
        case "lock":
            return `Wait for the other update to finish, then run: ${command}. If its process is gone (a stopped runner), clear its lock with \`pulumi cancel --stack ${stack}\` first.`;
        case "unreachable":
            return `When the API server answers again (kubectl get --raw /readyz), run: ${command}`;
        case "quota":
            return `Raise the namespace's quota (capstan:tenant.quota in the stack file, applied with pulumi up), or free what uses it, then run: ${command}`;
        case "migration":
            return `Read why with \`capstan logs ${stack} migration\`, fix it in a new image, and deploy that tag (or run: ${command} once the cause is gone).`;
        case "assets":
            return `Read why with \`capstan logs ${stack} assets\`; once the cause is gone (the bucket, its role, the image's asset folders), run: ${command}`;
        case "deadline":
            return `See what holds the rollout with \`capstan status ${stack}\`; once it is fixed, run: ${command}`;
        case "cancelled":
            return `To finish the deploy, run: ${command}`;
        default:
            return `See \`capstan status ${stack}\`, fix the cause, then run: ${command}`;
    }
}

/** Prints why the update failed, what serves, and how to recover. */
export function reportFailure(
    stack: string,
    tag: string,
    outcome: UpOutcome,
    serving: Serving | string,
    cancelledBySignal: boolean,
    io: ReportIo,
    command?: string,
): Cause {
    const found = causeOf(outcome, typeof serving === "string" ? [] : (serving.refused ?? []));
    const cause: Cause =
        cancelledBySignal && found.kind === "other"
            ? { ...found, kind: "cancelled", what: "the update was cancelled" }
            : found;
    io.stderr(`\ndeploy: the update of stack ${stack} to ${tag} failed: ${cause.what}.\n`);
    for (const f of outcome.failures.filter((f) => f.message))
        io.stderr(`  failed: ${f.type} ${urnName(f.urn)}: ${firstLine(f.message)}\n`);
    if (outcome.failures.every((f) => !f.message)) for (const e of cause.evidence) io.stderr(`  ${e}\n`);
    io.stderr(
        typeof serving === "string"
            ? `What serves could not be read: ${serving}.\n`
            : `Serving now, read from the cluster: ${describeServing(serving)}.\n`,
    );
    for (const p of typeof serving === "string" ? [] : (serving.pending ?? [])) io.stderr(`  Pending: ${p}\n`);
    for (const r of typeof serving === "string" ? [] : (serving.refused ?? [])) io.stderr(`  Refused: ${r}\n`);
    io.stderr("The stack file was not changed.\n");
    io.stderr(`${recovery(cause, stack, tag, command)}\n`);
    return cause;
}

function firstLine(text: string): string {
    const lines = text
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
    return lines.length > 3 ? `${lines.slice(0, 3).join(" ")} ...` : lines.join(" ");
}
