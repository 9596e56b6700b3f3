/** How Pulumi's promise traces are formatted in a process that runs the program (scripts/cli/promiseTraces.ts). */
import { afterEach, describe, expect, it } from "vitest";
import { formatPromiseTracesPlainly, plainTrace } from "../../../scripts/cli/promiseTraces";

describe("Pulumi's promise traces", () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- restored as is after each test
    const installed = Error.prepareStackTrace;
    afterEach(() => {
        Error.prepareStackTrace = installed;
    });
    // Named as the SDK's function that takes a trace for every promise it creates.
    function debuggablePromise(): string {
        return new Error("promise").stack ?? "";
    }
    function somethingElse(): string {
        return new Error("other").stack ?? "";
    }

    it("skip the installed formatter (source maps); every other trace still goes through it, wrapped once", () => {
        let calls = 0;
        Error.prepareStackTrace = () => {
            calls++;
            return "mapped";
        };
        formatPromiseTracesPlainly();
        formatPromiseTracesPlainly();
        expect(debuggablePromise()).toMatch(/^Error: promise\n {4}at /);
        expect(calls).toBe(0);
        expect(somethingElse()).toBe("mapped");
        expect(calls).toBe(1);
    });

    it("show the eight frames below the promise's own, file, line and column", () => {
        const frame = (n: number) =>
            ({
                getFunctionName: () => (n === 3 ? null : `f${n}`),
                getFileName: () => `/src/f${n}.js`,
                getLineNumber: () => n,
                getColumnNumber: () => 2 * n,
            }) as unknown as NodeJS.CallSite;
        const text = plainTrace(
            new Error("leak"),
            Array.from({ length: 12 }, (_, n) => frame(n)),
        );
        const lines = text.split("\n");
        expect(lines[0]).toBe("Error: leak");
        expect(lines.slice(1)).toHaveLength(8);
        expect(lines[1]).toBe("    at f1 (/src/f1.js:1:2)");
        expect(lines[3]).toBe("    at <anonymous> (/src/f3.js:3:6)");
        expect(lines[8]).toBe("    at f8 (/src/f8.js:8:16)");
    });
});
