import { describe, expect, it } from "vitest";
import { problemsOf } from "../../harness";

/** What the config check says of prod's canary at `canaryTag`, prod's imageTag being `imageTag`. */
function configSays(imageTag: string, canaryTag: string): string[] {
    return problemsOf("prod", (r) => {
        r.imageTag = imageTag;
        r.canary.imageTag = canaryTag;
    })
        .filter((p) => p.path === "capstan:canary.imageTag")
        .map((p) => p.message);
}

describe("a canary's tag is judged by the config checks, before anything is declared", () => {
    it("a canary at the stable tag is refused, with the reason and the way to promote it", () => {
        expect(configSays("2026.12.01-7e3d2a9", "2026.12.01-7e3d2a9")).toEqual([
            expect.stringContaining(
                '"2026.12.01-7e3d2a9" equals imageTag; a canary runs a different tag (to promote it, set imageTag and remove capstan:canary)',
            ),
        ]);
    });

    it("a canary at another tag is accepted", () => {
        expect(configSays("2026.12.01-7e3d2a9", "2026.12.02-b5c8f10")).toEqual([]);
    });
});
