/**
 * capstan:release: rolling by default; blue/green's preview hosts, scale-down delay and HTTP checks
 * are checked, and each refusal names the key path, the value and the fix.
 */
import { describe, expect, it } from "vitest";
import { durationSeconds, releaseSchema } from "../../../components/config";
import { problemsOf } from "../../harness";

type Root = Record<string, any>;
const blueGreen = (r: Root, extra: Record<string, unknown> = {}) =>
    (r.release = { strategy: "blueGreen", previewHosts: ["preview.local.example.com"], ...extra });

/** Each refused config: the change, the key path, and what the message must say. */
const REFUSED: [string, (r: Root) => void, string, RegExp][] = [
    [
        "a canary and blue/green at once",
        (r) => {
            blueGreen(r);
            r.canary = { imageTag: "2026.11.21-9a8b7c6", cookie: { name: "_C", value: "1" } };
        },
        "capstan:canary.imageTag",
        /"2026\.11\.21-9a8b7c6" runs, but release\.strategy is blueGreen.*promote or abort the canary/,
    ],
    [
        "blue/green without a preview host",
        (r) => (r.release = { strategy: "blueGreen" }),
        "capstan:release.previewHosts",
        /is empty; .*previewHosts: \[preview\.example\.com\]/,
    ],
    [
        "a preview host that is not a host name",
        (r) => blueGreen(r, { previewHosts: ["Preview_Host"] }),
        "capstan:release.previewHosts[0]",
        /"Preview_Host".*lower-case DNS host name/,
    ],
    [
        "a preview host that is one of the app's hosts",
        (r) => blueGreen(r, { previewHosts: ["staging.local.example.com"] }),
        "capstan:release.previewHosts[0]",
        /staging\.local\.example\.com is also a host of capstan:ingress.*use a host of its own/,
    ],
    [
        "a scale-down delay without a unit",
        (r) => blueGreen(r, { scaleDownDelay: "10" }),
        "capstan:release.scaleDownDelay",
        /"10" is not a duration: .*90s, 10m or 1h/,
    ],
    [
        "a scale-down delay over a day",
        (r) => blueGreen(r, { scaleDownDelay: "25h" }),
        "capstan:release.scaleDownDelay",
        /"25h" is more than a day; at most 24h/,
    ],
    [
        "a check path that is not absolute",
        (r) => blueGreen(r, { checks: [{ path: "up" }] }),
        "capstan:release.checks[0].path",
        /"up".*absolute URL path/,
    ],
    [
        "a check status that is not an HTTP status",
        (r) => blueGreen(r, { checks: [{ path: "/up", status: 2000 }] }),
        "capstan:release.checks[0].status",
        /2000/,
    ],
    [
        "preview hosts with the rolling strategy",
        (r) => (r.release = { previewHosts: ["preview.local.example.com"] }),
        "capstan:release.previewHosts",
        /strategy is rolling, which does not read it; remove it, or set strategy: blueGreen/,
    ],
    [
        "a colour's tag that is not an image tag",
        (r) => blueGreen(r, { colours: { green: { imageTag: "-bad" } } }),
        "capstan:release.colours.green.imageTag",
        /"-bad"/,
    ],
];

describe.each(REFUSED)("capstan:release: %s", (_what, mutate, path, message) => {
    it("is refused, naming the key path, the value and the fix", () => {
        const problems = problemsOf("local", mutate);
        const mine = problems.filter((p) => p.path === path);
        expect(mine, JSON.stringify(problems)).toHaveLength(1);
        expect(mine[0].message).toMatch(message);
    });
});

describe("capstan:release", () => {
    it("is rolling when left out, with a scale-down delay of 10 minutes", () => {
        const r = releaseSchema.parse({});
        expect(r.strategy).toBe("rolling");
        expect(durationSeconds(r.scaleDownDelay)).toBe(600);
    });

    it("accepts blue/green with a preview host, checks and a short window", () => {
        expect(
            problemsOf("local", (r) => blueGreen(r, { scaleDownDelay: "15s", checks: [{ path: "/up?full=1" }] })),
        ).toEqual([]);
        expect(releaseSchema.parse({ checks: [{ path: "/up" }] }).checks[0].status).toBe(200);
    });

    it.each([
        ["90s", 90],
        ["10m", 600],
        ["1h", 3600],
    ])("reads %s as %i seconds", (d, s) => expect(durationSeconds(d)).toBe(s));
});
