import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { autoscaledDeployment } from "./autoscaled";
import { type AppPodArgs, podTemplate, selectorLabels, workloadLabels } from "./pod";
import { type HttpProbes, podReadyBudgetSeconds } from "./probes";
import { createVirtualServers, WEB_SERVICE_PORT, type WebRoutesArgs } from "./routes";
import { type AutoscaledWorkloadArgs, workloadPod } from "./workload";

/** The web pods: the app's container serving HTTP on `port` (`healthPath` and `livenessPath` probe it). */
export interface WebServiceArgs extends AutoscaledWorkloadArgs, HttpProbes {
    /** Seconds a stopping pod keeps serving while the load balancer and nginx take it out. */
    readonly preStopSleepSeconds: number;
    /** Seconds the server gets to finish in-flight requests after the sleep. */
    readonly drainSeconds: number;
    /** The VirtualServers in front of the Service. @default none: the Service is reachable in the cluster only */
    readonly routes?: WebRoutesArgs;
}

/** Seconds between SIGTERM and SIGKILL: the preStop sleep, the drain, and a margin of 5. */
export function webGracePeriod(preStopSleepSeconds: number, drainSeconds: number): number {
    return preStopSleepSeconds + drainSeconds + 5;
}

/** Problems with web Args that the type cannot express, each naming the field. */
export function webProblems(
    args: Pick<WebServiceArgs, "port" | "healthPath" | "livenessPath" | "preStopSleepSeconds" | "drainSeconds">,
): string[] {
    const problems: string[] = [];
    if (!Number.isInteger(args.port) || args.port < 1 || args.port > 65535)
        problems.push(`port: ${args.port} is not a port number`);
    if (!args.healthPath.startsWith("/"))
        problems.push(`healthPath: ${JSON.stringify(args.healthPath)} must be an absolute path`);
    if (args.livenessPath !== undefined && !args.livenessPath.startsWith("/"))
        problems.push(`livenessPath: ${JSON.stringify(args.livenessPath)} must be an absolute path`);
    if (args.preStopSleepSeconds < 0)
        problems.push(`preStopSleepSeconds: ${args.preStopSleepSeconds} must not be negative`);
    if (args.drainSeconds < 1) problems.push(`drainSeconds: ${args.drainSeconds} must be at least 1`);
    return problems;
}

/** The web pod: the app's container on its port, probed over HTTP, sleeping on stop while routes drain. */
export function webPodArgs(args: Omit<WebServiceArgs, "dependsOn" | "routes" | "scaling" | "namespace">): AppPodArgs {
    return workloadPod(args, "web", {
        restartPolicy: "Always",
        port: args.port,
        probes: { port: args.port, healthPath: args.healthPath, livenessPath: args.livenessPath },
        preStopSleepSeconds: args.preStopSleepSeconds,
        terminationGracePeriodSeconds: webGracePeriod(args.preStopSleepSeconds, args.drainSeconds),
        spreadLabels: selectorLabels(args.app, args.workload),
    });
}

/** The ClusterIP Service the VirtualServers route to: port WEB_SERVICE_PORT to the pods' `http` port. */
export function clusterIpServiceArgs(
    args: Pick<WebServiceArgs, "app" | "workload" | "namespace">,
    labels: Record<string, string>,
): k8s.core.v1.ServiceArgs {
    return {
        metadata: { name: args.workload, namespace: args.namespace, labels },
        spec: {
            type: "ClusterIP",
            selector: selectorLabels(args.app, args.workload),
            ports: [{ name: "http", port: WEB_SERVICE_PORT, targetPort: "http", protocol: "TCP" }],
        },
    };
}

/**
 * The app's web pods: a Deployment (HPA-owned replicas, surge-only rollouts, probes, preStop
 * sleep, zone spread), its ClusterIP Service, HorizontalPodAutoscaler and PodDisruptionBudget,
 * and the VirtualServers that route to it.
 */
export class WebService extends pulumi.ComponentResource {
    public readonly deployment: k8s.apps.v1.Deployment;
    public readonly service: k8s.core.v1.Service;
    public readonly deploymentName: pulumi.Output<string>;
    public readonly serviceName: pulumi.Output<string>;
    public readonly virtualServerNames: pulumi.Output<string[]>;

    constructor(name: string, args: WebServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:app:WebService", name, {}, opts);
        const problems = webProblems(args);
        if (problems.length > 0) throw new Error(`WebService ${name}: ${problems.join("; ")}`);
        const labels = workloadLabels(args.app, args.workload, "web");
        const selector = selectorLabels(args.app, args.workload);
        const template = podTemplate(labels, webPodArgs(args), args.podAnnotations);
        const { deployment } = autoscaledDeployment(
            name,
            {
                workload: args.workload,
                namespace: args.namespace,
                labels,
                selector,
                template,
                scaling: args.scaling,
                dependsOn: args.dependsOn,
                podReadySeconds: podReadyBudgetSeconds(true),
            },
            this,
        );
        this.deployment = deployment;
        this.service = new k8s.core.v1.Service(name, clusterIpServiceArgs(args, labels), { parent: this });
        this.deploymentName = deployment.metadata.name;
        this.serviceName = this.service.metadata.name;
        const servers = args.routes
            ? createVirtualServers(
                  name,
                  { ...args.routes, app: args.app, namespace: args.namespace, labels, serviceName: this.serviceName },
                  this,
              )
            : [];
        this.virtualServerNames = pulumi.all(servers.map((s) => s.metadata.name));
        this.registerOutputs({
            deploymentName: this.deploymentName,
            serviceName: this.serviceName,
            virtualServerNames: this.virtualServerNames,
        });
    }
}
