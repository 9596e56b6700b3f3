import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { readConfigLikeCli, resolvePlain } from "../../../scripts/cli/cliYaml";
import { loadConfigOf, PROJECT_DIR, renderCliIn, scratchProject, stackValues } from "../../harness";

describe("an unquoted scalar is typed as the Pulumi CLI's YAML reader (yaml.v3) types it", () => {
    it.each<[string, unknown]>([
        ["1.10", 1.1],
        ["1.30", 1.3],
        ["1.0", 1],
        ["3000", 3000],
        ["0x1F", 31],
        ["0o17", 15],
        ["010", 8],
        ["0b101", 5],
        ["1_000", 1000],
        ["+1", 1],
        ["-2", -2],
        ["1e9", 1e9],
        [".5", 0.5],
        ["true", true],
        ["True", true],
        ["FALSE", false],
        ["yes", "yes"],
        ["on", "on"],
        ["~", null],
        ["null", null],
        ["2026-11-20", "2026-11-20 00:00:00 +0000 UTC"],
        ["2026-11-20T10:30:00Z", "2026-11-20 10:30:00 +0000 UTC"],
        ["2026.11.20-4f2c9e1", "2026.11.20-4f2c9e1"],
        ["500m", "500m"],
        ["1Gi", "1Gi"],
        ["v1.10", "v1.10"],
    ])("%s reads as %j", (text, value) => {
        const resolved = resolvePlain(text);
        expect(
            typeof resolved === "object" && resolved !== null ? String((resolved as { text: string }).text) : resolved,
        ).toEqual(value);
    });

    it.each([".inf", "-.Inf", ".nan"])("%s cannot reach a program (the CLI refuses the file)", (text) => {
        expect(() => resolvePlain(text)).toThrow(/quote it/);
    });
});

describe("a program receives a stack file's values as the CLI passes them", () => {
    it.each<[string, string, unknown]>([
        ["a top-level number arrives as its JSON text", "capstan:imageTag: 1.10", "1.1"],
        ["a top-level quoted number arrives as written", 'capstan:imageTag: "1.10"', "1.10"],
        ["a top-level boolean arrives as its text", "capstan:imageTag: True", "true"],
        ["a top-level null arrives as empty text", "capstan:imageTag: ~", ""],
        ["a top-level date arrives as Go's time text", "capstan:imageTag: 2026-11-20", "2026-11-20 00:00:00 +0000 UTC"],
        [
            "a number inside a map arrives as a number",
            "capstan:app: { env: { APP_VERSION: 1.10 } }",
            { env: { APP_VERSION: 1.1 } },
        ],
        [
            "a quoted number inside a map arrives as text",
            'capstan:app: { env: { APP_VERSION: "1.10" } }',
            { env: { APP_VERSION: "1.10" } },
        ],
        ["a secure value stays as it is", "capstan:appSecrets: { A: { secure: v1:abc } }", { A: { secure: "v1:abc" } }],
    ])("%s", (_name, line, expected) => {
        const key = line.split(":").slice(0, 2).join(":");
        expect(readConfigLikeCli(`config:\n  ${line}\n`).config[key]).toEqual(expected);
    });

    it("lists every unquoted scalar whose text changes, with what was written", () => {
        const { changed } = readConfigLikeCli(
            "config:\n  capstan:imageTag: 1.10\n  capstan:cluster: { version: 1.30, mode: create }\n  capstan:app: { web: { port: 3000 } }\n",
        );
        expect(changed).toEqual([
            { path: ["capstan:imageTag"], written: "1.10", passed: "1.1" },
            { path: ["capstan:cluster", "version"], written: "1.30", passed: 1.3 },
        ]);
    });
});

/** Renders a stack whose file is the staging file with some lines replaced, exactly as written. */
function renderText(edit: (text: string) => string) {
    const text = edit(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.staging.yaml"), "utf8"));
    return renderCliIn(scratchProject({ bad: text }), "bad");
}

describe("where the CLI changes unquoted text, the render says to quote it, with what was written", () => {
    it.each<[string, [string | RegExp, string], string]>([
        [
            "an unquoted image tag",
            ['capstan:imageTag: "2026.11.20-4f2c9e1"', "capstan:imageTag: 1.10"],
            'capstan:imageTag: 1.10 is not quoted, so the Pulumi CLI passes the text "1.1"; quote it: capstan:imageTag: "1.10"',
        ],
        [
            "an unquoted date as image tag",
            ['capstan:imageTag: "2026.11.20-4f2c9e1"', "capstan:imageTag: 2026-11-20"],
            'quote it: capstan:imageTag: "2026-11-20"',
        ],
        [
            "an unquoted env value",
            ["APP_HOST: staging.example.com", "APP_VERSION: 1.10"],
            'capstan:app.env.APP_VERSION: APP_VERSION: 1.10 is not quoted, so it arrives as a number, 1.1, where text is expected; quote it: APP_VERSION: "1.10"',
        ],
        [
            "an unquoted Kubernetes version",
            ['version: "1.34"', "version: 1.30"],
            'capstan:cluster.version: version: 1.30 is not quoted, so it arrives as a number, 1.3, where text is expected; quote it: version: "1.30"',
        ],
        [
            "an unquoted boolean label value",
            ["labels: { role: workers }", "labels: { role: True }"],
            'quote it: role: "True"',
        ],
    ])("%s", async (_name, [from, to], message) => {
        const { code, stderr, wrote } = await renderText((t) => t.replace(from, to));
        expect(code).toBe(1);
        expect(stderr).toContain(message);
        expect(wrote).toBe(false);
    });

    it("an unquoted value the CLI passes unchanged is fine", async () => {
        const { code, stderr } = await renderText((t) =>
            t
                .replace("port: 3000", "port: 3000")
                .replace("minReplicas: 2\n      maxReplicas: 4", "minReplicas: 0x2\n      maxReplicas: 4"),
        );
        expect(stderr).toBe("");
        expect(code).toBe(0);
    });
});

describe("a program under a real engine, which cannot see the file, still says to quote a number in a text field", () => {
    it("names the value it received and shows the quoted form", async () => {
        const values = stackValues("staging");
        values["capstan:app"].env.APP_VERSION = 1.1;
        await expect(
            loadConfigOf(values, {
                "capstan:appSecrets": { DATABASE_URL: "x", SECRET_KEY_BASE: "y" },
                "capstan:basicAuthPasswords": { team: "p" },
            }),
        ).rejects.toSatisfy((e: unknown) =>
            (e as { problems: { path: string; message: string }[] }).problems.some(
                (p) =>
                    p.path === "capstan:app.env.APP_VERSION" &&
                    p.message.startsWith(
                        '1.1 is a number where text is expected; quote it in the stack file as you mean it, e.g. APP_VERSION: "1.1"',
                    ),
            ),
        );
    });
});
