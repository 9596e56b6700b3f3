import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCidr, splitSubnets } from "../../../components/core/cidr";
import { problemsOf } from "../../harness";

const range = (cidr: string) => {
    const c = parseCidr(cidr);
    if (!c) throw new Error(`not a CIDR: ${cidr}`);
    const size = 2 ** (32 - c.prefix);
    return { start: c.base, end: c.base + size, size, prefix: c.prefix };
};

/** Any valid VPC block (/16 to /24, host bits zero) and 2 to 6 zones. */
const vpcBlock = fc
    .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 16, max: 24 }))
    .map(([addr, prefix]) => {
        const base = (addr & ((0xffffffff << (32 - prefix)) >>> 0)) >>> 0;
        return `${base >>> 24}.${(base >>> 16) & 255}.${(base >>> 8) & 255}.${base & 255}/${prefix}`;
    });
const zones = fc
    .integer({ min: 2, max: 6 })
    .map((n) => Array.from({ length: n }, (_, i) => `eu-central-1${"abcdef"[i]}`));

describe("the VPC block is split into subnets", () => {
    it("for any valid block and 2..6 zones: inside the block, pairwise disjoint, one public and one private per zone", () => {
        fc.assert(
            fc.property(vpcBlock, zones, (block, zs) => {
                const layout = splitSubnets(block, zs);
                expect(layout.map((l) => l.zone)).toEqual(zs);
                const vpc = range(block);
                const all = layout.flatMap((l) => [range(l.public), range(l.private)]);
                for (const s of all) {
                    expect(s.start).toBeGreaterThanOrEqual(vpc.start);
                    expect(s.end).toBeLessThanOrEqual(vpc.end);
                    expect(s.prefix).toBeLessThanOrEqual(28);
                    expect(s.start % s.size).toBe(0);
                }
                const sorted = [...all].sort((a, b) => a.start - b.start);
                for (let i = 1; i < sorted.length; i++)
                    expect(sorted[i].start).toBeGreaterThanOrEqual(sorted[i - 1].end);
            }),
            { numRuns: 300 },
        );
    });

    it("packs the subnets with no gap between them, the spare range left at the end", () => {
        fc.assert(
            fc.property(vpcBlock, zones, (block, zs) => {
                const all = splitSubnets(block, zs)
                    .flatMap((l) => [range(l.private), range(l.public)])
                    .sort((a, b) => a.start - b.start);
                expect(all[0].start).toBe(range(block).start);
                for (let i = 1; i < all.length; i++) expect(all[i].start).toBe(all[i - 1].end);
            }),
            { numRuns: 300 },
        );
    });

    it.each([
        ["10.30.0.0/16", 3, "10.30.0.0/18", "10.30.192.0/20"],
        ["10.20.0.0/16", 2, "10.20.0.0/18", "10.20.128.0/20"],
        ["10.0.0.0/24", 6, "10.0.0.0/28", "10.0.0.96/28"],
    ])(
        "%s over %i zones: the first private subnet is %s, the first public one %s",
        (block, n, firstPrivate, firstPublic) => {
            const layout = splitSubnets(
                block,
                Array.from({ length: n }, (_, i) => `z${i}`),
            );
            expect(layout[0].private).toBe(firstPrivate);
            expect(layout[0].public).toBe(firstPublic);
        },
    );

    it("gives the private subnets, where the pods take their addresses, more room than the public ones", () => {
        const [first] = splitSubnets("10.30.0.0/16", ["a", "b", "c"]);
        expect(range(first.private).size).toBe(4 * range(first.public).size);
    });
});

describe("the config refuses a VPC block exactly when the Network could not carve it", () => {
    const tooSmall = (block: string, zs: string[]) =>
        problemsOf("staging", (r) => (r.network = { cidrBlock: block, availabilityZones: zs })).some(
            (p) => p.path === "capstan:network.cidrBlock" && p.message.includes("is too small for"),
        );
    const carves = (block: string, zs: string[]) => {
        try {
            splitSubnets(block, zs);
            return true;
        } catch {
            return false;
        }
    };
    const anyBlock = fc
        .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 16, max: 28 }))
        .map(([addr, prefix]) => {
            const base = (addr & ((0xffffffff << (32 - prefix)) >>> 0)) >>> 0;
            return `${base >>> 24}.${(base >>> 16) & 255}.${(base >>> 8) & 255}.${base & 255}/${prefix}`;
        });
    const manyZones = fc
        .integer({ min: 2, max: 26 })
        .map((n) => Array.from({ length: n }, (_, i) => `eu-central-1${"abcdefghijklmnopqrstuvwxyz"[i]}`));

    it("for any block of /16 to /28 and 2 to 26 zones", () => {
        fc.assert(
            fc.property(anyBlock, manyZones, (block, zs) => {
                expect(tooSmall(block, zs)).toBe(!carves(block, zs));
            }),
            { numRuns: 200 },
        );
    });

    it.each<[string, number, boolean]>([
        ["10.0.0.0/24", 8, true],
        ["10.0.0.0/24", 9, false],
        ["10.0.0.0/27", 2, false],
        ["10.0.0.0/26", 2, true],
    ])("%s over %i zones can be carved: %s", (block, n, ok) => {
        const zs = Array.from({ length: n }, (_, i) => `eu-central-1${"abcdefghi"[i]}`);
        expect(carves(block, zs)).toBe(ok);
        expect(tooSmall(block, zs)).toBe(!ok);
    });
});
