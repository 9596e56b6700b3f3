/** The committed prod stack, rendered once per test file, and ways to find its resources. */
import { beforeAll } from "vitest";
import { ofType, render, stackValues, type RecordedResource, type Rendered } from "./harness";

export type Any = Record<string, any>;
export const inputs = (r: RecordedResource) => r.inputs as Any;
export const prodConfig = () => stackValues("prod");

/** Renders prod before the file's tests run; call at the top of a test file. */
export function useProdRender() {
    const state: { prod?: Rendered } = {};
    beforeAll(async () => {
        state.prod = await render("prod");
    });
    const resources = () => (state.prod as Rendered).result.resources;
    return {
        prod: () => state.prod as Rendered,
        resources,
        byType: (type: string) => ofType(resources(), type),
        byId: (id: unknown) => resources().find((r) => r.id === id && r.custom),
    };
}
