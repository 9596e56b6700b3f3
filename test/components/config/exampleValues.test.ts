import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "../../../components/config";
import { exampleFix, exampleValues, exampleValueVerdict } from "../../../components/config/exampleValues";
import { loadConfigOf, rootOf, stackValues } from "../../harness";

const STAGING_EXAMPLES = [
    "capstan:cluster.publicAccessCidrs[0]",
    "capstan:ingress.public.hosts[0]",
    "capstan:ingress.public.certificateArn",
    "capstan:ingress.internal.hosts[0]",
    "capstan:ingress.internal.certificateArn",
    "capstan:app.image",
    "capstan:app.env.APP_HOST",
];

/** The staging stack with a value of one's own in place of each example. */
function ownStaging(): Record<string, any> {
    const v = stackValues("staging");
    v["capstan:cluster"].publicAccessCidrs = ["198.18.0.0/24"];
    v["capstan:ingress"].public = {
        hosts: ["staging.shop.io"],
        certificateArn: "arn:aws:acm:eu-central-1:210987654321:certificate/0f3c1a52-8e0b-4c7e-9d2a-6b1f4e8a7c31",
    };
    v["capstan:ingress"].internal = {
        hosts: ["staging.internal.shop.io"],
        certificateArn: "arn:aws:acm:eu-central-1:210987654321:certificate/5e8a2c71-9d3f-4b60-a1e7-3c4b9f2d8a16",
    };
    v["capstan:app"].image = "210987654321.dkr.ecr.eu-central-1.amazonaws.com/shop";
    v["capstan:app"].env.APP_HOST = "staging.shop.io";
    return v;
}

const SECRETS = {
    "capstan:appSecrets": { DATABASE_URL: "postgres://db/app", SECRET_KEY_BASE: "s3cr3t" },
    "capstan:basicAuthPasswords": { team: "pw" },
};

/** Runs as the CLI's preview or update would: with an engine, dry-run or not. */
function asEngineRun(kind: "preview" | "update") {
    vi.spyOn(pulumi.runtime, "getEngine").mockReturnValue({} as ReturnType<typeof pulumi.runtime.getEngine>);
    vi.spyOn(pulumi.runtime, "isDryRun").mockReturnValue(kind === "preview");
    return vi.spyOn(pulumi.log, "warn").mockResolvedValue();
}

afterEach(() => vi.restoreAllMocks());

describe("the example values of the committed stack files", () => {
    it("are found at every key of the staging stack that holds one, and nowhere else", () => {
        expect(exampleValues(rootOf(stackValues("staging"))).map((f) => f.path)).toEqual(STAGING_EXAMPLES);
    });

    it("are gone from a stack whose values are its own", () => {
        expect(exampleValues(rootOf(ownStaging()))).toEqual([]);
    });

    it.each([
        ["arn:aws:iam::123456789012:role/admin", "example account 123456789012"],
        ["123456789012.dkr.ecr.eu-central-1.amazonaws.com/phraseapp", "example ECR repository"],
        ["shop.example.com", "example host"],
        ["example.org", "example host"],
        ["https://hooks.example.net/alerts", "example host"],
        ["ops@example.com", "example host"],
        ["203.0.113.0/24", "reserved for documentation"],
    ])("%s is an example value (%s)", (value, what) => {
        expect(exampleFix(value)).toContain(what);
    });

    it.each([
        "shop.io",
        "examples.com",
        "myexample.com",
        "1234567890123",
        "10.0.0.0/8",
        "arn:aws:iam::210987654321:role/x",
    ])("%s is a value of one's own", (value) => {
        expect(exampleFix(value)).toBeUndefined();
    });
});

describe("what a run does with the example values", () => {
    const found = exampleValues(rootOf(stackValues("staging")));

    it("the offline render and a stack on the local cluster keep them", () => {
        expect(exampleValueVerdict(found, "render", false)).toEqual({ problems: [] });
        expect(exampleValueVerdict(found, "update", true)).toEqual({ problems: [] });
    });

    it("a preview warns, naming each key, and refuses nothing", () => {
        const verdict = exampleValueVerdict(found, "preview", false);
        expect(verdict.problems).toEqual([]);
        for (const path of STAGING_EXAMPLES) expect(verdict.warning).toContain(`  - ${path}: `);
    });

    it("an update is refused with one problem per key, each with the fix", () => {
        const verdict = exampleValueVerdict(found, "update", false);
        expect(verdict.problems.map((p) => p.path)).toEqual(STAGING_EXAMPLES);
        expect(verdict.problems[2].message).toMatch(/names the example account 123456789012; set the ARN of your own/);
    });
});

describe("loadConfig under the engine", () => {
    it("refuses an update of the staging stack, naming every example key", async () => {
        asEngineRun("update");
        const err = await loadConfigOf(stackValues("staging"), SECRETS, "staging").catch((e: unknown) => e);
        expect(ConfigError.is(err)).toBe(true);
        expect((err as ConfigError).problems.map((p) => p.path)).toEqual(STAGING_EXAMPLES);
    });

    it("warns in a preview of the staging stack and loads it", async () => {
        const warn = asEngineRun("preview");
        const cfg = await loadConfigOf(stackValues("staging"), SECRETS, "staging");
        expect(cfg.app.image).toContain("123456789012");
        expect(warn).toHaveBeenCalledWith(expect.stringContaining("capstan:app.image"));
    });

    it("updates the local stack, whose cluster is the local try-out cluster", async () => {
        asEngineRun("update");
        const cfg = await loadConfigOf(stackValues("local"), SECRETS, "local");
        expect(cfg.cluster.mode === "external" && cfg.cluster.local).toBe(true);
    });

    it("updates a stack of one's own", async () => {
        asEngineRun("update");
        await expect(loadConfigOf(ownStaging(), SECRETS, "staging")).resolves.toBeDefined();
    });

    it("refuses cluster.local beside AWS data", async () => {
        const v = stackValues("local");
        v["capstan:cluster"].oidcProviderArn = "arn:aws:iam::210987654321:oidc-provider/oidc.eks.example";
        const err = await loadConfigOf(v, SECRETS, "local").catch((e: unknown) => e);
        expect((err as ConfigError).problems.map((p) => p.path)).toContain("capstan:cluster.local");
    });
});
