/**
 * What the stack's own last update left: its outputs, read through the engine's stack-reference
 * invoke (no resource is declared). A stack's first update, or a backend that cannot answer, reads
 * nothing.
 */
import * as pulumi from "@pulumi/pulumi";

/** The engine's built-in invoke behind StackReference. */
export const READ_STACK_OUTPUTS = "pulumi:pulumi:readStackOutputs";

export interface RunningTags {
    /** The `imageTag` output of the last update. */
    readonly imageTag?: string;
    /** Its `imageTagHistory` output: the tags before it, newest first (the running one first). */
    readonly history: readonly string[];
}

/** The image tags of this stack's last update. */
export async function runningImageTags(): Promise<RunningTags> {
    const name = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
    try {
        const result: unknown = await pulumi.runtime.invoke(READ_STACK_OUTPUTS, { name }, {});
        const outputs = (result as { outputs?: Record<string, unknown> }).outputs ?? {};
        const history = Array.isArray(outputs.imageTagHistory)
            ? outputs.imageTagHistory.filter((t): t is string => typeof t === "string")
            : [];
        return { imageTag: typeof outputs.imageTag === "string" ? outputs.imageTag : undefined, history };
    } catch (err) {
        await pulumi.log.info(
            `capstan: the running image tag could not be read (${(err as Error).message.split("\n")[0]})`,
        );
        return { history: [] };
    }
}
