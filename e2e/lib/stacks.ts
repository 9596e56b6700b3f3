/**
 * Stacks of the suite: stack files in the suite's own project folder (copies, edited as a person
 * edits them), operated by the real CLI through the Automation API's inline mode with index.ts as
 * the program, the way `npm run deploy` runs it.
 */
import * as fs from "fs";
import * as path from "path";
import type { EngineEvent, OpMap, Stack } from "@pulumi/pulumi/automation";
import YAML from "yaml";
import type { Program } from "../../scripts/render/engine";
import { loadProgram } from "../../scripts/cli/program";
import { REPO } from "./env";

let program: Program | undefined;

/** index.ts, loaded once, as the CLI's language host would load it. */
function capstan(): Program {
    program ??= loadProgram(REPO);
    return program;
}

/** One resource step the engine reported. */
export interface Step {
    readonly op: string;
    readonly urn: string;
    readonly type: string;
    readonly diffs?: readonly string[];
}

/** What one CLI operation did: its steps, its error diagnostics, the output, and its error if it failed. */
export interface Outcome {
    readonly ok: boolean;
    readonly steps: Step[];
    readonly errors: { urn?: string; message: string }[];
    /** The warnings the program and the engine reported. */
    readonly warnings: string[];
    readonly changes?: OpMap;
    readonly output: string;
    readonly error?: string;
}

function recorder() {
    const steps: Step[] = [];
    const errors: { urn?: string; message: string }[] = [];
    const warnings: string[] = [];
    let output = "";
    return {
        steps,
        errors,
        warnings,
        output: () => output,
        onOutput: (t: string) => (output += t),
        onEvent: (e: EngineEvent) => {
            const m = e.resourcePreEvent?.metadata;
            if (m)
                steps.push({
                    op: m.op,
                    urn: m.urn,
                    type: m.type,
                    diffs: m.detailedDiff ? Object.keys(m.detailedDiff) : m.diffs,
                });
            const d = e.diagnosticEvent;
            if (d && d.severity === "error") errors.push({ urn: d.urn || undefined, message: d.message.trim() });
            if (d && d.severity === "warning") warnings.push(d.message.trim());
        },
    };
}

/** Runs one CLI operation with a fresh recorder; a failed operation is an Outcome, not a throw. */
async function operate(
    op: (events: { onEvent: (e: EngineEvent) => void; onOutput: (t: string) => void }) => Promise<OpMap | undefined>,
): Promise<Outcome> {
    const r = recorder();
    const seen = { steps: r.steps, errors: r.errors, warnings: r.warnings };
    try {
        const changes = await op({ onEvent: r.onEvent, onOutput: r.onOutput });
        return { ok: true, ...seen, changes, output: r.output() };
    } catch (err) {
        return { ok: false, ...seen, output: r.output(), error: (err as Error).message };
    }
}

export class SuiteStack {
    private constructor(
        readonly name: string,
        readonly file: string,
        readonly stack: Stack,
    ) {}

    /** Writes `Pulumi.<name>.yaml` into the stack folder and creates (or selects) the stack. */
    static async create(stackDir: string, name: string, fileText: string): Promise<SuiteStack> {
        const file = path.join(stackDir, `Pulumi.${name}.yaml`);
        fs.writeFileSync(file, fileText);
        const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
        const run = capstan();
        const stack = await LocalWorkspace.createOrSelectStack(
            { stackName: name, projectName: "capstan", program: () => run() },
            { workDir: stackDir, secretsProvider: "passphrase" },
        );
        return new SuiteStack(name, file, stack);
    }

    /** Edits the stack file as YAML (`config` keys such as `capstan:app`), keeping everything else. */
    edit(change: (config: YAML.YAMLMap) => void): void {
        const doc = YAML.parseDocument(fs.readFileSync(this.file, "utf8"));
        change(doc.get("config") as YAML.YAMLMap);
        fs.writeFileSync(this.file, String(doc));
    }

    /** A value of the stack file, at a path below `config`. */
    read(pathBelowConfig: readonly (string | number)[]): unknown {
        const doc = YAML.parseDocument(fs.readFileSync(this.file, "utf8"));
        const v = doc.getIn(["config", ...pathBelowConfig]);
        return YAML.isNode(v) ? v.toJSON() : v;
    }

    up(policyPacks: string[] = []): Promise<Outcome> {
        return operate((events) => this.stack.up({ ...events, policyPacks }).then((r) => r.summary.resourceChanges));
    }

    preview(policyPacks: string[] = []): Promise<Outcome> {
        return operate((events) =>
            this.stack.preview({ ...events, policyPacks, diff: true }).then((r) => r.changeSummary),
        );
    }

    refresh(): Promise<Outcome> {
        return operate((events) => this.stack.refresh(events).then((r) => r.summary.resourceChanges));
    }

    destroy(): Promise<Outcome> {
        return operate((events) => this.stack.destroy(events).then((r) => r.summary.resourceChanges));
    }

    async outputs(): Promise<Record<string, unknown>> {
        const out = await this.stack.outputs();
        return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.value as unknown]));
    }

    /** The Kubernetes objects in the stack's state, as `{apiVersion, kind, metadata: {name, namespace}}`. */
    async kubernetesObjects(): Promise<
        {
            urn: string;
            protect: boolean;
            object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
        }[]
    > {
        const state = await this.stack.exportStack();
        const resources = (state.deployment as { resources?: StateResource[] }).resources ?? [];
        return resources
            .filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers:"))
            .filter((r) => r.outputs?.apiVersion && r.outputs.kind && r.outputs.metadata?.name)
            .map((r) => ({
                urn: r.urn,
                protect: r.protect === true,
                object: {
                    apiVersion: r.outputs!.apiVersion!,
                    kind: r.outputs!.kind!,
                    metadata: { name: r.outputs!.metadata!.name!, namespace: r.outputs!.metadata!.namespace },
                },
            }));
    }
}

interface StateResource {
    urn: string;
    type: string;
    custom?: boolean;
    protect?: boolean;
    outputs?: { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } };
}

/** Counts of an operation's changes, e.g. "create 27" or "same 27": everything but `same`. */
export function changedOps(changes: OpMap | undefined): Record<string, number> {
    return Object.fromEntries(Object.entries(changes ?? {}).filter(([op, n]) => op !== "same" && (n ?? 0) > 0));
}
