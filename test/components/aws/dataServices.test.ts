/** The stack's own database and cache, one component at a time, under the mock engine. */
import { describe, expect, it } from "vitest";
import { Cache, CACHE_PORT } from "../../../components/aws/cache";
import { Database, type DatabaseArgs } from "../../../components/aws/database";
import { AWS_NAME_LIMITS, isAwsName } from "../../../components/aws/names";
import { toManifestObjects, toManifestsYaml, toPlan } from "../../../scripts/render/plan";
import { isSecretValue } from "../../../scripts/render/secret";
import { ofType, runComponents, type RecordedResource, type RunResult } from "../../harness";

const NODES = "sg-0nodes";
const placement = {
    vpcId: "vpc-0abc",
    subnetIds: ["subnet-a", "subnet-b"],
    clientSecurityGroupId: NODES,
    availabilityZones: ["eu-central-1a", "eu-central-1b"],
};
const LONG = `capstan-tenant-${"a".repeat(63)}`;

const inputs = (r: RecordedResource) => r.inputs as Record<string, any>;
const one = (run: RunResult, type: string) => {
    const found = ofType(run.resources, type);
    expect(found, type).toHaveLength(1);
    return found[0];
};
const unwrap = (v: unknown) => (isSecretValue(v) ? v.value : v);

function database(args: Partial<DatabaseArgs> = {}) {
    return runComponents(() => {
        const db = new Database("phraseapp-acme-db", {
            identifier: "capstan-tenant-acme",
            engine: "postgres",
            instanceClass: "serverless",
            ...placement,
            ...args,
        });
        return { url: db.url, host: db.host };
    });
}

function cache(identifier = "capstan-tenant-acme") {
    return runComponents(() => {
        const c = new Cache("phraseapp-acme-cache", { identifier, engine: "valkey", ...placement });
        return { url: c.url, host: c.host };
    });
}

/** The ingress rules of the component's security group, and the group itself. */
function firewall(run: RunResult) {
    const sg = one(run, "aws:ec2/securityGroup:SecurityGroup");
    const rules = ofType(run.resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(inputs);
    return { sg, rules, egress: ofType(run.resources, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") };
}

describe("the database", () => {
    it.each([
        ["Aurora Serverless v2", {}, "aws:rds/cluster:Cluster"],
        ["an RDS instance", { instanceClass: "db.t4g.medium" }, "aws:rds/instance:Instance"],
    ])(
        "%s is encrypted, backed up, deletion-protected, snapshotted on deletion and protected",
        async (_what, args, type) => {
            const run = await database(args);
            const db = one(run, type);
            expect(inputs(db)).toMatchObject({
                storageEncrypted: true,
                backupRetentionPeriod: 7,
                deletionProtection: true,
                skipFinalSnapshot: false,
                copyTagsToSnapshot: true,
            });
            expect(inputs(db).finalSnapshotIdentifier).toMatch(/^capstan-tenant-acme-final$/);
            expect(db.protect).toBe(true);
            for (const i of ofType(run.resources, "aws:rds/clusterInstance:ClusterInstance")) {
                expect(i.protect).toBe(true);
                expect(inputs(i).publiclyAccessible).toBe(false);
            }
            if (type === "aws:rds/instance:Instance") expect(inputs(db).publiclyAccessible).toBe(false);
        },
    );

    it("lives in the given subnets and admits only the nodes, on its port", async () => {
        for (const [engine, port] of [
            ["postgres", 5432],
            ["mysql", 3306],
        ] as const) {
            const run = await database({ engine });
            const { sg, rules, egress } = firewall(run);
            expect(rules).toEqual([
                expect.objectContaining({
                    securityGroupId: sg.id,
                    referencedSecurityGroupId: NODES,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                }),
            ]);
            expect(rules[0].cidrIpv4).toBeUndefined();
            expect(egress).toEqual([]);
            expect(inputs(one(run, "aws:rds/subnetGroup:SubnetGroup")).subnetIds).toEqual(placement.subnetIds);
            expect(inputs(one(run, "aws:rds/cluster:Cluster"))).toMatchObject({ vpcSecurityGroupIds: [sg.id], port });
        }
    });

    it("runs a writer, and with multiAz a reader in the second zone", async () => {
        const zones = async (multiAz: boolean) =>
            ofType((await database({ multiAz })).resources, "aws:rds/clusterInstance:ClusterInstance").map(
                (r) => inputs(r).availabilityZone,
            );
        expect(await zones(false)).toEqual(["eu-central-1a"]);
        expect(await zones(true)).toEqual(["eu-central-1a", "eu-central-1b"]);
    });

    it("gives the app a secret DATABASE_URL with the generated password, which no rendered file shows", async () => {
        const run = await database();
        const password = String(one(run, "random:index/randomPassword:RandomPassword").state.result);
        expect(password).toMatch(/^[A-Za-z0-9]{40}$/);
        expect(isSecretValue(run.outputs.url)).toBe(true);
        const cluster = one(run, "aws:rds/cluster:Cluster");
        expect(unwrap(run.outputs.url)).toBe(
            `postgres://app:${password}@${cluster.state.endpoint as string}:5432/app?sslmode=require`,
        );
        expect(isSecretValue(inputs(cluster).masterPassword)).toBe(true);
        const rendered = JSON.stringify(toPlan("capstan", "test", run)) + toManifestsYaml(toManifestObjects(run));
        expect(rendered).not.toContain(password);
    });

    it("composes a mysql2 URL that requires TLS for MySQL", async () => {
        const run = await database({ engine: "mysql", instanceClass: "db.t4g.medium" });
        const instance = one(run, "aws:rds/instance:Instance");
        expect(unwrap(run.outputs.url)).toMatch(
            new RegExp(
                `^mysql2://app:[A-Za-z0-9]{40}@${String(instance.state.address).replace(/\./g, "\\.")}:3306/app\\?ssl_mode=required$`,
            ),
        );
    });

    it("fits RDS's identifier limit for a long tenant's name", async () => {
        const run = await database({ identifier: LONG, multiAz: true });
        const ids = [
            inputs(one(run, "aws:rds/cluster:Cluster")).clusterIdentifier,
            ...ofType(run.resources, "aws:rds/clusterInstance:ClusterInstance").map((r) => inputs(r).identifier),
        ];
        expect(ids).toHaveLength(3);
        for (const id of ids) expect(isAwsName(id, AWS_NAME_LIMITS.rdsIdentifier), id).toBe(true);
        expect(new Set(ids).size).toBe(3);
    });
});

describe("the cache", () => {
    it("is encrypted at rest and in transit, and wants the generated token", async () => {
        const run = await cache();
        const group = inputs(one(run, "aws:elasticache/replicationGroup:ReplicationGroup"));
        expect(group).toMatchObject({
            engine: "valkey",
            atRestEncryptionEnabled: true,
            transitEncryptionEnabled: true,
            port: CACHE_PORT,
            numCacheClusters: 1,
        });
        expect(isSecretValue(group.authToken)).toBe(true);
    });

    it("lives in the given subnets and admits only the nodes, on 6379", async () => {
        const run = await cache();
        const { sg, rules, egress } = firewall(run);
        expect(rules).toEqual([
            expect.objectContaining({
                securityGroupId: sg.id,
                referencedSecurityGroupId: NODES,
                fromPort: 6379,
                toPort: 6379,
            }),
        ]);
        expect(egress).toEqual([]);
        expect(inputs(one(run, "aws:elasticache/replicationGroup:ReplicationGroup")).securityGroupIds).toEqual([sg.id]);
        expect(inputs(one(run, "aws:elasticache/subnetGroup:SubnetGroup")).subnetIds).toEqual(placement.subnetIds);
    });

    it("gives the app a secret rediss:// REDIS_URL with the token, which no rendered file shows", async () => {
        const run = await cache();
        const token = String(one(run, "random:index/randomPassword:RandomPassword").state.result);
        const group = one(run, "aws:elasticache/replicationGroup:ReplicationGroup");
        expect(isSecretValue(run.outputs.url)).toBe(true);
        expect(unwrap(run.outputs.url)).toBe(
            `rediss://:${token}@${group.state.primaryEndpointAddress as string}:6379/0`,
        );
        expect(JSON.stringify(toPlan("capstan", "test", run))).not.toContain(token);
    });

    it("fits ElastiCache's 40 characters for a long tenant's name", async () => {
        const id = inputs(
            one(await cache(LONG), "aws:elasticache/replicationGroup:ReplicationGroup"),
        ).replicationGroupId;
        expect(isAwsName(id, AWS_NAME_LIMITS.elastiCacheReplicationGroup), id).toBe(true);
    });
});
