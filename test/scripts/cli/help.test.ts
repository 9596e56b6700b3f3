import { describe, expect, it } from "vitest";
import { prose } from "../../../scripts/cli/help";

describe("a command's text on docs/commands.md", () => {
    it("links each guide it names, and leaves code spans as they are", () => {
        expect(prose("the checks are in docs/real-engine.md; see `docs/releases.md`")).toBe(
            "the checks are in [docs/real-engine.md](real-engine.md); see `docs/releases.md`",
        );
    });

    it("escapes < and > outside code spans, so that <stack> is not read as HTML", () => {
        expect(prose("writes Pulumi.<stack>.yaml, or `capstan render <stack>`")).toBe(
            "writes Pulumi.&lt;stack&gt;.yaml, or `capstan render <stack>`",
        );
    });
});
