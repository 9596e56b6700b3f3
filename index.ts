/**
 * Capstan: the whole platform of a Rails-style monolith, one stack per environment or tenant.
 * Reads the stack config once, composes the layers, and returns the stack outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { AppNamespace, RailsApp } from "./components/app";
import { routePoliciesFor, StagingAccess } from "./components/app/stagingAccess";
import { AppData } from "./components/aws/appData";
import { loadConfig, workloadNames, workloadPlacements } from "./components/config";
import { clusterOutputs, sharedClusterAccess } from "./components/platform/access";
import { createPlatform } from "./components/platform/platform";
import { Tenant } from "./components/tenant";

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
            : await sharedClusterAccess("cluster", { sharedStack: cfg.cluster.sharedStack!, internal: cfg.ingress.internal !== undefined, workloads: workloadPlacements(cfg.app) });
    const k8sOpts: pulumi.ComponentResourceOptions = { providers: [cluster.provider] };

    // A tenant gets its namespace with quota, limits and network policies; other stacks give the
    // app a namespace of its own.
    const namespace = cfg.tenant
        ? new Tenant(
              cfg.namespace,
              {
                  tenant: cfg.tenant.name,
                  namespace: cfg.namespace,
                  quota: cfg.tenant.quota,
                  limits: cfg.tenant.limits,
                  ingressNamespace: cluster.ingressNamespace,
                  egress: cfg.tenant.egress,
              },
              k8sOpts,
          ).namespaceName
        : new AppNamespace(cfg.namespace, { name: cfg.namespace }, k8sOpts).name;

    // The app's bucket, queues and the IAM role its ServiceAccount assumes.
    const data = new AppData(cfg.namespace, {
        namespace: cfg.namespace,
        serviceAccountName: workloadNames.serviceAccount(cfg.app.name),
        queues: cfg.app.queues,
        oidcProviderArn: cluster.oidcProviderArn,
        oidcIssuer: cluster.oidcIssuer,
        tags,
    });

    // Staging: basic auth in front of the public entry (and the internal one, if configured).
    const basicAuth = cfg.staging?.basicAuth;
    const access = basicAuth
        ? new StagingAccess(`${cfg.app.name}-staging-access`, { namespace, realm: basicAuth.realm, users: basicAuth.users, passwords: cfg.secrets.basicAuthPasswords }, k8sOpts)
        : undefined;

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
            extraEnv: data.env,
            serviceAccountAnnotations: data.serviceAccountAnnotations,
            routePolicies: access ? routePoliciesFor(access.policyName, cfg.ingress.internal?.basicAuth ?? false) : undefined,
        },
        k8sOpts,
    );

    return {
        environment: cfg.environment,
        namespace,
        imageTag: cfg.imageTag,
        ...clusterOutputs(cluster),
        bucket: data.bucketName,
        queues: data.queueUrls,
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
