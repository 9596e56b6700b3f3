/** The config of a stack's own database, cache and DNS: what it accepts, what it refuses, and how it says so. */
import { describe, expect, it } from "vitest";
import { certificateFirstName, validateConfig, type ConfigProblem } from "../../../components/config";
import { loadConfigOf, stackValues } from "../../harness";

type Values = Record<string, any>;

/** A stack file's values as the root object the schema reads. */
function root(values: Values): Record<string, unknown> {
    const out: Record<string, unknown> = { region: values["aws:region"] };
    for (const [k, v] of Object.entries(values)) if (k.startsWith("capstan:")) out[k.slice("capstan:".length)] = v;
    return out;
}

/** prod's values with a database, a cache and DNS, and the app's DATABASE_URL left to Capstan. */
function withServices(): Values {
    const v = stackValues("prod");
    v["capstan:database"] = { engine: "postgres" };
    v["capstan:cache"] = { engine: "valkey" };
    v["capstan:dns"] = { zoneId: "Z0123456789ABCDEFGHIJ" };
    v["capstan:app"].secretEnv = v["capstan:app"].secretEnv.filter((n: string) => n !== "DATABASE_URL");
    return v;
}

const problemsOf = (values: Values): ConfigProblem[] => validateConfig(root(values), {}).problems;
const paths = (values: Values) => problemsOf(values).map((p) => p.path);

describe("capstan:database, capstan:cache and capstan:dns", () => {
    it("accept a stack that sets all three, and resolve their defaults", () => {
        const { config, problems } = validateConfig(root(withServices()), {});
        expect(problems).toEqual([]);
        expect(config?.database).toEqual({
            engine: "postgres",
            instanceClass: "serverless",
            minCapacity: 0.5,
            maxCapacity: 4,
            storageGiB: 20,
            multiAz: false,
            backupRetentionDays: 7,
            name: "app",
            username: "app",
        });
        expect(config?.cache).toEqual({
            engine: "valkey",
            nodeType: "cache.t4g.small",
            replicas: 0,
            snapshotRetentionDays: 1,
        });
        expect(config?.dns).toEqual({ zoneId: "Z0123456789ABCDEFGHIJ" });
    });

    it("are off when left out or set to the {} that Pulumi.yaml defaults them to", async () => {
        const values = stackValues("staging");
        values["capstan:database"] = {};
        values["capstan:cache"] = {};
        const cfg = await loadConfigOf(values, {
            "capstan:appSecrets": { DATABASE_URL: "x", SECRET_KEY_BASE: "y" },
            "capstan:basicAuthPasswords": { team: "pw" },
        });
        expect([cfg.database, cfg.cache, cfg.dns]).toEqual([undefined, undefined, undefined]);
    });

    it.each<[string, (v: Values) => void, string, RegExp]>([
        [
            "a database without an engine",
            (v) => (v["capstan:database"] = { instanceClass: "serverless" }),
            "capstan:database.engine",
            /use one of: postgres, mysql/,
        ],
        [
            "an engine RDS does not run here",
            (v) => (v["capstan:database"].engine = "oracle"),
            "capstan:database.engine",
            /postgres, mysql/,
        ],
        [
            "an instance class that is not one",
            (v) => (v["capstan:database"].instanceClass = "m7i.large"),
            "capstan:database.instanceClass",
            /db\.t4g\.medium/,
        ],
        [
            "capacity in steps other than 0.5",
            (v) => (v["capstan:database"].maxCapacity = 4.2),
            "capstan:database.maxCapacity",
            /./,
        ],
        [
            "a minimum capacity above the maximum",
            (v) => Object.assign(v["capstan:database"], { minCapacity: 8, maxCapacity: 4 }),
            "capstan:database.minCapacity",
            /greater than maxCapacity 4/,
        ],
        [
            "backups kept for no day",
            (v) => (v["capstan:database"].backupRetentionDays = 0),
            "capstan:database.backupRetentionDays",
            /minimum 1/,
        ],
        [
            "a user name RDS refuses",
            (v) => (v["capstan:database"].username = "1app"),
            "capstan:database.username",
            /user name/,
        ],
        [
            "a cache engine that is not Redis-compatible",
            (v) => (v["capstan:cache"].engine = "memcached"),
            "capstan:cache.engine",
            /valkey, redis/,
        ],
        [
            "more replicas than ElastiCache allows",
            (v) => (v["capstan:cache"].replicas = 6),
            "capstan:cache.replicas",
            /maximum 5/,
        ],
        [
            "a zone id that is not one",
            (v) => (v["capstan:dns"].zoneId = "example.com"),
            "capstan:dns.zoneId",
            /hosted zone id/,
        ],
        [
            "DATABASE_URL still in app.secretEnv",
            (v) => v["capstan:app"].secretEnv.unshift("DATABASE_URL"),
            "capstan:app.secretEnv[0]",
            /set by Capstan to the URL of the stack's database/,
        ],
        [
            "REDIS_URL in app.env",
            (v) => (v["capstan:app"].env.REDIS_URL = "redis://x"),
            "capstan:app.env.REDIS_URL",
            /set by Capstan to the URL of the stack's cache/,
        ],
        [
            "only hosts too long to name a certificate first",
            (v) =>
                (v["capstan:ingress"] = {
                    public: { hosts: [`${"a".repeat(60)}.example.com`] },
                    internal: { hosts: [`${"b".repeat(60)}.internal.example.com`] },
                }),
            "capstan:ingress.public.hosts",
            /ACM allows 64/,
        ],
    ])("refuse %s, naming the key", (_what, mutate, path, message) => {
        const values = withServices();
        mutate(values);
        const found = problemsOf(values).filter((p) => p.path === path);
        expect(found.length, JSON.stringify(problemsOf(values))).toBe(1);
        expect(found[0].message).toMatch(message);
    });

    it("leave DATABASE_URL and REDIS_URL to the app where the stack has no database or cache", () => {
        const values = withServices();
        delete values["capstan:database"];
        delete values["capstan:cache"];
        values["capstan:app"].secretEnv.push("DATABASE_URL", "REDIS_URL");
        expect(paths(values)).toEqual([]);
    });

    it("make an entry's certificateArn optional in a stack that creates the cluster, when dns is set", () => {
        const values = withServices();
        delete values["capstan:ingress"].public.certificateArn;
        delete values["capstan:ingress"].internal.certificateArn;
        expect(paths(values)).toEqual([]);
        delete values["capstan:dns"];
        expect(paths(values).sort()).toEqual([
            "capstan:ingress.internal.certificateArn",
            "capstan:ingress.public.certificateArn",
        ]);
    });

    it("name the shortest host first on the certificate, so long hosts still fit as alternative names", () => {
        expect(
            certificateFirstName([`${"a".repeat(50)}.${"b".repeat(20)}.example.com`, "b.example.com", "c.example.com"]),
        ).toBe("b.example.com");
        const values = withServices();
        values["capstan:ingress"].public.hosts.push(`${"a".repeat(50)}.${"b".repeat(20)}.example.com`);
        expect(paths(values)).toEqual([]);
    });
});
