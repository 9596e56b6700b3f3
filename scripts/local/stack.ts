/**
 * The local stack through the real Pulumi CLI (the toolchain's, on PATH) and the Automation API,
 * with index.ts run inline as `capstan deploy` runs it: its first update, and its destruction.
 * The caller sets the environment first (site.ts, `localEnv`): backend, passphrase, kubeconfig.
 */
import type { OpMap, Stack } from "@pulumi/pulumi/automation";
import { loadProgram } from "../cli/program";
import type { LocalSite } from "./site";

export const LOCAL_STACK = "local";

async function openStack(site: LocalSite, projectDir: string): Promise<Stack> {
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    const program = loadProgram(projectDir);
    return LocalWorkspace.createOrSelectStack(
        { stackName: LOCAL_STACK, projectName: "capstan", program: () => program() },
        { workDir: site.projectDir, secretsProvider: "passphrase" },
    );
}

/** The operations of an update but `same`, e.g. `create 27`; "no changes" when there were none. */
export function changeSummary(changes: OpMap | undefined): string {
    const ops = Object.entries(changes ?? {}).filter(([op, n]) => op !== "same" && (n ?? 0) > 0);
    return ops.length > 0 ? ops.map(([op, n]) => `${op} ${n}`).join(", ") : "no changes";
}

/**
 * Creates (or selects) the local stack in the site's backend, sets `secrets` (config path to
 * value) as secrets, and updates it; the engine's output goes to `log`. Gives the stack's outputs.
 */
export async function upLocalStack(
    site: LocalSite,
    projectDir: string,
    secrets: Readonly<Record<string, string>>,
    log: (text: string) => void,
): Promise<{ changes: string; outputs: Record<string, unknown> }> {
    const stack = await openStack(site, projectDir);
    for (const [key, value] of Object.entries(secrets)) await stack.setConfig(key, { value, secret: true }, true);
    const result = await stack.up({ onOutput: log });
    const outputs = Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, v.value as unknown]));
    return { changes: changeSummary(result.summary.resourceChanges), outputs };
}

/** Whether the site's backend holds the local stack. */
export async function hasLocalStack(site: LocalSite): Promise<boolean> {
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    const ws = await LocalWorkspace.create({ workDir: site.projectDir });
    return (await ws.listStacks()).some((s) => s.name === LOCAL_STACK);
}

/** Destroys the local stack's resources and removes the stack from the backend; gives what it destroyed. */
export async function destroyLocalStack(
    site: LocalSite,
    projectDir: string,
    log: (text: string) => void,
): Promise<string> {
    const stack = await openStack(site, projectDir);
    const result = await stack.destroy({ onOutput: log });
    await stack.workspace.removeStack(LOCAL_STACK);
    return changeSummary(result.summary.resourceChanges);
}
