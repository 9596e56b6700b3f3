import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { DEFAULT_STICKY_COOKIE } from "../../../components/config/ingressSchema";
import { readStackSettings, StackFileError } from "../../../scripts/cli/stackfile";
import { PROJECT_DIR, scratchProject } from "../../harness";

const prod = () => fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8");

/** A scratch project whose stack `mine` is prod's file with `change` applied to its text. */
function mine(change: (text: string) => string): string {
    return scratchProject({ mine: change(prod()) });
}

describe("the one reader of a stack file (readStackSettings)", () => {
    it("reads a key as the stack file writes it, and as the program reads it with the schema's defaults", () => {
        const settings = readStackSettings(PROJECT_DIR, "prod");
        expect(settings.setting("imageTag")).toBe("2026.11.20-4f2c9e1");
        expect(settings.written("canary")).toEqual({
            imageTag: "2026.11.21-9a8b7c6",
            cookie: { name: "_AUSER_TYPE", value: "canary" },
            weight: 0,
        });
        const canary = settings.setting("canary");
        expect(canary?.stickyCookie).toBe(DEFAULT_STICKY_COOKIE);
        expect(canary?.steps.length).toBeGreaterThan(0);
        // What the file does not write is not filled in by `written`.
        expect(settings.written("canary")).not.toHaveProperty("stickyCookie");
    });

    it("gives undefined for a key the file leaves out, and the schema's default where it has one", () => {
        const settings = readStackSettings(PROJECT_DIR, "staging");
        expect(settings.written("canary")).toBeUndefined();
        expect(settings.setting("canary")).toBeUndefined();
        expect(settings.written("cost")).toBeUndefined();
        expect(settings.setting("cost")).toBeDefined();
    });

    it("reads a value as the Pulumi CLI passes it: an unquoted 1.10 tag arrives as the text 1.1", () => {
        const dir = mine((t) => t.replace('capstan:imageTag: "2026.11.20-4f2c9e1"', "capstan:imageTag: 1.10"));
        expect(readStackSettings(dir, "mine").setting("imageTag")).toBe("1.1");
    });

    it("refuses a key that does not pass its part of the config schema, naming the file, the key path and the problem", () => {
        const dir = mine((t) => t.replace("    weight: 0\n", "    weight: 150\n"));
        const settings = readStackSettings(dir, "mine");
        expect(settings.setting("imageTag")).toBe("2026.11.20-4f2c9e1");
        expect(() => settings.setting("canary")).toThrow(StackFileError);
        expect(() => settings.written("canary")).toThrow(/Pulumi\.mine\.yaml: capstan:canary\.weight: .*150.*100/);
    });

    it("refuses an unknown stack, naming the stacks there are", () => {
        expect(() => readStackSettings(PROJECT_DIR, "stagin")).toThrow(/unknown stack "stagin".*staging/);
    });
});
