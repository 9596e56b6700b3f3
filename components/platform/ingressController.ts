import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HEALTH_CHECK_PATH } from "../aws/edgeLoadBalancer";
import { OFFLOADED_LISTENER } from "./ingressContract";
import { CHARTS } from "./versions";

export interface IngressControllerArgs {
    /** The controller class (`public` or `internal`): the IngressClass name VirtualServers use. */
    readonly ingressClass: string;
    /** The namespace of the controllers. */
    readonly namespace: pulumi.Input<string>;
    /**
     * The Service's NodePorts, which are also the load balancer's target ports (one value, so they
     * cannot drift): `http` (container port 80, the redirect to https) and `https` (container port
     * 8443, the `https-offloaded` listener that serves the VirtualServers).
     */
    readonly nodePorts: { readonly http: number; readonly https: number };
    /**
     * The load balancer's deregistration delay in seconds. A stopping controller pod keeps serving
     * for this long plus 5 seconds (preStop sleep), so no connection the load balancer still sends
     * finds it gone, and then gets 30 more seconds to finish requests in flight.
     */
    readonly deregistrationDelaySeconds: number;
    /** @default 2, one per zone at least: a single replica would make every controller restart an outage */
    readonly replicas?: number;
    /** @default requests 100m CPU and 128Mi, memory limit 512Mi: nginx's steady use with room for reloads */
    readonly resources?: { readonly cpu: string; readonly memory: string; readonly memoryLimit: string };
    readonly chartVersion?: string;
}

/**
 * The Helm values of one controller class. NGINX's own TLS port is off: TLS ends at the load
 * balancer. Port 80 reaches only the default server, which redirects to https; the custom listener
 * `https-offloaded` (plain http on 8443) receives what the load balancer decrypted, and every
 * VirtualServer binds to it. No proxy protocol: the NLB's instance targets see the client address.
 */
export function ingressControllerValues(args: IngressControllerArgs): Record<string, unknown> {
    const replicas = args.replicas ?? 2;
    const resources = args.resources ?? { cpu: "100m", memory: "128Mi", memoryLimit: "512Mi" };
    const preStopSeconds = args.deregistrationDelaySeconds + 5;
    const selector = { "app.kubernetes.io/instance": `nginx-${args.ingressClass}` };
    return {
        controller: {
            kind: "deployment",
            replicaCount: replicas,
            ingressClass: { name: args.ingressClass, create: true, setAsDefaultIngress: false },
            enableCustomResources: true,
            // Snippets let any namespace inject raw nginx config; the app layer does not need them.
            enableSnippets: false,
            healthStatus: true,
            healthStatusURI: HEALTH_CHECK_PATH,
            customPorts: [{ name: OFFLOADED_LISTENER.name, containerPort: OFFLOADED_LISTENER.port, protocol: "TCP" }],
            globalConfiguration: {
                create: true,
                spec: { listeners: [{ name: OFFLOADED_LISTENER.name, port: OFFLOADED_LISTENER.port, protocol: "HTTP" }] },
            },
            config: {
                entries: {
                    "default-server-return": "301 https://$host$request_uri",
                    "proxy-protocol": "False",
                    "server-tokens": "False",
                },
            },
            service: {
                create: true,
                type: "NodePort",
                // Only nodes running a controller pod answer the NodePort, and they see the client's address.
                externalTrafficPolicy: "Local",
                httpPort: { enable: true, port: 80, targetPort: 80, nodePort: args.nodePorts.http },
                httpsPort: { enable: false },
                customPorts: [
                    { name: OFFLOADED_LISTENER.name, port: OFFLOADED_LISTENER.port, targetPort: OFFLOADED_LISTENER.port, nodePort: args.nodePorts.https, protocol: "TCP" },
                ],
            },
            reportIngressStatus: { enable: false },
            terminationGracePeriodSeconds: preStopSeconds + 30,
            lifecycle: { preStop: { sleep: { seconds: preStopSeconds } } },
            resources: { requests: { cpu: resources.cpu, memory: resources.memory }, limits: { memory: resources.memoryLimit } },
            podSecurityContext: { seccompProfile: { type: "RuntimeDefault" } },
            securityContext: {
                allowPrivilegeEscalation: false,
                runAsNonRoot: true,
                runAsUser: 101,
                capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
            },
            topologySpreadConstraints: [
                { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: selector } },
                { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector } },
            ],
            podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
            telemetryReporting: { enable: false },
        },
        prometheus: { create: true },
    };
}

/** One NGINX Ingress Controller class, installed with the official chart at a pinned version. */
export class IngressController extends pulumi.ComponentResource {
    public readonly ingressClass: string;

    constructor(name: string, args: IngressControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:platform:IngressController", name, {}, opts);
        new k8s.helm.v3.Release(name, {
            name: `nginx-${args.ingressClass}`,
            chart: CHARTS.nginxIngress.chart,
            version: args.chartVersion ?? CHARTS.nginxIngress.version,
            repositoryOpts: { repo: CHARTS.nginxIngress.repo },
            namespace: args.namespace,
            values: ingressControllerValues(args),
            atomic: true,
        }, { parent: this });
        this.ingressClass = args.ingressClass;
        this.registerOutputs({ ingressClass: this.ingressClass });
    }
}
