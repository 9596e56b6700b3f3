import { afterEach, describe, expect, it, vi } from "vitest";
import { railsAppProblems } from "../components/app/railsApp";
import { appSchema } from "../components/config";
import { canaryTagProblem } from "../components/config/rules";
import { problemsOf } from "./harness";

// The rule is wrapped so that a test can change it in one place and watch both users follow.
vi.mock("../components/config/rules", async (original) => {
    const rules = await original<typeof import("../components/config/rules")>();
    return { ...rules, canaryTagProblem: vi.fn(rules.canaryTagProblem) };
});

afterEach(() => vi.mocked(canaryTagProblem).mockRestore());

const app = appSchema.parse({ name: "shop", image: "registry.example.com/shop", migrate: { command: ["m"] } });
const cookie = { name: "_AUSER_TYPE", value: "canary" };

/** What the config check says of prod's canary at `canaryTag`, prod's imageTag being `imageTag`. */
function configSays(imageTag: string, canaryTag: string): string[] {
    return problemsOf("prod", (r) => {
        r.imageTag = imageTag;
        r.canary.imageTag = canaryTag;
    })
        .filter((p) => p.path === "capstan:canary.imageTag")
        .map((p) => p.message);
}

/** What RailsApp says of a canary at `canaryTag` beside `imageTag`. */
function railsAppSays(imageTag: string, canaryTag: string): string[] {
    return railsAppProblems({ app, imageTag, canary: { imageTag: canaryTag, weight: 0, cookie } }).filter((p) =>
        p.startsWith("canary.imageTag:"),
    );
}

describe("a canary's tag is judged by one rule, in the config and in RailsApp alike", () => {
    it("a canary at the stable tag is refused by both, with the same reason", () => {
        const reason = '"2026.12.01-7e3d2a9" equals imageTag; a canary runs a different tag';
        expect(configSays("2026.12.01-7e3d2a9", "2026.12.01-7e3d2a9")).toEqual([expect.stringContaining(reason)]);
        expect(railsAppSays("2026.12.01-7e3d2a9", "2026.12.01-7e3d2a9")).toEqual([expect.stringContaining(reason)]);
    });

    it("a canary at another tag is accepted by both", () => {
        expect(configSays("2026.12.01-7e3d2a9", "2026.12.02-b5c8f10")).toEqual([]);
        expect(railsAppSays("2026.12.01-7e3d2a9", "2026.12.02-b5c8f10")).toEqual([]);
    });

    it("when the rule changes, both refuse what it refuses", () => {
        vi.mocked(canaryTagProblem).mockImplementation((canaryTag) =>
            canaryTag.endsWith("-dirty") ? "is built from uncommitted code" : undefined,
        );
        expect(configSays("2026.12.01-7e3d2a9", "2026.12.02-dirty")).toEqual(["is built from uncommitted code"]);
        expect(railsAppSays("2026.12.01-7e3d2a9", "2026.12.02-dirty")).toEqual([
            "canary.imageTag: is built from uncommitted code",
        ]);
    });
});
