/**
 * Capstan: the whole platform of a Rails-style monolith, one stack per environment or tenant.
 * Reads the stack config once, composes the layers, and returns the stack outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { AppNamespace, RailsApp } from "./components/app";
import { routePoliciesFor, StagingAccess } from "./components/app/stagingAccess";
import { AppData } from "./components/aws/appData";
import { HostCertificate } from "./components/aws/dns";
import { loadConfig, stackHosts, workloadNames, workloadPlacements } from "./components/config";
import { clusterOutputs, externalClusterAccess, sharedClusterAccess } from "./components/platform/access";
import { PLATFORM_OUTPUT } from "./components/platform/exports";
import { INGRESS_CLASSES } from "./components/platform/ingressContract";
import { createPlatform, INGRESS_NAMESPACE } from "./components/platform/platform";
import { createStackServices, withDefaultCertificate } from "./components/platform/services";
import { Tenant } from "./components/tenant";

export = async () => {
    const cfg = loadConfig();
    const tags = { "capstan:project": cfg.project, "capstan:stack": cfg.stack };
    // capstan:dns: the certificate of the stack's hosts, made first, since its own load balancers may use it.
    const certificate = cfg.dns
        ? new HostCertificate(`${cfg.namespace}-tls`, { zoneId: cfg.dns.zoneId, hosts: stackHosts(cfg.ingress), tags })
        : undefined;

    // The cluster: created by this stack, read from the stack that owns it, or managed elsewhere.
    const cluster =
        cfg.cluster.mode === "external"
            ? externalClusterAccess("cluster", {
                  clusterName: `${cfg.project}-${cfg.stack}`,
                  context: cfg.cluster.context,
                  kubeconfig: cfg.secrets.kubeconfig,
                  ingressClasses:
                      cfg.cluster.ingressClasses ??
                      (cfg.ingress.internal ? { ...INGRESS_CLASSES } : { public: INGRESS_CLASSES.public }),
                  ingressNamespace: cfg.cluster.ingressNamespace ?? INGRESS_NAMESPACE,
                  oidcProviderArn: cfg.cluster.oidcProviderArn,
              })
            : cfg.cluster.mode === "create"
              ? createPlatform({
                    clusterName: `${cfg.project}-${cfg.stack}`,
                    region: cfg.region,
                    // The config checks guarantee network and version in create mode.
                    network: cfg.network!,
                    cluster: { ...cfg.cluster, version: cfg.cluster.version! },
                    nodeGroups: cfg.nodeGroups,
                    ingress: certificate ? withDefaultCertificate(cfg.ingress, certificate.arn) : cfg.ingress,
                    tags,
                })
              : await sharedClusterAccess("cluster", {
                    sharedStack: cfg.cluster.sharedStack!,
                    internal: cfg.ingress.internal !== undefined,
                    workloads: workloadPlacements(cfg.app),
                });
    const k8sOpts: pulumi.ComponentResourceOptions = { providers: [cluster.provider] };
    // On a cluster this stack creates, NGINX objects wait for the controllers that install their
    // CRDs, and pods for nodes and CoreDNS. A component's dependsOn holds back all its children.
    const needsCrds: pulumi.ComponentResourceOptions = {
        ...k8sOpts,
        dependsOn: [...cluster.readiness.customResources],
    };
    const needsCrdsAndPods: pulumi.ComponentResourceOptions = {
        ...k8sOpts,
        dependsOn: [...cluster.readiness.customResources, ...cluster.readiness.pods],
    };

    // The stack's own database, cache and host records, in the platform's network.
    const services =
        cfg.database || cfg.cache || certificate
            ? createStackServices(cfg.namespace, {
                  identifier: `${cfg.project}-${cfg.stack}`,
                  ingress: cfg.ingress,
                  database: cfg.database,
                  cache: cfg.cache,
                  dns: cfg.dns && certificate && { zoneId: cfg.dns.zoneId, certificate },
                  ownsCluster: cfg.cluster.mode === "create",
                  platform: await cluster.platform(),
                  tags,
              })
            : undefined;

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
                  egress: [...cfg.tenant.egress, ...(services?.egress ?? [])],
              },
              k8sOpts,
          ).namespaceName
        : new AppNamespace(cfg.namespace, { name: cfg.namespace }, k8sOpts).name;

    // The app's bucket, queues and the IAM role its ServiceAccount assumes: wherever the cluster
    // has an OIDC provider for that role to trust (not on a cluster managed elsewhere without one).
    const data = cluster.oidc
        ? new AppData(cfg.namespace, {
              namespace: cfg.namespace,
              serviceAccountName: workloadNames.serviceAccount(cfg.app.name),
              queues: cfg.app.queues,
              oidcProviderArn: cluster.oidc.providerArn,
              oidcIssuer: cluster.oidc.issuer,
              tags,
          })
        : undefined;

    // Staging: basic auth in front of the public entry (and the internal one, if configured).
    const basicAuth = cfg.staging?.basicAuth;
    const access = basicAuth
        ? new StagingAccess(
              `${cfg.app.name}-staging-access`,
              { namespace, realm: basicAuth.realm, users: basicAuth.users, passwords: cfg.secrets.basicAuthPasswords },
              needsCrds,
          )
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
            extraEnv: data?.env,
            extraSecretEnv: services?.secretEnv,
            serviceAccountAnnotations: data?.serviceAccountAnnotations,
            routePolicies: access
                ? routePoliciesFor(access.policyName, cfg.ingress.internal?.basicAuth ?? false)
                : undefined,
        },
        needsCrdsAndPods,
    );

    return {
        environment: cfg.environment,
        namespace,
        imageTag: cfg.imageTag,
        ...clusterOutputs(cluster),
        ...(data ? { bucket: data.bucketName, queues: data.queueUrls } : {}),
        ...(services?.outputs ?? {}),
        ...("exports" in cluster ? { [PLATFORM_OUTPUT]: cluster.exports } : {}),
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
