import { describe, expect, it } from "vitest";
import {
    auroraClusterArgs,
    auroraInstanceArgs,
    commonDatabaseArgs,
    databaseSettings,
    rdsInstanceArgs,
    type DatabaseArgs,
} from "../../../components/aws/database";
import { replicationGroupArgs, type CacheArgs } from "../../../components/aws/cache";

const base: DatabaseArgs = {
    identifier: "capstan-test",
    engine: "postgres",
    instanceClass: "serverless",
    vpcId: "vpc-1",
    subnetIds: ["subnet-a", "subnet-b"],
    availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    clientSecurityGroupId: "sg-nodes",
};
const partsOf = (args: DatabaseArgs) => {
    const settings = databaseSettings(args);
    return { settings, common: commonDatabaseArgs(args, settings, "subnets", "sg-db"), password: "pw" };
};
const instancesOf = (args: DatabaseArgs) =>
    auroraInstanceArgs(args, databaseSettings(args), { id: "c", engineVersion: "16", dbSubnetGroupName: "s" }) as any[];

describe("database arguments", () => {
    it("storage is encrypted, deletion is protected and leaves a final snapshot, backups kept 7 days unless set", () => {
        const common = commonDatabaseArgs(base, databaseSettings(base), "subnets", "sg-db");
        expect(common).toMatchObject({
            storageEncrypted: true,
            deletionProtection: true,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: "capstan-test-final",
            backupRetentionPeriod: 7,
            vpcSecurityGroupIds: ["sg-db"],
        });
        const set = { ...base, backupRetentionDays: 30 };
        expect(commonDatabaseArgs(set, databaseSettings(set), "s", "g").backupRetentionPeriod).toBe(30);
    });

    it("Aurora Serverless v2 scales between 0.5 and 4 ACUs unless set, with the app as master user", () => {
        const cluster = auroraClusterArgs(base, partsOf(base)) as any;
        expect(cluster).toMatchObject({
            engine: "aurora-postgresql",
            engineMode: "provisioned",
            masterUsername: "app",
            databaseName: "app",
            masterPassword: "pw",
            serverlessv2ScalingConfiguration: { minCapacity: 0.5, maxCapacity: 4 },
        });
    });

    it("Aurora gets a writer in the first zone, and a reader in the second only with multiAz", () => {
        expect(instancesOf(base).map((i) => [i.availabilityZone, i.promotionTier])).toEqual([["eu-west-1a", 0]]);
        expect(instancesOf({ ...base, multiAz: true }).map((i) => [i.availabilityZone, i.promotionTier])).toEqual([
            ["eu-west-1a", 0],
            ["eu-west-1b", 1],
        ]);
        for (const i of instancesOf(base)) expect(i.publiclyAccessible).toBe(false);
    });

    it("an RDS instance's gp3 storage grows by itself up to four times its size, and it is never public", () => {
        const args = { ...base, engine: "mysql" as const, instanceClass: "db.t4g.medium", storageGiB: 50 };
        const instance = rdsInstanceArgs(args, partsOf(args)) as any;
        expect(instance).toMatchObject({
            engine: "mysql",
            instanceClass: "db.t4g.medium",
            allocatedStorage: 50,
            maxAllocatedStorage: 200,
            storageType: "gp3",
            publiclyAccessible: false,
            multiAz: false,
            port: 3306,
        });
    });
});

describe("cache arguments", () => {
    const cache: CacheArgs = {
        identifier: "capstan-test",
        engine: "valkey",
        vpcId: "vpc-1",
        subnetIds: ["subnet-a"],
        clientSecurityGroupId: "sg-nodes",
    };
    const group = (args: CacheArgs) =>
        replicationGroupArgs(args, { id: "g", subnetGroupName: "s", securityGroupId: "sg", authToken: "t" }) as any;

    it("is encrypted at rest and in transit, behind the auth token", () => {
        expect(group(cache)).toMatchObject({
            atRestEncryptionEnabled: true,
            transitEncryptionEnabled: true,
            authToken: "t",
        });
    });

    it("without replicas is one node with no failover; with replicas fails over across zones", () => {
        expect(group(cache)).toMatchObject({
            numCacheClusters: 1,
            automaticFailoverEnabled: false,
            multiAzEnabled: false,
        });
        expect(group({ ...cache, replicas: 2 })).toMatchObject({
            numCacheClusters: 3,
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
        });
    });

    it("keeps one day of snapshots and runs a cache.t4g.small unless set", () => {
        expect(group(cache)).toMatchObject({ snapshotRetentionLimit: 1, nodeType: "cache.t4g.small" });
        expect(group({ ...cache, snapshotRetentionDays: 0 }).snapshotRetentionLimit).toBe(0);
    });
});
