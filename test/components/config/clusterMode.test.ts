import { describe, expect, expectTypeOf, it } from "vitest";
import type { CapstanConfig, CreatedClusterConfig, LoadedClusterConfig } from "../../../components/config";
import { loadConfigOf, stackValues } from "../../harness";

const SECRETS = {
    "capstan:appSecrets": { DATABASE_URL: "postgres://db", SECRET_KEY_BASE: "k" },
    "capstan:basicAuthPasswords": { team: "pw" },
};

describe("the loaded cluster is one member per cluster.mode", () => {
    it("a mode's keys cannot be read without narrowing on mode", () => {
        expectTypeOf<LoadedClusterConfig>().not.toHaveProperty("version");
        expectTypeOf<LoadedClusterConfig>().not.toHaveProperty("network");
        expectTypeOf<LoadedClusterConfig>().not.toHaveProperty("sharedStack");
        expectTypeOf<LoadedClusterConfig>().not.toHaveProperty("context");
        // Once narrowed, what create mode needs is there without a non-null assertion.
        expectTypeOf<CreatedClusterConfig["version"]>().toEqualTypeOf<string>();
        expectTypeOf<CreatedClusterConfig["network"]["cidrBlock"]>().toEqualTypeOf<string>();
        expectTypeOf<Extract<LoadedClusterConfig, { mode: "shared" }>["sharedStack"]>().toEqualTypeOf<string>();
        // The network and node groups are read through the create member only.
        expectTypeOf<CapstanConfig>().not.toHaveProperty("network");
        expectTypeOf<CapstanConfig>().not.toHaveProperty("nodeGroups");
    });

    // Expected values are those written in each Pulumi.<stack>.yaml.
    it.each([
        {
            stack: "staging",
            cluster: {
                mode: "create",
                version: "1.34",
                publicAccessCidrs: ["203.0.113.0/24"],
                addons: {},
                adminRoleArns: [],
            },
            nodeGroups: ["general", "workers"],
        },
        {
            stack: "prod",
            cluster: {
                mode: "create",
                version: "1.34",
                publicAccessCidrs: ["203.0.113.0/24", "198.51.100.0/24"],
                addons: {},
                adminRoleArns: [],
            },
            nodeGroups: ["general", "workers"],
        },
        { stack: "tenant-acme", cluster: { mode: "shared", sharedStack: "acme-corp/capstan/prod" } },
        { stack: "local", cluster: { mode: "external", context: "capstan-local", local: true } },
    ])("$stack loads as a $cluster.mode cluster with only that mode's keys", async ({ stack, cluster, nodeGroups }) => {
        const cfg = await loadConfigOf(stackValues(stack), SECRETS, stack);
        const { network, nodeGroups: groups, ...rest } = cfg.cluster as Partial<CreatedClusterConfig>;
        expect(rest).toEqual(cluster);
        expect(network?.cidrBlock).toBe(nodeGroups ? stackValues(stack)["capstan:network"].cidrBlock : undefined);
        expect(groups?.map((g) => g.name)).toEqual(nodeGroups);
        // @ts-expect-error the network is no longer a key of its own in the loaded config
        expect(cfg.network).toBeUndefined();
    });
});
