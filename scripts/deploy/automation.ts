/**
 * The real DeployBackend: the Pulumi CLI through the Automation API, running this project's program
 * inline. Loaded only once the CLI is known to be installed.
 */
import * as fs from "fs";
import * as path from "path";
import type { EngineEvent, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import YAML from "yaml";
import { loadProgram, type Program } from "../cli/program";
import { stackFilePath } from "../cli/stackfile";
import { onPath } from "../cli/tools";
import { targetFromOutputs, type StackTarget } from "../cli/target";
import { describeDrift, readDrift } from "./drift";
import { fileBackendDir, pulumiLocks, removePulumiLock, type Holder } from "./locks";
import { removeOrphanObject } from "./orphans";
import { IMAGE_TAG_KEY } from "./pinned";
import { compiledPolicyPack } from "./policyPack";
import { readServing, type Serving } from "./serving";
import type {
    DeployBackend,
    DeployStack,
    FailedResource,
    HistoryEntry,
    PendingOperation,
    PreviewStep,
    StackFacts,
    UpOutcome,
} from "./types";

export { IMAGE_TAG_KEY, PREVIOUS_IMAGE_TAG_KEY } from "./pinned";

/**
 * How many resource operations the deploy's preview and update run at once. The CLI's default is
 * four per core, but a deploy's operations mostly wait: for the migration, then for every
 * workload's rollout. At four per core, 200 workloads on two cores roll eight at a time.
 */
export const DEPLOY_PARALLEL = 64;

/** The first `pulumi` executable on PATH, if any. */
export function findPulumiCli(env: NodeJS.ProcessEnv = process.env): string | undefined {
    return onPath("pulumi", env);
}

function stepOf(event: EngineEvent): PreviewStep | undefined {
    const m = event.resourcePreEvent?.metadata;
    if (!m) return undefined;
    return {
        op: m.op,
        urn: m.urn,
        type: m.type,
        oldInputs: m.old?.inputs,
        newInputs: m.new?.inputs,
        diffKeys: m.detailedDiff ? Object.keys(m.detailedDiff) : m.diffs,
    };
}

/** The stack's current image tag (or another plain key), read without decrypting anything: no passphrase needed. */
export async function currentImageTag(
    stack: Pick<Stack, "getConfig">,
    key = IMAGE_TAG_KEY,
): Promise<string | undefined> {
    try {
        return (await stack.getConfig(key)).value || undefined;
    } catch (err) {
        // `pulumi config get` fails for a key the stack does not set.
        if (/not found/i.test((err as Error).message)) return undefined;
        throw err;
    }
}

/** The stack's update history, read without decrypting anything: the tag is plain config. */
export async function updateHistory(stack: Pick<Stack, "history">): Promise<HistoryEntry[]> {
    const entries = await stack.history(undefined, undefined, false);
    return entries.map((h) => ({
        version: h.version,
        kind: h.kind,
        result: h.result,
        imageTag: h.config?.[IMAGE_TAG_KEY]?.value,
        startTime: h.startTime ? new Date(h.startTime).toISOString() : undefined,
    }));
}

/** The root stack resource's outputs and the pending operations of an exported state. */
export function factsFromState(deployment: unknown): Pick<StackFacts, "deployedTag" | "pending"> {
    const d = (deployment ?? {}) as {
        resources?: { type?: string; outputs?: Record<string, unknown> }[];
        pending_operations?: {
            type?: string;
            resource?: { urn?: string; type?: string; inputs?: Record<string, unknown> };
        }[];
    };
    const root = (d.resources ?? []).find((r) => r.type === "pulumi:pulumi:Stack");
    const tag = root?.outputs?.imageTag;
    const pending = (d.pending_operations ?? []).map((op) => {
        const r = op.resource ?? {};
        const meta = (r.inputs?.metadata ?? {}) as { name?: unknown; namespace?: unknown };
        const kind = r.inputs?.kind;
        const object =
            r.type?.startsWith("kubernetes:") && typeof kind === "string" && typeof meta.name === "string"
                ? {
                      kind,
                      name: meta.name,
                      ...(typeof meta.namespace === "string" ? { namespace: meta.namespace } : {}),
                  }
                : undefined;
        return { type: op.type ?? "unknown", urn: r.urn ?? "", ...(object ? { object } : {}) };
    });
    return { deployedTag: typeof tag === "string" && tag ? tag : undefined, pending };
}

/** The signature of a secret value in an exported state, whose `plaintext` is the value as JSON. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** A value of an exported state (with --show-secrets) with its secrets unwrapped to their values. */
export function plainValue(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(plainValue);
    if (typeof v !== "object" || v === null) return v;
    const o = v as Record<string, unknown>;
    if (SECRET_SIG in o) return typeof o.plaintext === "string" ? plainValue(JSON.parse(o.plaintext)) : undefined;
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, plainValue(x)]));
}

/** The outputs of the root stack resource of an exported state, as `pulumi stack output --show-secrets` gives them. */
export function outputsFromState(deployment: unknown): Record<string, unknown> {
    const resources = (deployment as { resources?: { type?: string; outputs?: Record<string, unknown> }[] } | undefined)
        ?.resources;
    const root = (resources ?? []).find((r) => r.type === "pulumi:pulumi:Stack");
    return plainValue(root?.outputs ?? {}) as Record<string, unknown>;
}

class AutomationStack implements DeployStack {
    /** The stack's outputs as the last export of its state read them; cleared by anything that writes the state. */
    private outputs: Record<string, unknown> | undefined;

    constructor(
        readonly name: string,
        readonly stackFile: string,
        private readonly stack: Stack,
        /** The policy packs the preview runs: built (once per content) when it starts. */
        private readonly policyPacks: () => string[],
        private readonly backendDir: string | undefined,
    ) {}

    async facts(): Promise<StackFacts> {
        const [state, history] = await Promise.all([this.stack.exportStack(), this.history()]);
        this.outputs = outputsFromState(state.deployment);
        return { ...factsFromState(state.deployment), lastUpdate: history.find((h) => h.kind === "update") };
    }

    lockHolders(): Holder[] {
        return this.backendDir ? pulumiLocks(this.backendDir, "capstan", this.name) : [];
    }

    removeLock(holder: Holder): void {
        removePulumiLock(holder.file);
    }

    async settlePending(pending: readonly PendingOperation[]): Promise<string[]> {
        this.outputs = undefined;
        const state = await this.stack.exportStack();
        const known = new Set(
            ((state.deployment as { resources?: { urn: string }[] }).resources ?? []).map((r) => r.urn),
        );
        // Only what the dead update was working on is read back; the root is there so the target list is never empty.
        const settled = [...new Set(pending.map((p) => p.urn).filter((u) => known.has(u)))];
        const res = await this.stack.refresh({
            target: [...settled, rootStackUrn(this.name)],
            clearPendingCreates: true,
            parallel: DEPLOY_PARALLEL,
        });
        const changes = Object.entries(res.summary.resourceChanges ?? {})
            .filter(([op, n]) => op !== "same" && (n ?? 0) > 0)
            .map(([op, n]) => `${op} ${n}`);
        return [
            `refreshed ${settled.length} resource(s) from the cluster${changes.length ? ` (${changes.join(", ")})` : ""}`,
        ];
    }

    /** Where the stack runs, from its outputs. */
    private async target(): Promise<StackTarget> {
        // The export that facts() read has them: no two more CLI runs of `pulumi stack output`.
        if (!this.outputs) {
            const out = await this.stack.outputs();
            this.outputs = Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.value as unknown]));
        }
        return targetFromOutputs(this.name, this.outputs);
    }

    async serving(): Promise<Serving | string> {
        try {
            return await readServing(await this.target());
        } catch (err) {
            return `the stack's outputs name no cluster to read (${firstLine(err)})`;
        }
    }

    async drift(): Promise<string[] | string> {
        try {
            const found = await readDrift(await this.target());
            return typeof found === "string" ? found : found.map(describeDrift);
        } catch (err) {
            return `the stack's outputs name no cluster to read (${firstLine(err)})`;
        }
    }

    async removeOrphan(op: PendingOperation): Promise<string> {
        return removeOrphanObject(await this.target(), op);
    }

    async preview(configFile: string): Promise<PreviewStep[]> {
        const steps: PreviewStep[] = [];
        await this.stack.preview({
            diff: true,
            parallel: DEPLOY_PARALLEL,
            policyPacks: this.policyPacks(),
            configFile,
            onEvent: (e) => {
                const s = stepOf(e);
                if (s) steps.push(s);
            },
        });
        return steps;
    }

    async up(
        configFile: string,
        targets: readonly string[],
        onOutput: (chunk: string) => void,
        signal?: AbortSignal,
        opts: { stateAtEnd?: boolean } = {},
    ): Promise<UpOutcome> {
        // The update writes new outputs: what is read after it comes from the state again.
        this.outputs = undefined;
        const failures: FailedResource[] = [];
        const errors = new Map<string, string>();
        const general: string[] = [];
        const env = this.stack.workspace.envVars;
        const added = updateEnv(opts.stateAtEnd === true, { ...process.env, ...env });
        Object.assign(env, added);
        try {
            // The policy pack judged this change in the preview: the update runs the same program
            // with the same pinned config right after it, without starting the pack again.
            // Only what the preview showed changing: the engine then skips the provider's diff of
            // every other resource (most of a stack), and nothing outside the guard's verdict can change.
            await this.stack.up({
                // The root stack resource too: without it a targeted update leaves the stack's
                // outputs (the deployed imageTag among them) as the last full update wrote them.
                target: [...targets, rootStackUrn(this.name)],
                parallel: DEPLOY_PARALLEL,
                configFile,
                signal,
                onOutput,
                onEvent: (e) => {
                    const d = e.diagnosticEvent;
                    if (d?.severity === "error") {
                        if (d.urn) errors.set(d.urn, `${errors.get(d.urn) ?? ""}${d.message}`.trim());
                        else general.push(d.message.trim());
                    }
                    const failed = e.resOpFailedEvent?.metadata;
                    if (failed) failures.push({ urn: failed.urn, type: failed.type, message: "" });
                },
            });
            return { ok: true, failures: [] };
        } catch (err) {
            // Resources the engine reported errors for, whether or not a failure event named them.
            for (const [urn, message] of errors) {
                const known = failures.find((f) => f.urn === urn);
                if (known) failures.splice(failures.indexOf(known), 1, { ...known, message });
                else failures.push({ urn, type: urn.split("::")[2] ?? "", message });
            }
            const error = [...general, (err as Error).message].join("\n");
            return { ok: false, failures: failures.filter((f) => !isRootStack(f.urn) || f.message), error };
        } finally {
            for (const key of Object.keys(added)) delete env[key];
        }
    }

    history(): Promise<HistoryEntry[]> {
        return updateHistory(this.stack);
    }
}

/**
 * The environment an update adds to the CLI's. With `stateAtEnd`, PULUMI_SKIP_CHECKPOINTS: the file
 * backend otherwise serializes, hashes and writes the whole state twice per step (before and
 * after), one write at a time, and every step waits for its write: at 200 workloads that is most
 * of the CLI's CPU and of the update's time. The state is still written when the update ends, also
 * when it fails or is cancelled. A value the environment already sets is left as it is.
 */
export function updateEnv(stateAtEnd: boolean, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
    return stateAtEnd && env.PULUMI_SKIP_CHECKPOINTS === undefined ? { PULUMI_SKIP_CHECKPOINTS: "true" } : {};
}

/** The URN of the stack's root resource, which holds its outputs. */
export const rootStackUrn = (stack: string) => `urn:pulumi:${stack}::capstan::pulumi:pulumi:Stack::capstan-${stack}`;

const isRootStack = (urn: string) => urn.includes("::pulumi:pulumi:Stack::");
const firstLine = (err: unknown) => String((err as Error).message ?? err).split("\n")[0];

/**
 * The deploy's backend: the Automation API's inline mode. The program (index.ts, loaded as the
 * language host would) runs inside this process, which serves the CLI as its language runtime, so
 * the CLI needs no Node.js language host and the program is not type-checked again (`npm test`
 * does that). The CLI reads `Pulumi.yaml` from `stackDir`, the project directory or
 * `CAPSTAN_STACK_DIR` for stack files kept elsewhere; the stack's config comes from the pinned copy
 * the deploy passes it.
 */
export function automationBackend(
    projectDir: string,
    stackDir: string = process.env.CAPSTAN_STACK_DIR ?? projectDir,
): DeployBackend {
    const workDir = path.resolve(stackDir);
    const backendDir = () => fileBackendDir(process.env.PULUMI_BACKEND_URL ?? projectBackendUrl(workDir));
    // One workspace for the listing and the stack: one `pulumi version` run, not one each. The
    // program is loaded when the preview first runs it: a deploy refused by the lock never loads it.
    let program: Program | undefined;
    let workspace: Promise<LocalWorkspace> | undefined;
    const ws = async () => {
        const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
        workspace ??= LocalWorkspace.create({
            workDir,
            program: () => {
                program ??= loadProgram(projectDir);
                return program();
            },
        });
        return workspace;
    };
    return {
        cliAvailable: () => findPulumiCli() !== undefined,
        async stacks(): Promise<string[]> {
            return (await (await ws()).listStacks()).map((s) => s.name);
        },
        async open(stackName: string): Promise<DeployStack> {
            const { Stack } = await import("@pulumi/pulumi/automation");
            const stack = await Stack.select(stackName, await ws());
            let dir = backendDir();
            if (!dir && !process.env.PULUMI_BACKEND_URL) dir = fileBackendDir((await stack.workspace.whoAmI()).url);
            return new AutomationStack(
                stackName,
                stackFilePath(workDir, stackName),
                stack,
                () => [compiledPolicyPack(projectDir)],
                dir,
            );
        },
        lockDir: () => {
            const dir = backendDir();
            return dir ? path.join(dir, ".capstan", "deploys", "capstan") : path.join(workDir, ".capstan", "deploys");
        },
    };
}

/** The `backend.url` of the project file, if it sets one. */
function projectBackendUrl(dir: string): string | undefined {
    try {
        const doc = YAML.parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as {
            backend?: { url?: unknown };
        } | null;
        return typeof doc?.backend?.url === "string" ? doc.backend.url : undefined;
    } catch {
        return undefined;
    }
}
