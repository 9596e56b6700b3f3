import { describe, expect, it } from "vitest";
import { outputsFromState, plainValue, updateEnv } from "../../../scripts/deploy/automation";

const SIG = "4dabf18193072939515e22adb298388d";
const secret = (v: unknown) => ({ [SIG]: "1b47061264138c4ac30d75fd1eb44270", plaintext: JSON.stringify(v) });

describe("the stack's outputs read from its exported state", () => {
    it("are the root resource's outputs, with every secret unwrapped to its value, nested ones too", () => {
        const deployment = {
            resources: [
                { type: "pulumi:providers:kubernetes", outputs: { namespace: "other" } },
                {
                    type: "pulumi:pulumi:Stack",
                    outputs: {
                        namespace: "app",
                        kubeconfig: secret("apiVersion: v1\nkind: Config\n"),
                        app: { name: "phraseapp", workers: ["a", "b"], token: secret({ nested: secret(7) }) },
                    },
                },
            ],
        };
        expect(outputsFromState(deployment)).toEqual({
            namespace: "app",
            kubeconfig: "apiVersion: v1\nkind: Config\n",
            app: { name: "phraseapp", workers: ["a", "b"], token: { nested: 7 } },
        });
    });

    it("are empty for a state without a root resource, and a secret without plaintext is left out", () => {
        expect(outputsFromState({ resources: [] })).toEqual({});
        expect(outputsFromState(undefined)).toEqual({});
        expect(plainValue({ a: { [SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" } })).toEqual({
            a: undefined,
        });
    });
});

describe("the environment of a deploy's update", () => {
    it("skips the engine's per-step state writes only for an update that writes its state at the end", () => {
        expect(updateEnv(true, {})).toEqual({ PULUMI_SKIP_CHECKPOINTS: "true" });
        expect(updateEnv(false, {})).toEqual({});
    });

    it("leaves PULUMI_SKIP_CHECKPOINTS to the environment that sets it", () => {
        expect(updateEnv(true, { PULUMI_SKIP_CHECKPOINTS: "false" })).toEqual({});
    });
});
