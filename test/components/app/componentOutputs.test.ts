import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppEnv } from "../../../components/app/env";
import { committedStacks, render, runComponents } from "../../harness";

/** One `registerOutputs` call of a Capstan component, as the component made it. */
interface Registration {
    readonly type: string;
    readonly name: string;
    readonly outputs: unknown;
}

type RegisterOutputs = (this: pulumi.ComponentResource, outputs?: unknown) => void;
const proto = pulumi.ComponentResource.prototype as unknown as { registerOutputs: RegisterOutputs };
const original = proto.registerOutputs;
const registrations: Registration[] = [];

// The engine drops an undefined output without a word, so the calls are watched where they are made.
beforeAll(() => {
    proto.registerOutputs = function (outputs) {
        const self = this as unknown as { __pulumiType: string; __name: string };
        // The SDK itself calls it without outputs once a component's initialize has run.
        if (outputs !== undefined && self.__pulumiType.startsWith("capstan:"))
            registrations.push({ type: self.__pulumiType, name: self.__name, outputs });
        original.call(this, outputs);
    };
});
afterAll(() => {
    proto.registerOutputs = original;
});

/** The value an Output or promise settles to; anything else as it is. */
async function settled(value: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) return settled(await new Promise((resolve) => value.apply(resolve)));
    if (value instanceof Promise) return settled(await value);
    return value;
}

/** The paths under `path` whose value is undefined once every Output in it has settled. */
async function undefinedPaths(value: unknown, path: string): Promise<string[]> {
    const v = await settled(value);
    if (v === undefined) return [path];
    if (Array.isArray(v)) return (await Promise.all(v.map((x, i) => undefinedPaths(x, `${path}[${i}]`)))).flat();
    if (typeof v === "object" && v !== null && !pulumi.Resource.isInstance(v))
        return (await Promise.all(Object.entries(v).map(([k, x]) => undefinedPaths(x, `${path}.${k}`)))).flat();
    return [];
}

/** Every undefined value in the outputs the components registered, as `type name: path`. */
async function undefinedOutputs(): Promise<string[]> {
    const found: string[] = [];
    for (const r of registrations)
        for (const p of await undefinedPaths(r.outputs, "outputs")) found.push(`${r.type} ${r.name}: ${p}`);
    return found;
}

it("an app environment without secrets registers no secret name", async () => {
    registrations.length = 0;
    await runComponents(() => ({ env: new AppEnv("env", { namespace: "app", labels: {}, env: { A: "1" } }) }));
    expect(registrations.map((r) => r.type)).toEqual(["capstan:app:AppEnv"]);
    expect(await undefinedOutputs()).toEqual([]);
});

describe.each(committedStacks())("the components of the committed stack %s", (stack) => {
    it("register only outputs that have a value", async () => {
        registrations.length = 0;
        await render(stack);
        // Every stack has an app or a tenant, so a watch that saw nothing would be a broken watch.
        expect(registrations.map((r) => r.type)).toEqual(
            expect.arrayContaining([expect.stringMatching(/^capstan:(app|tenant):/)]),
        );
        expect(await undefinedOutputs()).toEqual([]);
    });
});
