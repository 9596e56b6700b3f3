import type * as pulumi from "@pulumi/pulumi";
import { mockState, type MockResult } from "./mockstate";
import type { RecordedResource, Recorder } from "./recorder";

/** Outputs of the stacks a StackReference may name, by fully qualified stack name. */
export type StackOutputs = Readonly<Record<string, { outputs: Record<string, unknown>; secretOutputNames: string[] }>>;

/** What the mock engine answers with, besides the resources' own state. */
export interface MockOptions {
    /** The AWS region of computed ARNs and hosts. */
    readonly region: string;
    readonly stackOutputs?: StackOutputs;
    /** Invoke tokens the program may call, with their answers. Any other invoke fails the run. */
    readonly invokes?: Readonly<Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>>;
}

/**
 * The URN of the provider in a registration's provider reference. The SDK writes the reference as
 * `<urn>::<id>` (`ProviderResource.register` in @pulumi/pulumi `resource.ts`); a URN's last two
 * fields are the type chain and the name. When upgrading @pulumi/pulumi, check that format: a
 * changed one leaves every `provider` out of plan.json, which the render tests of explicit
 * providers catch.
 */
export function providerUrn(recorder: Pick<Recorder, "lookup">, reference: string): string | undefined {
    const parts = reference.slice(0, reference.lastIndexOf("::")).split("::");
    const provType = (parts[2] ?? "").split("$").pop() ?? "";
    return recorder.lookup(provType, parts[3] ?? "")[0]?.urn;
}

/**
 * A StackReference's state: the referenced stack's outputs, in the properties the SDK's
 * `StackReference` reads (`outputs`, `secretOutputNames`; @pulumi/pulumi `stackReference.ts`).
 */
function stackReferenceState(
    args: pulumi.runtime.MockResourceArgs,
    stackOutputs: StackOutputs | undefined,
    failures: string[],
): MockResult {
    // The SDK types a registration's inputs as `any`; a StackReference's one input is its name.
    const name = String((args.inputs as { name?: unknown }).name);
    const ref = stackOutputs?.[name];
    if (!ref) failures.push(`StackReference ${JSON.stringify(name)}: no outputs of that stack are known to the render`);
    return {
        id: name,
        state: {
            name,
            outputs: ref?.outputs ?? {},
            secretOutputNames: ref?.secretOutputNames ?? [],
        },
    };
}

/** Writes the engine's answer into the records of the registration it answers. */
function recordAnswer(
    recorder: Recorder,
    found: readonly RecordedResource[],
    args: pulumi.runtime.MockResourceArgs,
    result: MockResult,
): void {
    for (const rec of found) {
        rec.inputs = args.inputs as Record<string, unknown>;
        rec.state = result.state;
        rec.id = result.id;
        rec.custom = args.custom === true;
        if (args.provider) rec.provider = providerUrn(recorder, args.provider);
    }
}

/**
 * The mock engine: answers each registration with a plausible state (`mockState`) and writes it
 * into the recorder's record; fails the run (through `failures`) on a registration the recorder did
 * not see, a name declared twice, an unknown StackReference, and any invoke it was not given.
 */
export function recordingMocks(recorder: Recorder, opts: MockOptions, failures: string[]): pulumi.runtime.Mocks {
    return {
        newResource(args) {
            if (args.type === "pulumi:pulumi:Stack") return { id: `${args.name}-id`, state: {} };
            const found = recorder.lookup(args.type, args.name);
            if (found.length !== 1) {
                failures.push(
                    `${args.type} ${JSON.stringify(args.name)}: ${found.length === 0 ? "registered without passing the stack transformation" : "declared more than once; give each resource a unique name"}`,
                );
            }
            const result =
                args.type === "pulumi:pulumi:StackReference"
                    ? stackReferenceState(args, opts.stackOutputs, failures)
                    : mockState(args.type, args.name, args.inputs as Record<string, unknown>, { region: opts.region });
            recordAnswer(recorder, found, args, result);
            return result;
        },
        call(args) {
            const answer = opts.invokes?.[args.token];
            if (!answer) {
                const message = `unexpected invoke ${args.token}: Capstan resolves everything from config so that a preview needs no cloud access`;
                failures.push(message);
                throw new Error(message);
            }
            return answer(args.inputs as Record<string, unknown>);
        },
    };
}
