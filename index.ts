/**
 * Capstan: the whole platform of a Rails-style monolith, one stack per environment or tenant.
 * Reads the stack config once, composes the layers, and returns the stack outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { AppNamespace, RailsApp } from "./components/app";
import { loadConfig } from "./components/config";
import { clusterOutputs, sharedClusterAccess } from "./components/platform/access";
import { createPlatform } from "./components/platform/platform";

export = async () => {
    const cfg = loadConfig();
    const tags = { "capstan:project": cfg.project, "capstan:stack": cfg.stack };

    // The cluster: created by this stack, or read from the stack that owns it.
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
    const k8sOpts: pulumi.ComponentResourceOptions = { providers: [cluster.provider] };

    // A tenant's namespace belongs to its Tenant; other stacks give the app a namespace of its own.
    const namespace = cfg.tenant ? pulumi.output(cfg.namespace) : new AppNamespace(cfg.namespace, { name: cfg.namespace }, k8sOpts).name;

    const app = new RailsApp(
        cfg.app.name,
        {
            app: cfg.app,
            imageTag: cfg.imageTag,
            namespace,
            secrets: cfg.secrets.appSecrets,
            hosts: { public: cfg.ingress.public.hosts, internal: cfg.ingress.internal?.hosts },
            ingressClasses: cluster.ingressClasses,
            canary: cfg.canary,
        },
        k8sOpts,
    );

    return {
        environment: cfg.environment,
        namespace,
        imageTag: cfg.imageTag,
        ...clusterOutputs(cluster),
        app: {
            serviceAccount: app.serviceAccountName,
            migrationJob: app.migrationJobName,
            webDeployment: app.webDeploymentName,
            webService: app.webServiceName,
            workloads: app.workloadNames,
            virtualServers: app.virtualServerNames,
            ...(app.canaryDeploymentName ? { canaryDeployment: app.canaryDeploymentName } : {}),
        },
    };
};
