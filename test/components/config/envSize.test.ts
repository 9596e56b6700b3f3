/**
 * The app's environment against the API server's 1 MiB limit on a ConfigMap or Secret: refused by
 * the config check, with the limit and the size found, before anything is declared.
 */
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { ConfigError, validateConfig } from "../../../components/config";
import { loadConfigOf, problemsOf, renderCliIn, rootOf, scratchProject, stackValues } from "../../harness";

type Root = Record<string, any>;

/** The most the names and values may come to: 1 MiB less the 64 KiB kept for the rest of the object. */
const ALLOWED = 1048576 - 65536;

/** An env whose names and values come to exactly `bytes`, in one variable. */
const envOf = (name: string, bytes: number) => ({ [name]: "x".repeat(bytes - name.length) });

describe("app.env against the API server's limit on a ConfigMap", () => {
    it.each<[string, (r: Root) => void, string | undefined]>([
        ["a 1.1 MB value", (r) => (r.app.env = { ...r.app.env, BIG: "x".repeat(1_100_000) }), "BIG (1100003 bytes)"],
        ["names and values one byte past what is allowed", (r) => (r.app.env = envOf("BLOB", ALLOWED + 1)), "BLOB"],
        // "é" is two bytes in UTF-8: 500000 characters are a million bytes.
        [
            "multi-byte text counted in bytes",
            (r) => (r.app.env = { TEXT: "é".repeat(500_000) }),
            "TEXT (1000004 bytes)",
        ],
        ["many values that only together pass it", (r) => (r.app.env = manyValues(20, 50_000)), "V00 (50000 bytes)"],
        ["names and values exactly at what is allowed", (r) => (r.app.env = envOf("BLOB", ALLOWED)), undefined],
    ])("%s", (_case, change, named) => {
        const problems = problemsOf("staging", change).filter((p) => p.path === "capstan:app.env");
        if (named === undefined) return expect(problems).toEqual([]);
        expect(problems).toHaveLength(1);
        const message = problems[0].message;
        expect(message).toContain(named);
        expect(message).toContain("1 MiB (1048576 bytes for the whole object)");
        expect(message).toContain(`at most ${ALLOWED}`);
        expect(message).toMatch(/kept for its metadata/);
        expect(message).toMatch(/move large content out of the environment/);
    });

    it("says the size it found", () => {
        const [problem] = problemsOf("staging", (r) => (r.app.env = { BIG: "x".repeat(1_100_000) }));
        expect(problem.message).toMatch(/^its variables come to 1100003 bytes/);
    });
});

/** `count` variables V00, V01, ... of `bytes` bytes each, names included. */
function manyValues(count: number, bytes: number): Record<string, string> {
    return Object.fromEntries(
        Array.from({ length: count }, (_, i) => {
            const name = `V${String(i).padStart(2, "0")}`;
            return [name, "x".repeat(bytes - name.length)];
        }),
    );
}

describe("the app's secret environment against the API server's limit on a Secret", () => {
    const root = () => rootOf(stackValues("staging"));
    const secretEnv = (r: Root) => r.app.secretEnv as string[];

    it("refuses values that pass it, naming sizes and names, never a value", () => {
        const r = root();
        const [big, ...rest] = secretEnv(r);
        const sizes = Object.fromEntries([[big, 1_100_000], ...rest.map((n) => [n, 40])]);
        const { problems } = validateConfig(r, { appSecrets: secretEnv(r), appSecretSizes: sizes });
        const problem = problems.find((p) => p.path === "capstan:appSecrets");
        expect(problem?.message).toContain(`${big} (${1_100_000 + big.length} bytes)`);
        expect(problem?.message).toContain("a Secret over 1 MiB (1048576 bytes for the whole object)");
    });

    it("counts only the values app.secretEnv names, which are all the Secret holds", () => {
        const r = root();
        const sizes = { ...Object.fromEntries(secretEnv(r).map((n) => [n, 40])), UNUSED: 2_000_000 };
        expect(validateConfig(r, { appSecrets: Object.keys(sizes), appSecretSizes: sizes }).problems).toEqual([]);
    });

    it("is checked where the secret config is read, with the values' sizes and without the values", async () => {
        const values = stackValues("staging");
        const names = rootOf(values).app.secretEnv as string[];
        const secretValue = "s3cret-".repeat(160_000);
        const secrets = {
            "capstan:appSecrets": Object.fromEntries(names.map((n, i) => [n, i === 0 ? secretValue : "short"])),
        };
        const thrown = await loadConfigOf(values, secrets).then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(ConfigError.is(thrown)).toBe(true);
        const problems = (thrown as ConfigError).problems;
        expect(problems.map((p) => p.path)).toEqual(["capstan:appSecrets"]);
        expect(problems[0].message).toContain(`${names[0]} (${secretValue.length + names[0].length} bytes)`);
        expect(problems[0].message).not.toContain("s3cret");
    });
});

describe("npm run render with an app.env value of 1.1 MB", () => {
    it("exits non-zero with the config error, the limit and the size, and writes nothing", async () => {
        const values = stackValues("staging");
        values["capstan:app"].env = { ...values["capstan:app"].env, BIG: "x".repeat(1_100_000) };
        const dir = scratchProject({ big: YAML.stringify({ config: values }) });
        const { code, stderr, wrote } = await renderCliIn(dir, "big");
        expect(code).not.toBe(0);
        expect(stderr).toMatch(/capstan:app\.env: its variables come to \d+ bytes/);
        expect(stderr).toContain("1048576");
        expect(stderr).not.toMatch(/\n\s+at /);
        expect(wrote).toBe(false);
    });
});
