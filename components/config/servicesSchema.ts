import { z } from "zod";
import { doc } from "./docs";
import { int } from "./fields";

/** The stack's own database, cache and DNS: `capstan:database`, `capstan:cache`, `capstan:dns`. */

/** An engine version such as "16.6" or "8.0.mysql_aurora.3.08.0". */
/** An engine's version, with an example of the engine's own (`16.6`, PostgreSQL; `8.0`, Valkey). */
const engineVersion = (example: string) =>
    z.string().regex(/^\d+(\.[A-Za-z0-9_-]+)*$/, {
        message: `must be an engine version such as ${example}; quote it in YAML`,
    });

export const databaseSchema = z.strictObject({
    engine: doc(z.enum(["postgres", "mysql"]), { description: "The database engine." }),
    instanceClass: doc(
        z
            .string()
            .regex(/^(serverless|db\.[a-z0-9-]+\.[a-z0-9]+)$/, {
                message: "must be serverless (Aurora Serverless v2) or an RDS instance class such as db.t4g.medium",
            })
            .default("serverless"),
        {
            description:
                "`serverless`: Aurora Serverless v2 (Aurora PostgreSQL or Aurora MySQL), sized between `minCapacity` and `maxCapacity`. An RDS class such as `db.t4g.medium`: one RDS for PostgreSQL or MySQL instance of that class.",
            type: "`serverless` | `db.*`",
        },
    ),
    engineVersion: doc(engineVersion('"16.6" (PostgreSQL)').optional(), {
        description: 'The engine version (quote it: `"16.6"`).',
        default: "the engine's default version when the database is created (RDS picks it)",
    }),
    minCapacity: doc(z.number().min(0).max(256).multipleOf(0.5).default(0.5), {
        description: "Aurora Serverless v2: the least capacity; 0 pauses when idle, where the version allows.",
        unit: "ACUs",
        rules: "at most `maxCapacity`",
    }),
    maxCapacity: doc(z.number().min(1).max(256).multipleOf(0.5).default(4), {
        description: "Aurora Serverless v2: the most capacity.",
        unit: "ACUs",
    }),
    storageGiB: doc(int(20, 16384).default(20), {
        description: "An RDS instance's storage (gp3, encrypted); it grows by itself up to four times this.",
        unit: "GiB",
    }),
    multiAz: doc(z.boolean().default(false), {
        description: "A standby in a second zone: an Aurora reader that takes over, or an RDS Multi-AZ standby.",
    }),
    backupRetentionDays: doc(int(1, 35).default(7), {
        description: "Automated backups kept (point-in-time recovery).",
        unit: "days",
    }),
    name: doc(
        z
            .string()
            .regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/, {
                message: "must be a database name: a letter, then letters, digits or '_', at most 63",
            })
            .default("app"),
        { description: "The database the app uses." },
    ),
    username: doc(
        z
            .string()
            .regex(/^[A-Za-z][A-Za-z0-9_]{0,15}$/, {
                message: "must be a user name: a letter, then letters, digits or '_', at most 16",
            })
            .default("app"),
        { description: "The user the app connects as (the master user)." },
    ),
});

export const cacheSchema = z.strictObject({
    engine: doc(z.enum(["valkey", "redis"]), { description: "The cache engine; `redis` is Redis OSS." }),
    engineVersion: doc(engineVersion('"8.0" (Valkey) or "7.1" (Redis OSS)').optional(), {
        description: 'The engine version (quote it: `"8.0"`).',
        default: "ElastiCache's default version for the engine",
    }),
    nodeType: doc(
        z
            .string()
            .regex(/^cache\.[a-z0-9-]+\.[a-z0-9]+$/, {
                message: "must be an ElastiCache node type such as cache.t4g.small",
            })
            .default("cache.t4g.small"),
        { description: "The node type." },
    ),
    replicas: doc(int(0, 5).default(0), {
        description:
            "Replicas of the primary; with one or more, a failed primary fails over to a replica in another zone.",
    }),
    snapshotRetentionDays: doc(int(0, 35).default(1), {
        description: "Daily snapshots kept; 0 takes none.",
        unit: "days",
    }),
});

export const dnsSchema = z.strictObject({
    zoneId: doc(
        z
            .string()
            .regex(/^Z[A-Z0-9]{1,31}$/, { message: "must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ" }),
        {
            description:
                "The Route 53 public hosted zone that holds every host of the stack: each host gets an alias record, and one ACM certificate covers them all.",
        },
    ),
});
