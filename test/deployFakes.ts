/**
 * A deploy backend for the tests of the commands that run guarded updates (the canary steps, the
 * canary run): one stack, on a real stack file, that runs `deployedTag` and has nothing to settle:
 * no lock, no pending operation, no hand change. The test supplies the preview and the update.
 */
import * as path from "path";
import type { DeployBackend, DeployStack } from "../scripts/deploy/types";

export interface QuietStack {
    /** The folder of the deploy lock. */
    readonly dir: string;
    readonly stackFile: string;
    readonly deployedTag: string;
    readonly preview: DeployStack["preview"];
    readonly up: DeployStack["up"];
}

export function quietBackend(s: QuietStack): DeployBackend {
    return {
        cliAvailable: () => true,
        stacks: async () => [path.basename(s.stackFile).replace(/^Pulumi\.|\.yaml$/g, "")],
        lockDir: () => path.join(s.dir, "locks"),
        open: async (name) => ({
            name,
            stackFile: s.stackFile,
            facts: async () => ({ deployedTag: s.deployedTag, pending: [] }),
            lockHolders: () => [],
            removeLock: () => undefined,
            settlePending: async () => [],
            removeOrphan: async () => "",
            drift: async () => [],
            serving: async () => ({ tags: [{ tag: s.deployedTag, ready: 2 }], notReady: 0, deployment: "ns/web" }),
            preview: s.preview,
            up: s.up,
            history: async () => [],
        }),
    };
}
