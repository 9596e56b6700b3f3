import { afterEach, describe, expect, it, vi } from "vitest";
import { appNamespace } from "../../../components/core/names";
import { loadConfigOf, problemsOf, stackValues } from "../../harness";

// The rule is wrapped so that a test can change it in one place and watch every user follow.
vi.mock("../../../components/core/names", async (original) => {
    const names = await original<typeof import("../../../components/core/names")>();
    return { ...names, appNamespace: vi.fn(names.appNamespace) };
});

const SECRETS = { "capstan:appSecrets": { SECRET_KEY_BASE: "k" } };

/** A rule that names the namespace differently from the real one, keeping its key path. */
function ruleGives(namespace: string) {
    vi.mocked(appNamespace).mockImplementation((cfg) => ({
        namespace,
        path: cfg.tenant ? "tenant.name" : "app.name",
    }));
}

afterEach(() => vi.mocked(appNamespace).mockRestore());

describe("the app's namespace is named by one rule", () => {
    it("a tenant's app runs in the namespace of the app's and the tenant's name", async () => {
        const cfg = await loadConfigOf(stackValues("tenant-acme"), SECRETS, "tenant-acme");
        const values = stackValues("tenant-acme");
        expect(cfg.namespace).toBe(`${values["capstan:app"].name}-${values["capstan:tenant"].name}`);
    });

    it("the loaded config runs the app in the namespace the rule names", async () => {
        ruleGives("shop-elsewhere");
        const cfg = await loadConfigOf(stackValues("tenant-acme"), SECRETS, "tenant-acme");
        expect(cfg.namespace).toBe("shop-elsewhere");
    });

    it("the name checks measure the namespace the rule names", () => {
        ruleGives("n".repeat(70));
        const messages = problemsOf("tenant-acme", () => undefined)
            .filter((p) => p.path === "capstan:tenant.name")
            .map((p) => p.message)
            .join("\n");
        expect(messages).toContain("tenant namespace");
        expect(messages).toContain("IAM role name");
    });

    it("the reserved-namespace check refuses what the rule names", () => {
        ruleGives("kube-system");
        const problems = problemsOf("tenant-acme", () => undefined).filter((p) => p.path === "capstan:tenant.name");
        expect(problems.map((p) => p.message).join("\n")).toContain('makes the app\'s namespace "kube-system"');
    });
});
