/**
 * Capstan: the whole platform of a Rails-style monolith, one stack per environment or tenant.
 * Reads the stack config once, composes the layers, and returns the stack outputs.
 */
import { loadConfig } from "./components/config";
import { clusterOutputs, sharedClusterAccess } from "./components/platform/access";
import { createPlatform } from "./components/platform/platform";

export = async () => {
    const cfg = loadConfig();
    const tags = { "capstan:project": cfg.project, "capstan:stack": cfg.stack };
    const cluster =
        cfg.cluster.mode === "create"
            ? createPlatform({
                  clusterName: `${cfg.project}-${cfg.stack}`,
                  region: cfg.region,
                  // The config checks guarantee network and version in create mode.
                  network: cfg.network!,
                  cluster: { ...cfg.cluster, version: cfg.cluster.version! },
                  nodeGroups: cfg.nodeGroups,
                  ingress: cfg.ingress,
                  tags,
              })
            : await sharedClusterAccess("cluster", { sharedStack: cfg.cluster.sharedStack!, internal: cfg.ingress.internal !== undefined });
    return {
        environment: cfg.environment,
        namespace: cfg.namespace,
        imageTag: cfg.imageTag,
        ...clusterOutputs(cluster),
    };
};
