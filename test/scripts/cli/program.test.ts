/** index.ts loaded as the deploy and the local stack run it (scripts/cli/program.ts). */
import { describe, expect, it } from "vitest";
import { loadProgram, PROJECT_DIR } from "../../../scripts/cli/program";

describe("the program loaded in this process", () => {
    it("is index.ts's program, with Pulumi's promise traces formatted without source maps", () => {
        expect(typeof loadProgram(PROJECT_DIR)).toBe("function");
        // eslint-disable-next-line @typescript-eslint/unbound-method -- only its marker is read
        const prepare = Error.prepareStackTrace as { plainPromiseTraces?: true } | undefined;
        expect(prepare?.plainPromiseTraces).toBe(true);
    });
});
