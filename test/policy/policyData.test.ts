/**
 * The policy pack's rules for databases and caches, both ways: the resources as prod declares them
 * comply, and each violation is reported by its rule alone.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { runPolicies, type PolicyInput } from "../../policy/rules";
import { DATA, dataResourceRules } from "../../policy/rules/data";
import { render, type Rendered } from "../harness";

let prod: Rendered;
beforeAll(async () => {
    prod = await render("prod");
});

/** One resource of each type the rules judge: prod's, and an RDS instance declared as the Database component declares one. */
function declared(): PolicyInput[] {
    const pick = (type: string, urn: string, where: (inputs: Record<string, any>) => boolean = () => true) => {
        const r = prod.plan.resources.find((x) => x.type === type && where(x.inputs))!;
        return { type, urn, props: structuredClone(r.inputs) as Record<string, any> };
    };
    const cluster = pick(DATA.rdsCluster, "urn:cluster");
    return [
        cluster,
        pick(DATA.rdsClusterInstance, "urn:instance"),
        pick(DATA.replicationGroup, "urn:cache"),
        pick(DATA.securityGroupIngressRule, "urn:sgir", (i) => i.fromPort === 5432),
        {
            type: DATA.rdsInstance,
            urn: "urn:rds",
            props: {
                ...cluster.props,
                identifier: "capstan-prod",
                engine: "postgres",
                instanceClass: "db.t4g.medium",
                publiclyAccessible: false,
                allocatedStorage: 20,
            },
        },
        {
            type: DATA.securityGroup,
            urn: "urn:sg",
            props: { ingress: [{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["10.30.0.0/18"] }] },
        },
        {
            type: DATA.securityGroupRule,
            urn: "urn:sgr",
            props: { type: "egress", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] },
        },
    ];
}

function withChange(urn: string, mutate: (p: any) => void): PolicyInput[] {
    return declared().map((r) => {
        if (r.urn !== urn) return r;
        const props = structuredClone(r.props);
        mutate(props);
        return { ...r, props };
    });
}

describe("the data rules of the policy pack", () => {
    it("pass the database, cache and firewall as prod declares them", () => {
        expect(new Set(declared().map((r) => r.type))).toEqual(new Set(Object.values(DATA)));
        expect(runPolicies(declared())).toEqual([]);
    });

    it.each<[string, string, string, (p: any) => void]>([
        ["an unencrypted Aurora cluster", "database-encrypted", "urn:cluster", (p) => (p.storageEncrypted = false)],
        ["an RDS instance that does not say", "database-encrypted", "urn:rds", (p) => delete p.storageEncrypted],
        [
            "a publicly accessible cluster instance",
            "database-not-public",
            "urn:instance",
            (p) => (p.publiclyAccessible = true),
        ],
        [
            "an RDS instance that leaves it to its subnets",
            "database-not-public",
            "urn:rds",
            (p) => delete p.publiclyAccessible,
        ],
        [
            "a cluster without deletion protection",
            "database-deletion-protected",
            "urn:cluster",
            (p) => (p.deletionProtection = false),
        ],
        [
            "a cluster that skips its final snapshot",
            "database-deletion-protected",
            "urn:cluster",
            (p) => (p.skipFinalSnapshot = true),
        ],
        [
            "an instance without a final snapshot name",
            "database-deletion-protected",
            "urn:rds",
            (p) => delete p.finalSnapshotIdentifier,
        ],
        ["a cluster without backups", "database-backups", "urn:cluster", (p) => (p.backupRetentionPeriod = 0)],
        [
            "an instance that does not say how long it keeps backups",
            "database-backups",
            "urn:rds",
            (p) => delete p.backupRetentionPeriod,
        ],
        ["a cache unencrypted at rest", "cache-encrypted", "urn:cache", (p) => (p.atRestEncryptionEnabled = false)],
        ["a cache in plain text on the wire", "cache-encrypted", "urn:cache", (p) => delete p.transitEncryptionEnabled],
        ["a cache without authentication", "cache-encrypted", "urn:cache", (p) => delete p.authToken],
        [
            "a rule opening PostgreSQL to the world",
            "no-world-open-data-ports",
            "urn:sgir",
            (p) => Object.assign(p, { cidrIpv4: "0.0.0.0/0", referencedSecurityGroupId: undefined }),
        ],
        [
            "an inline rule opening a range with Redis's port to IPv6 anywhere",
            "no-world-open-data-ports",
            "urn:sg",
            (p) => p.ingress.push({ protocol: "tcp", fromPort: 6000, toPort: 7000, ipv6CidrBlocks: ["::/0"] }),
        ],
        [
            "a SecurityGroupRule opening MySQL to the world",
            "no-world-open-data-ports",
            "urn:sgr",
            (p) => Object.assign(p, { type: "ingress", protocol: "tcp", fromPort: 3306, toPort: 3306 }),
        ],
    ])("reports %s (%s)", (_what, policy, urn, mutate) => {
        const findings = runPolicies(withChange(urn, mutate));
        expect(findings.map((f) => [f.policy, f.urn])).toEqual([[policy, urn]]);
        expect(findings[0].message).toMatch(/set |let in only/);
    });

    it("leave ports that are not a database's or a cache's to the other rules", () => {
        const https = withChange("urn:sgir", (p) =>
            Object.assign(p, {
                cidrIpv4: "0.0.0.0/0",
                referencedSecurityGroupId: undefined,
                fromPort: 443,
                toPort: 443,
            }),
        );
        expect(runPolicies(https)).toEqual([]);
    });

    it("have unique names", () => {
        expect(new Set(dataResourceRules.map((r) => r.name)).size).toBe(dataResourceRules.length);
    });
});
