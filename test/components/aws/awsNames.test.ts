import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { awsName, AWS_NAME_LIMITS, isAwsName } from "../../../components/aws/names";

/** Stack-like names: what `<project>-<stack>` can hold (Pulumi allows letters, digits, '-', '_', '.'). */
const base = fc.stringMatching(/^[A-Za-z0-9_.-]{1,120}$/);
const limits = Object.values(AWS_NAME_LIMITS);

describe("physical names of the database and cache", () => {
    it("are always identifiers AWS accepts, within each limit", () => {
        fc.assert(
            fc.property(base, fc.constantFrom(...limits), (b, max) => {
                expect(isAwsName(awsName(b, max), max), awsName(b, max)).toBe(true);
            }),
        );
    });

    it("are the same for the same base, and differ for long bases that share their start", () => {
        fc.assert(
            fc.property(
                fc.stringMatching(/^[a-z]{50}$/),
                fc.stringMatching(/^[a-z]{1,20}$/),
                fc.stringMatching(/^[a-z]{1,20}$/),
                (start, x, y) => {
                    fc.pre(x !== y);
                    const max = AWS_NAME_LIMITS.elastiCacheReplicationGroup;
                    expect(awsName(`${start}-${x}`, max)).toBe(awsName(`${start}-${x}`, max));
                    expect(awsName(`${start}-${x}`, max)).not.toBe(awsName(`${start}-${y}`, max));
                },
            ),
        );
    });

    it.each([
        ["capstan-prod", 63, "capstan-prod"],
        ["capstan-tenant_acme.eu", 40, "capstan-tenant-acme-eu"],
        ["2026-capstan", 40, "c-2026-capstan"],
    ])("keep %s, which fits, readable: %s characters give %s", (b, max, expected) => {
        expect(awsName(b, max)).toBe(expected);
    });

    it("shorten a long tenant's name to its start and a hash", () => {
        const name = awsName(`capstan-tenant-${"a".repeat(63)}`, AWS_NAME_LIMITS.elastiCacheReplicationGroup);
        expect(name).toMatch(/^capstan-tenant-a{16}-[0-9a-f]{8}$/);
        expect(name).toHaveLength(40);
    });
});
