/**
 * The config contract has one home: the schema and the `doc()` metadata beside each key. The
 * generated reference (docs/configuration.md), the descriptions in Pulumi.yaml and the hints of a
 * missing key are read from it, and the committed files are exactly what `npm run docs` writes.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { doc } from "../../../components/config/docs";
import { int } from "../../../components/config/fields";
import { keyShape, missingKeyHint, referenceKey, rootKeys, unwrap } from "../../../components/config/reference";
import { CONFIG_KEYS, cronSchema } from "../../../components/config/schema";
import { definitions } from "../../../scripts/commands";
import { generatedFiles } from "../../../scripts/docs/generate";
import { pulumiYamlWithDescriptions } from "../../../scripts/docs/pulumiYaml";
import { PROJECT_DIR } from "../../harness";

describe("the generated files", () => {
    it("docs/configuration.md, docs/commands.md and Pulumi.yaml are byte for byte what npm run docs writes", async () => {
        const stale = (await generatedFiles(PROJECT_DIR, definitions()))
            .filter((f) => fs.readFileSync(path.join(PROJECT_DIR, f.path), "utf8") !== f.text)
            .map((f) => `${f.path} is out of date: run npm run docs`);
        expect(stale).toEqual([]);
    });

    it("rewrites only the descriptions of Pulumi.yaml, and leaves every other byte as it was", async () => {
        const file = path.join(PROJECT_DIR, "Pulumi.yaml");
        const committed = fs.readFileSync(file, "utf8");
        const blanked = committed.replace(/^( {4}description:).*$/gm, "$1 x");
        expect(blanked).not.toBe(committed);
        expect(await pulumiYamlWithDescriptions(blanked, file)).toBe(committed);
        const descriptions = committed.split("\n").filter((l) => /^ {4}description:/.test(l));
        expect(descriptions.length).toBe(Object.keys(CONFIG_KEYS).length);
    });

    it("refuses a key Pulumi.yaml declares that the schema does not know", async () => {
        const file = path.join(os.tmpdir(), "Pulumi.yaml");
        const text = "name: x\nconfig:\n  capstan:colour:\n    type: string\n    description: x\n";
        await expect(pulumiYamlWithDescriptions(text, file)).rejects.toThrow("capstan:colour");
    });
});

describe("a key's reference entry is read from its zod definition", () => {
    const map = doc(
        z.strictObject({
            seconds: doc(int(3, 7).default(5), { description: "How long.", unit: "seconds" }),
            name: doc(
                z
                    .string()
                    .regex(/^[a-z]+$/, { message: "must be lower-case letters" })
                    .max(20),
                {
                    description: "A name.",
                    rules: "unique",
                },
            ),
            hosts: doc(z.array(z.string()).min(2), { description: "Hosts." }),
            zone: doc(z.string().optional(), { description: "A zone.", default: "the region's first" }),
        }),
        { description: "A map." },
    );
    const entry = referenceKey("capstan:thing", "capstan:thing", map);
    const child = (name: string) => entry.children.find((c) => c.key === `capstan:thing.${name}`)!;

    it("takes the range and the default from the checks, and the unit and description from the metadata", () => {
        expect(child("seconds")).toMatchObject({
            type: "integer",
            default: { value: 5 },
            unit: "seconds",
            limits: ["3–7"],
            description: "How long.",
        });
    });

    it("states a pattern by its message and adds the rules the metadata names", () => {
        expect(child("name").limits).toEqual(["lower-case letters", "at most 20 characters", "unique"]);
        expect(child("name").default).toEqual({ words: "required" });
        expect(child("hosts").limits).toEqual(["at least 2 entries"]);
    });

    it("gives an optional key's default in the metadata's words", () => {
        expect(child("zone").default).toEqual({ words: "the region's first" });
    });

    it("refuses a key without a description, naming it", () => {
        const undocumented = doc(z.strictObject({ colour: z.string() }), { description: "A map." });
        expect(() => referenceKey("capstan:thing", "capstan:thing", undocumented)).toThrow("capstan:thing.colour");
    });

    it("a cron run's deadline is the schema's, 10 to 604800 seconds", () => {
        const cron = referenceKey(
            "capstan:app.cron",
            "capstan:app",
            doc(z.array(cronSchema), { description: "Tasks." }),
        );
        const deadline = cron.children.find((c) => c.key.endsWith(".activeDeadlineSeconds"))!;
        const bounds = unwrap(cronSchema.shape.activeDeadlineSeconds).base as z.ZodNumber;
        expect(deadline.limits[0]).toBe(`${bounds.minValue}–${bounds.maxValue}`);
        expect(deadline.limits[0]).toBe("10–604800");
    });
});

describe("each fact about a key is written once", () => {
    /** Every documented key whose metadata restates a default the schema fills in. */
    function restated(key: string, schema: z.ZodType): string[] {
        const u = unwrap(schema);
        const own = u.hasDefault && (u.doc?.default !== undefined || u.doc?.defaultValue !== undefined) ? [key] : [];
        return [
            ...own,
            ...Object.entries(keyShape(schema) ?? {}).flatMap(([name, s]) => restated(`${key}.${name}`, s)),
        ];
    }

    it("no key's metadata repeats the default its schema fills in", () => {
        expect(rootKeys().flatMap(([key, s]) => restated(key, s))).toEqual([]);
    });

    it("every key of the contract is documented", () => {
        const undocumented: string[] = [];
        const walk = (key: string, schema: z.ZodType) => {
            const u = unwrap(schema);
            if (!u.doc) undocumented.push(key);
            for (const [name, s] of Object.entries(keyShape(schema) ?? {})) walk(`${key}.${name}`, s);
        };
        for (const [key, s] of rootKeys()) walk(key, s);
        expect(undocumented).toEqual([]);
    });
});

describe("the hint of a missing key comes from the same metadata", () => {
    it.each([
        ["region", "set it with: pulumi config set aws:region eu-central-1"],
        ["environment", "set it with: pulumi config set environment staging (one of: production, staging)"],
        ["imageTag", "set it with: pulumi config set imageTag <tag>"],
        ["ingress", "set at least ingress.public.hosts"],
        ["app", "set at least app.name, app.image and app.migrate.command"],
    ])("%s", (key, hint) => {
        expect(missingKeyHint(key)).toBe(hint);
    });
});

describe("the reference's examples are values of the key they document", () => {
    const reference = (key: string) => {
        const [top] = rootKeys().filter(([k]) => key.startsWith(`${k}.`));
        const find = (k: ReturnType<typeof referenceKey>): ReturnType<typeof referenceKey> | undefined =>
            k.key === key ? k : k.children.map(find).find((c) => c !== undefined);
        return find(referenceKey(top[0], top[0], top[1]));
    };

    it.each<[string, RegExp, RegExp]>([
        ["capstan:cache.engineVersion", /"8\.0" \(Valkey\) or "7\.1" \(Redis OSS\)/, /16\.6|PostgreSQL/],
        ["capstan:database.engineVersion", /"16\.6" \(PostgreSQL\)/, /Valkey|Redis/],
    ])("%s gives a version of its own engines", (key, example, foreign) => {
        const text = [...reference(key)!.limits, reference(key)!.description].join(" ");
        expect(text).toMatch(example);
        expect(text).not.toMatch(foreign);
    });
});
