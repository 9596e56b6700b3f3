import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
    cidrProblem,
    cronProblem,
    dnsLabelProblem,
    imageTagProblem,
    timeZoneProblem,
} from "../../../components/config";
import { formatCidr, parseCidr } from "../../../components/core";
import { problemsOf } from "../../harness";

describe("cron schedules", () => {
    it.each([
        "15 3 * * *",
        "*/5 * * * *",
        "0 6 * * MON-FRI",
        "0 0 1 JAN,JUL *",
        "0-30/10 8-18 * * 1-5",
        "@daily",
        "@hourly",
        "0 0 * * 7",
    ])("accepts %s", (s) => {
        expect(cronProblem(s)).toBeUndefined();
    });
    it.each([
        ["60 * * * *", "outside 0-59"],
        ["* 24 * * *", "outside 0-23"],
        ["* * 0 * *", "outside 1-31"],
        ["* * * 13 *", "outside 1-12"],
        ["* * * * 8", "outside 0-7"],
        ["* * * *", "has 4 fields"],
        ["* * * * * *", "has 6 fields"],
        ["*/0 * * * *", "malformed"],
        ["30-10 * * * *", "runs backwards"],
        ["@often", "not a known macro"],
        ["CRON_TZ=UTC 0 3 * * *", "timeZone"],
        ["TZ=Europe/Berlin 0 3 * * *", "timeZone"],
    ])("rejects %s (%s)", (s, why) => {
        expect(cronProblem(s)).toContain(why);
    });
});

describe("cron time zones: names the API server resolves (Go's time.LoadLocation), spelled exactly", () => {
    it.each([
        "UTC",
        "Etc/UTC",
        "GMT",
        "Europe/Berlin",
        "America/New_York",
        "America/Argentina/Buenos_Aires",
        "US/Eastern",
        "Europe/Kiev",
        "Europe/Kyiv",
        "Asia/Calcutta",
        "Etc/GMT+5",
        "EST5EDT",
    ])("accepts %s", (tz) => {
        expect(timeZoneProblem(tz)).toBeUndefined();
    });
    it.each([
        ["Mars/Base", "not an IANA time zone"],
        ["europe/berlin", "use Europe/Berlin"],
        ["EUROPE/BERLIN", "use Europe/Berlin"],
        ["utc", "use UTC"],
        ["Local", "controller's own zone"],
        ["local", "controller's own zone"],
        ["", "not an IANA time zone"],
        ["Europe/Berlin ", "not an IANA time zone"],
        ["CEST", "not an IANA time zone"],
        ["Europe/../Berlin", "not an IANA time zone"],
    ])("rejects %j (%s)", (tz, why) => {
        expect(timeZoneProblem(tz)).toContain(why);
    });
    it("a stack's cron timeZone is checked with the same rule", () => {
        const problems = problemsOf("staging", (r) => (r.app.cron[0].timeZone = "europe/berlin"));
        expect(problems).toEqual([
            { path: "capstan:app.cron[0].timeZone", message: expect.stringContaining("use Europe/Berlin") },
        ]);
    });
});

describe("DNS-1123 labels", () => {
    it.each(["a", "phraseapp", "web-1", "a".repeat(63)])("accepts %s", (s) =>
        expect(dnsLabelProblem(s)).toBeUndefined(),
    );
    it.each(["", "A", "-a", "a-", "a_b", "a.b", "a".repeat(64)])("rejects %j", (s) =>
        expect(dnsLabelProblem(s)).toBeDefined(),
    );
});

describe("image tags", () => {
    it("refuses latest only in production", () => {
        expect(imageTagProblem("latest", "production")).toContain("not allowed in production");
        expect(imageTagProblem("latest", "staging")).toBeUndefined();
    });
    it.each(["", "-x", "a b", "x".repeat(129)])("rejects %j everywhere", (t) => {
        expect(imageTagProblem(t, "staging")).toBeDefined();
    });
});

describe("CIDR blocks", () => {
    it("round-trips every network address and prefix", () => {
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }), (addr, prefix) => {
                const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
                const base = (addr & mask) >>> 0;
                const text = formatCidr({ base, prefix });
                expect(parseCidr(text)).toEqual({ base, prefix });
                expect(cidrProblem(text)).toBeUndefined();
            }),
        );
    });
    it.each(["10.0.0.0", "10.0.0.0/33", "256.0.0.0/8", "10.0.0.1/16", "10.0.0/16", "x"])("rejects %s", (c) => {
        expect(cidrProblem(c)).toBeDefined();
    });
});
