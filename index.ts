/**
 * Capstan: the whole platform of a Rails-style monolith, one stack per environment or tenant.
 * Reads the stack config once, composes the layers, and returns the stack outputs.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AppNamespace, RailsApp } from "./components/app";
import { type CapstanConfig, loadConfig } from "./components/config";
import { INGRESS_CLASSES } from "./components/platform/ingressContract";

/** The Kubernetes provider every object of the stack uses. */
function kubernetesProvider(_cfg: CapstanConfig): k8s.Provider {
    return new k8s.Provider("kubernetes", {});
}

export = async () => {
    const cfg = loadConfig();
    const provider = kubernetesProvider(cfg);
    const k8sOpts: pulumi.ComponentResourceOptions = { providers: [provider] };

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
            ingressClasses: { public: INGRESS_CLASSES.public, internal: cfg.ingress.internal ? INGRESS_CLASSES.internal : undefined },
            canary: cfg.canary,
        },
        k8sOpts,
    );

    return {
        environment: cfg.environment,
        namespace,
        imageTag: cfg.imageTag,
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
