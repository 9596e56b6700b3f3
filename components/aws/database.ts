import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { awsName, AWS_NAME_LIMITS } from "./names";
import { dataSecurityGroup } from "./dataNetwork";

/** What each engine is called in RDS, and how the app reaches it. */
export const DATABASE_ENGINES = {
    postgres: { aurora: "aurora-postgresql", rds: "postgres", port: 5432, scheme: "postgres", tls: "sslmode=require" },
    // Rails' mysql2 adapter; `ssl_mode=required` refuses a connection without TLS.
    mysql: { aurora: "aurora-mysql", rds: "mysql", port: 3306, scheme: "mysql2", tls: "ssl_mode=required" },
} as const;

/**
 * Generated passwords: letters and digits only, so that they need no escaping in a URL and meet
 * RDS's rules (no `/`, `"`, `@` or space); 40 characters, within Aurora's and MySQL's 41.
 */
export const PASSWORD_LENGTH = 40;

export interface DatabaseArgs {
    /** Base of the physical identifiers (`<project>-<stack>`); shortened with a hash to AWS's 63 characters. */
    readonly identifier: string;
    readonly engine: keyof typeof DATABASE_ENGINES;
    /** `serverless` for Aurora Serverless v2, or an RDS instance class such as `db.t4g.medium` for one RDS instance. */
    readonly instanceClass: string;
    /** @default the engine's default version when the database is created */
    readonly engineVersion?: string;
    /** Aurora Serverless v2 capacity range, in ACUs. @default 0.5 and 4 */
    readonly minCapacity?: number;
    readonly maxCapacity?: number;
    /** An RDS instance's storage in GiB; it grows by itself up to four times this. @default 20 */
    readonly storageGiB?: number;
    /** A standby in a second zone: an Aurora reader that takes over, or RDS Multi-AZ. @default false */
    readonly multiAz?: boolean;
    /** Days of automated backups. @default 7 */
    readonly backupRetentionDays?: number;
    /** @default app */
    readonly databaseName?: string;
    /** The master user, as which the app connects. @default app */
    readonly username?: string;
    readonly vpcId: pulumi.Input<string>;
    /** The cluster's private subnets: the database's addresses are in them. */
    readonly subnetIds: pulumi.Input<string>[];
    /** Zones for Aurora's instances, the writer in the first; one per subnet. */
    readonly availabilityZones: readonly string[];
    /** The cluster nodes' security group: the only clients let in, on the database port. */
    readonly clientSecurityGroupId: pulumi.Input<string>;
    readonly tags?: Record<string, string>;
}

/** The app's connection URL; the password is letters and digits, so it needs no escaping. */
export function databaseUrl(
    engine: keyof typeof DATABASE_ENGINES,
    p: { username: string; password: string; host: string; port: number; database: string },
): string {
    const e = DATABASE_ENGINES[engine];
    return `${e.scheme}://${p.username}:${p.password}@${p.host}:${p.port}/${p.database}?${e.tls}`;
}

/**
 * The stack's own database: Aurora Serverless v2 (`instanceClass: serverless`; a writer and, with
 * `multiAz`, a reader in the second zone) or one RDS instance, PostgreSQL or MySQL. It sits in the
 * given private subnets behind a security group that admits only the cluster's nodes on the
 * database port; storage is encrypted, backups are kept `backupRetentionDays`, deletion
 * protection is on, a final snapshot is taken on deletion, and the database is `protect`ed, so
 * that `pulumi destroy` stops at it.
 *
 * The master password is generated (`@pulumi/random`) and kept a secret Output end to end: in
 * state it is encrypted, and `url` (the app's DATABASE_URL) is secret. `url` resolves only once
 * the writer exists, so nothing that reads it connects before the database can answer.
 * Identifiers are `identifier` shortened to RDS's limit; changing it replaces the database, which
 * `protect` stops.
 */
export class Database extends pulumi.ComponentResource {
    /** DATABASE_URL: secret. */
    public readonly url: pulumi.Output<string>;
    /** The writer's endpoint. */
    public readonly host: pulumi.Output<string>;
    public readonly port: number;
    /** The cluster or instance identifier. */
    public readonly identifier: string;
    public readonly securityGroupId: pulumi.Output<string>;

    constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:aws:Database", name, {}, opts);
        const engine = DATABASE_ENGINES[args.engine];
        const serverless = args.instanceClass === "serverless";
        const username = args.username ?? "app";
        const databaseName = args.databaseName ?? "app";
        const backupRetentionPeriod = args.backupRetentionDays ?? 7;
        const tags = args.tags ?? {};
        const id = awsName(args.identifier, AWS_NAME_LIMITS.rdsIdentifier);
        // Deleting the database (after `protect` and deletion protection are lifted) leaves this snapshot.
        const finalSnapshotIdentifier = `${id}-final`;

        const password = new random.RandomPassword(
            `${name}-password`,
            { length: PASSWORD_LENGTH, special: false },
            { parent: this },
        );
        const secretPassword = pulumi.secret(password.result);
        const sg = dataSecurityGroup(
            `${name}`,
            {
                vpcId: args.vpcId,
                port: engine.port,
                clientSecurityGroupId: args.clientSecurityGroupId,
                what: `database ${id}`,
                tags,
            },
            this,
        );
        const subnetGroup = new aws.rds.SubnetGroup(
            name,
            { subnetIds: args.subnetIds, description: `database ${id}: cluster private subnets`, tags },
            { parent: this },
        );
        const common = {
            engineVersion: args.engineVersion,
            port: engine.port,
            dbSubnetGroupName: subnetGroup.name,
            vpcSecurityGroupIds: [sg.id],
            storageEncrypted: true,
            backupRetentionPeriod,
            copyTagsToSnapshot: true,
            deletionProtection: true,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier,
            tags,
        };

        let host: pulumi.Output<string>;
        if (serverless) {
            const cluster = new aws.rds.Cluster(
                name,
                {
                    ...common,
                    clusterIdentifier: id,
                    engine: engine.aurora,
                    engineMode: "provisioned",
                    databaseName,
                    masterUsername: username,
                    masterPassword: secretPassword,
                    serverlessv2ScalingConfiguration: {
                        minCapacity: args.minCapacity ?? 0.5,
                        maxCapacity: args.maxCapacity ?? 4,
                    },
                },
                { parent: this, protect: true },
            );
            const zones = args.availabilityZones.slice(0, args.multiAz ? 2 : 1);
            const instances = zones.map(
                (zone, i) =>
                    new aws.rds.ClusterInstance(
                        `${name}-${i + 1}`,
                        {
                            identifier: awsName(`${args.identifier}-${i + 1}`, AWS_NAME_LIMITS.rdsIdentifier),
                            clusterIdentifier: cluster.id,
                            engine: engine.aurora,
                            engineVersion: cluster.engineVersion,
                            instanceClass: "db.serverless",
                            availabilityZone: zone,
                            dbSubnetGroupName: subnetGroup.name,
                            publiclyAccessible: false,
                            promotionTier: i,
                            copyTagsToSnapshot: true,
                            tags,
                        },
                        { parent: cluster, protect: true },
                    ),
            );
            // The cluster endpoint follows the writer through a failover; waiting for the
            // instances means the URL is there only once something answers at it.
            host = pulumi.all([cluster.endpoint, ...instances.map((i) => i.id)]).apply(([endpoint]) => endpoint);
        } else {
            const instance = new aws.rds.Instance(
                name,
                {
                    ...common,
                    identifier: id,
                    engine: engine.rds,
                    instanceClass: args.instanceClass,
                    allocatedStorage: args.storageGiB ?? 20,
                    maxAllocatedStorage: (args.storageGiB ?? 20) * 4,
                    storageType: "gp3",
                    dbName: databaseName,
                    username,
                    password: secretPassword,
                    multiAz: args.multiAz ?? false,
                    publiclyAccessible: false,
                    autoMinorVersionUpgrade: true,
                },
                { parent: this, protect: true },
            );
            host = instance.address;
        }

        this.identifier = id;
        this.host = host;
        this.port = engine.port;
        this.securityGroupId = sg.id;
        this.url = pulumi.secret(
            pulumi.all([host, secretPassword]).apply(([h, p]) =>
                databaseUrl(args.engine, {
                    username,
                    password: p,
                    host: h,
                    port: engine.port,
                    database: databaseName,
                }),
            ),
        );
        this.registerOutputs({
            host: this.host,
            port: this.port,
            identifier: this.identifier,
            securityGroupId: this.securityGroupId,
        });
    }
}
