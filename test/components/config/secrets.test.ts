import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { renderCliIn, scratchProject, stackValues } from "../../harness";

const SECURE = { secure: "v1:Yx2pQm8Rk3tWbN0c:8bFzJ1vL0aQm3sXw5yT9uE2rK7pH4dG6cV1nB8mZ0xA" };

function renderValues(values: Record<string, unknown>) {
    return renderCliIn(scratchProject({ bad: YAML.stringify({ config: values }) }), "bad");
}

describe("a secret map must be encrypted entry by entry", () => {
    it.each<[string, string, Record<string, unknown>, string[]]>([
        [
            "an app secret in plain text beside an encrypted one",
            "capstan:appSecrets",
            { DATABASE_URL: SECURE, SECRET_KEY_BASE: "hunter2-plain" },
            ["capstan:appSecrets.SECRET_KEY_BASE"],
        ],
        [
            "a basic-auth password in plain text beside an encrypted one",
            "capstan:basicAuthPasswords",
            { team: SECURE, qa: "hunter2-plain" },
            ["capstan:basicAuthPasswords.qa"],
        ],
        [
            "two plain entries beside an encrypted one",
            "capstan:appSecrets",
            { DATABASE_URL: "hunter2-plain", SECRET_KEY_BASE: "hunter2-plain", OTHER: SECURE },
            ["capstan:appSecrets.DATABASE_URL", "capstan:appSecrets.SECRET_KEY_BASE"],
        ],
        [
            "a whole map in plain text",
            "capstan:appSecrets",
            { DATABASE_URL: "hunter2-plain", SECRET_KEY_BASE: "hunter2-plain" },
            ["capstan:appSecrets"],
        ],
    ])("%s is refused, naming the entry and never its value", async (_name, key, secret, paths) => {
        const values = stackValues("staging");
        values[key] = secret;
        if (key === "capstan:basicAuthPasswords") values["capstan:staging"].basicAuth.users = ["team", "qa"];
        const { code, stderr, wrote } = await renderValues(values);
        expect(code).toBe(1);
        expect(wrote).toBe(false);
        const reported = stderr
            .split("\n")
            .filter((l) => l.startsWith("  - "))
            .map((l) => l.slice(4).split(": ")[0]);
        expect(reported.sort()).toEqual(paths.sort());
        expect(stderr).toContain("pulumi config set --secret --path");
        expect(stderr).not.toContain("hunter2");
    });

    it("a map whose every entry is encrypted renders", async () => {
        const values = stackValues("staging");
        values["capstan:appSecrets"] = { DATABASE_URL: SECURE, SECRET_KEY_BASE: SECURE };
        const { code, stderr } = await renderValues(values);
        expect(stderr).toBe("");
        expect(code).toBe(0);
    });
});
