/**
 * The real DeployBackend: the Pulumi CLI through the Automation API, running this project's program
 * inline. Loaded only once the CLI is known to be installed.
 */
import * as fs from "fs";
import * as path from "path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { loadProgram } from "../cli/program";
import type { DeployBackend, DeployStack, FailedResource, HistoryEntry, PreviewStep, UpOutcome } from "./types";

export const IMAGE_TAG_KEY = "capstan:imageTag";

/**
 * How many resource operations the deploy's preview and update run at once. The CLI's default is
 * four per core, but a deploy's operations mostly wait: for the migration, then for every
 * workload's rollout. At four per core, 200 workloads on two cores roll eight at a time.
 */
export const DEPLOY_PARALLEL = 64;

/** The first `pulumi` executable on PATH, if any. */
export function findPulumiCli(env: NodeJS.ProcessEnv = process.env): string | undefined {
    const names = process.platform === "win32" ? ["pulumi.exe", "pulumi.cmd"] : ["pulumi"];
    for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
        for (const name of names) {
            const file = path.join(dir, name);
            try {
                fs.accessSync(file, fs.constants.X_OK);
                if (fs.statSync(file).isFile()) return file;
            } catch {
                // not here
            }
        }
    }
    return undefined;
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

/** The stack's current image tag, read without decrypting anything: no passphrase needed. */
export async function currentImageTag(stack: Pick<Stack, "getConfig">): Promise<string | undefined> {
    try {
        return (await stack.getConfig(IMAGE_TAG_KEY)).value;
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

class AutomationStack implements DeployStack {
    constructor(
        readonly name: string,
        private readonly stack: Stack,
        private readonly policyPacks: string[],
    ) {}

    imageTag(): Promise<string | undefined> {
        return currentImageTag(this.stack);
    }

    async setImageTag(tag: string): Promise<void> {
        await this.stack.setConfig(IMAGE_TAG_KEY, { value: tag });
    }

    async preview(): Promise<PreviewStep[]> {
        const steps: PreviewStep[] = [];
        await this.stack.preview({
            diff: true,
            parallel: DEPLOY_PARALLEL,
            policyPacks: this.policyPacks,
            onEvent: (e) => {
                const s = stepOf(e);
                if (s) steps.push(s);
            },
        });
        return steps;
    }

    async up(targets: readonly string[], onOutput: (chunk: string) => void): Promise<UpOutcome> {
        const failures: FailedResource[] = [];
        const errors = new Map<string, string>();
        try {
            // The policy pack judged this change in the preview: the update runs the same program
            // with the same config right after it, without starting the pack (and type-checking
            // it) a second time.
            // Only what the preview showed changing: the engine then skips the provider's diff of
            // every other resource (most of a stack), and nothing outside the guard's verdict can change.
            await this.stack.up({
                target: [...targets],
                parallel: DEPLOY_PARALLEL,
                onOutput,
                onEvent: (e) => {
                    const d = e.diagnosticEvent;
                    if (d?.urn && d.severity === "error")
                        errors.set(d.urn, `${errors.get(d.urn) ?? ""}${d.message}`.trim());
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
            return { ok: false, failures, error: (err as Error).message };
        }
    }

    history(): Promise<HistoryEntry[]> {
        return updateHistory(this.stack);
    }
}

/**
 * The deploy's backend: the Automation API's inline mode. The program (index.ts, loaded as the
 * language host would) runs inside this process, which serves the CLI as its language runtime, so
 * the CLI needs no Node.js language host and the program is not type-checked again (`npm test`
 * does that). The CLI reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` from `stackDir`: the project
 * directory, or `CAPSTAN_STACK_DIR` for stack files kept elsewhere.
 */
export function automationBackend(
    projectDir: string,
    stackDir: string = process.env.CAPSTAN_STACK_DIR ?? projectDir,
): DeployBackend {
    return {
        cliAvailable: () => findPulumiCli() !== undefined,
        async open(stackName: string): Promise<DeployStack> {
            const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
            const program = loadProgram(projectDir);
            const stack = await LocalWorkspace.selectStack(
                { stackName, projectName: "capstan", program: () => program() },
                { workDir: path.resolve(stackDir) },
            );
            return new AutomationStack(stackName, stack, [path.join(projectDir, "policy")]);
        },
    };
}
