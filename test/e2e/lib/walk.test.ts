import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { deployedTag, walkCommands, walkResults, walkScript } from "../../../e2e/lib/walk";
import { PROJECT_DIR, runCommand } from "../../harness";

const README = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");

describe("the README's five-minute walk, as the e2e suite reads it", () => {
    it("takes the commands of the marked blocks only, in order, without comment lines", () => {
        const md = [
            "```sh five-minute-walk",
            "first a",
            "# a comment",
            "",
            "```",
            "```sh",
            "not this",
            "```",
            "```text five-minute-walk other",
            "  second b  ",
            "```",
        ].join("\n");
        expect(walkCommands(md)).toEqual(["first a", "second b"]);
    });

    it("walks the README from the render through local up, a tag deploy, day two, canary and rollback to local down", () => {
        const commands = walkCommands(README);
        const order = [
            "capstan render staging",
            "capstan local up",
            "capstan local env",
            "capstan deploy local",
            "capstan status local",
            "capstan logs local",
            "capstan run local",
            "capstan canary local start",
            "capstan canary local promote",
            "capstan deploy local --rollback",
            "capstan local down",
        ].map((step) => commands.findIndex((c) => c.includes(step)));
        expect(order.every((i) => i >= 0)).toBe(true);
        expect([...order].sort((a, b) => a - b)).toEqual(order);
        expect(commands.at(-1)).toBe("npx capstan local down");
        expect(deployedTag(commands)).toMatch(/^\d{4}\.\d\d\.\d\d-\w+$/);
    });

    it("names the tag of the first deploy, not the rollback's flag", () => {
        expect(deployedTag(["npx capstan deploy local --rollback --yes", "npx capstan deploy local 1.2-a --yes"])).toBe(
            "1.2-a",
        );
        expect(deployedTag(["npx capstan status local"])).toBeUndefined();
    });
});

describe("the walk's script", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-walk-"));
    const results = path.join(dir, "results");
    const runScript = async (commands: string[], extra: Partial<Parameters<typeof walkScript>[1]> = {}) => {
        fs.rmSync(results, { force: true });
        const script = path.join(dir, "walk.sh");
        fs.writeFileSync(script, walkScript(commands, { resultsFile: results, ...extra }));
        const { stdout: out } = await runCommand("bash", [script]);
        return { out, results: walkResults(fs.existsSync(results) ? fs.readFileSync(results, "utf8") : "") };
    };

    it("runs the commands in one shell, so that what one exports holds for the next, and records each exit code", async () => {
        const { out, results: r } = await runScript([
            'eval "$(echo export WALK_X=1)"',
            'test "$WALK_X" = 1',
            "echo done",
        ]);
        expect(out).toBe("done\n");
        expect([...r.keys()]).toEqual([0, 1, 2]);
        expect([...r.values()].map((step) => step.code)).toEqual([0, 0, 0]);
    });

    it("stops at the first command that fails, with its code; the ones after it never ran", async () => {
        const { out, results: r } = await runScript(["true", "sh -c 'exit 3'", "echo after"]);
        expect(out).toBe("");
        expect([...r.keys()]).toEqual([0, 1]);
        expect([...r.values()].map((step) => step.code)).toEqual([0, 3]);
    });

    it("reads each command's time from the seconds since the start at which it ended", () => {
        expect([...walkResults("0 0 3\n1 0 40\nnoise\n2 1 41\n")]).toEqual([
            [0, { code: 0, seconds: 3 }],
            [1, { code: 0, seconds: 37 }],
            [2, { code: 1, seconds: 1 }],
        ]);
    });

    it("adds the suite's words to local up and runs its look before local down", () => {
        const script = walkScript(["npx capstan local up", "npx capstan local down"], {
            resultsFile: "/r",
            localUpExtra: ["--crds", "/it's/crds.yaml"],
            beforeDown: "kubectl get deployments",
        });
        const lines = script.split("\n");
        expect(lines[0]).toBe(`npx capstan local up '--crds' '/it'\\''s/crds.yaml'`);
        expect(lines.indexOf("kubectl get deployments")).toBe(lines.indexOf("npx capstan local down") - 1);
    });
});
