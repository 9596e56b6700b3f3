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
        const settings = databaseSettings(args);
        const { engine, id, tags } = settings;

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
        const common = commonDatabaseArgs(args, settings, subnetGroup.name, sg.id);
        const host = settings.serverless
            ? createAurora(name, args, { settings, common, password: secretPassword, parent: this })
            : createRdsInstance(name, args, { settings, common, password: secretPassword, parent: this });

        this.identifier = id;
        this.host = host;
        this.port = engine.port;
        this.securityGroupId = sg.id;
        this.url = pulumi.secret(
            pulumi.all([host, secretPassword]).apply(([h, p]) =>
                databaseUrl(args.engine, {
                    username: settings.username,
                    password: p,
                    host: h,
                    port: engine.port,
                    database: settings.databaseName,
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

/** A database's settings with every default resolved. */
export interface DatabaseSettings {
    readonly engine: (typeof DATABASE_ENGINES)[keyof typeof DATABASE_ENGINES];
    /** Aurora Serverless v2 rather than one RDS instance. */
    readonly serverless: boolean;
    readonly username: string;
    readonly databaseName: string;
    /** The cluster or instance identifier, within RDS's limit. */
    readonly id: string;
    readonly tags: Record<string, string>;
}

export function databaseSettings(args: DatabaseArgs): DatabaseSettings {
    return {
        engine: DATABASE_ENGINES[args.engine],
        serverless: args.instanceClass === "serverless",
        username: args.username ?? "app",
        databaseName: args.databaseName ?? "app",
        id: awsName(args.identifier, AWS_NAME_LIMITS.rdsIdentifier),
        tags: args.tags ?? {},
    };
}

/**
 * What an Aurora cluster and an RDS instance share: encrypted storage, backups, deletion
 * protection and a final snapshot, in the private subnets behind the database's security group.
 */
export function commonDatabaseArgs(
    args: DatabaseArgs,
    settings: DatabaseSettings,
    dbSubnetGroupName: pulumi.Input<string>,
    securityGroupId: pulumi.Input<string>,
) {
    return {
        engineVersion: args.engineVersion,
        port: settings.engine.port,
        dbSubnetGroupName,
        vpcSecurityGroupIds: [securityGroupId],
        storageEncrypted: true,
        backupRetentionPeriod: args.backupRetentionDays ?? 7,
        copyTagsToSnapshot: true,
        deletionProtection: true,
        skipFinalSnapshot: false,
        // Deleting the database (after `protect` and deletion protection are lifted) leaves this snapshot.
        finalSnapshotIdentifier: `${settings.id}-final`,
        tags: settings.tags,
    };
}

/** What the functions that declare the database itself are given. */
interface DatabaseParts {
    readonly settings: DatabaseSettings;
    readonly common: ReturnType<typeof commonDatabaseArgs>;
    readonly password: pulumi.Input<string>;
    readonly parent: pulumi.Resource;
}

/** The Aurora Serverless v2 cluster: its own arguments beside the common ones. */
export function auroraClusterArgs(
    args: DatabaseArgs,
    parts: Pick<DatabaseParts, "settings" | "common" | "password">,
): aws.rds.ClusterArgs {
    return {
        ...parts.common,
        clusterIdentifier: parts.settings.id,
        engine: parts.settings.engine.aurora,
        engineMode: "provisioned",
        databaseName: parts.settings.databaseName,
        masterUsername: parts.settings.username,
        masterPassword: parts.password,
        serverlessv2ScalingConfiguration: { minCapacity: args.minCapacity ?? 0.5, maxCapacity: args.maxCapacity ?? 4 },
    };
}

/**
 * Aurora's instances: the writer in the first zone and, with `multiAz`, a reader in the second
 * that takes over (promotion tier 1).
 */
export function auroraInstanceArgs(
    args: DatabaseArgs,
    settings: DatabaseSettings,
    cluster: { id: pulumi.Input<string>; engineVersion: pulumi.Input<string>; dbSubnetGroupName: pulumi.Input<string> },
): aws.rds.ClusterInstanceArgs[] {
    const zones = args.availabilityZones.slice(0, args.multiAz ? 2 : 1);
    return zones.map((zone, i) => ({
        identifier: awsName(`${args.identifier}-${i + 1}`, AWS_NAME_LIMITS.rdsIdentifier),
        clusterIdentifier: cluster.id,
        engine: settings.engine.aurora,
        engineVersion: cluster.engineVersion,
        instanceClass: "db.serverless",
        availabilityZone: zone,
        dbSubnetGroupName: cluster.dbSubnetGroupName,
        publiclyAccessible: false,
        promotionTier: i,
        copyTagsToSnapshot: true,
        tags: settings.tags,
    }));
}

/** One RDS instance; its storage grows by itself up to four times the given size. */
export function rdsInstanceArgs(
    args: DatabaseArgs,
    parts: Pick<DatabaseParts, "settings" | "common" | "password">,
): aws.rds.InstanceArgs {
    const storage = args.storageGiB ?? 20;
    return {
        ...parts.common,
        identifier: parts.settings.id,
        engine: parts.settings.engine.rds,
        instanceClass: args.instanceClass,
        allocatedStorage: storage,
        maxAllocatedStorage: storage * 4,
        storageType: "gp3",
        dbName: parts.settings.databaseName,
        username: parts.settings.username,
        password: parts.password,
        multiAz: args.multiAz ?? false,
        publiclyAccessible: false,
        autoMinorVersionUpgrade: true,
    };
}

/** The Aurora cluster (under `parent`) and its instances (under the cluster), all protected; returns the host. */
export function createAurora(name: string, args: DatabaseArgs, parts: DatabaseParts): pulumi.Output<string> {
    const cluster = new aws.rds.Cluster(name, auroraClusterArgs(args, parts), { parent: parts.parent, protect: true });
    const instances = auroraInstanceArgs(args, parts.settings, {
        id: cluster.id,
        engineVersion: cluster.engineVersion,
        dbSubnetGroupName: parts.common.dbSubnetGroupName,
    }).map(
        (instance, i) => new aws.rds.ClusterInstance(`${name}-${i + 1}`, instance, { parent: cluster, protect: true }),
    );
    // The cluster endpoint follows the writer through a failover; waiting for the
    // instances means the URL is there only once something answers at it.
    return pulumi.all([cluster.endpoint, ...instances.map((i) => i.id)]).apply(([endpoint]) => endpoint);
}

/** One protected RDS instance under `parent`; returns its address. */
export function createRdsInstance(name: string, args: DatabaseArgs, parts: DatabaseParts): pulumi.Output<string> {
    return new aws.rds.Instance(name, rdsInstanceArgs(args, parts), { parent: parts.parent, protect: true }).address;
}
