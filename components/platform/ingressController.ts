import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    type ControllerNodePorts,
    controllerSelector,
    controllerServiceSpec,
    offloadedDefaultServer,
} from "./controllerEdge";
import { accessLogEntries, redactionMaps, type LogHeaders } from "./accessLog";
import { HEALTH_STATUS_PATH, OFFLOADED_LISTENER } from "./ingressContract";
import { CHARTS } from "../core/versions";

export interface IngressControllerArgs {
    /** The controller class (`public` or `internal`): the IngressClass name VirtualServers use. */
    readonly ingressClass: string;
    /** The namespace of the controllers. */
    readonly namespace: pulumi.Input<string>;
    /**
     * The Service's NodePorts, which are also the load balancer's target ports (one value, so they
     * cannot drift): `http` (container port 80, the redirect to https), `https` (container port
     * 8443, the `https-offloaded` listener that serves the VirtualServers) and `healthCheck`
     * (kube-proxy's health check of the Service, which the load balancer's targets are checked on).
     */
    readonly nodePorts: ControllerNodePorts;
    /**
     * The load balancer's deregistration delay in seconds. A stopping controller pod keeps serving
     * (preStop sleep) for this long, or for `unhealthyAfterSeconds` if that is longer, plus 5
     * seconds, so no connection the load balancer still sends finds it gone, and then gets 30 more
     * seconds to finish requests in flight.
     */
    readonly deregistrationDelaySeconds: number;
    /** Seconds the load balancer needs to stop sending to a node whose controller pod started stopping. @default 0 */
    readonly unhealthyAfterSeconds?: number;
    /** @default 2, one per zone at least: a single replica would make every controller restart an outage */
    readonly replicas?: number;
    /** @default requests 100m CPU and 128Mi, memory limit 512Mi: nginx's steady use with room for reloads */
    readonly resources?: { readonly cpu: string; readonly memory: string; readonly memoryLimit: string };
    readonly chartVersion?: string;
    /**
     * The JSON access log (with these headers, and these query parameters' values redacted) and the
     * latency metrics the alerts read. @default none: NGINX's default text log, no latency metrics
     */
    readonly accessLog?: { readonly headers: LogHeaders; readonly redactQueryParams: readonly string[] };
}

/**
 * The offloaded listener (plain http on 8443, for what the load balancer decrypted), the default
 * servers, and the JSON access log with its redaction maps when `accessLog` is given.
 */
function listenerValues(accessLog: IngressControllerArgs["accessLog"]): Record<string, unknown> {
    return {
        customPorts: [{ name: OFFLOADED_LISTENER.name, containerPort: OFFLOADED_LISTENER.port, protocol: "TCP" }],
        globalConfiguration: {
            create: true,
            spec: {
                listeners: [{ name: OFFLOADED_LISTENER.name, port: OFFLOADED_LISTENER.port, protocol: "HTTP" }],
            },
        },
        config: {
            entries: {
                "default-server-return": "301 https://$host$request_uri",
                "http-snippets": [
                    offloadedDefaultServer(),
                    ...(accessLog ? [redactionMaps(accessLog.redactQueryParams)] : []),
                ].join("\n"),
                "proxy-protocol": "False",
                "server-tokens": "False",
                ...(accessLog ? accessLogEntries(accessLog.headers) : {}),
            },
        },
    };
}

/**
 * The Helm values of one controller class. NGINX's own TLS port is off: TLS ends at the load
 * balancer. Port 80 reaches only the default server, which redirects to https; the custom listener
 * `https-offloaded` (plain http on 8443) receives what the load balancer decrypted, every
 * VirtualServer binds to it, and its own default server answers unknown hosts with 404. No proxy
 * protocol (see EdgeLoadBalancer's `preserveClientIp`). The chart's Service is off: the controller's Service is declared next to the release (it needs a
 * fixed `healthCheckNodePort`, which the chart cannot set).
 */
export function ingressControllerValues(args: IngressControllerArgs): Record<string, unknown> {
    const replicas = args.replicas ?? 2;
    const resources = args.resources ?? { cpu: "100m", memory: "128Mi", memoryLimit: "512Mi" };
    const preStopSeconds = Math.max(args.deregistrationDelaySeconds, args.unhealthyAfterSeconds ?? 0) + 5;
    const selector = controllerSelector(args.ingressClass);
    return {
        controller: {
            kind: "deployment",
            replicaCount: replicas,
            ingressClass: { name: args.ingressClass, create: true, setAsDefaultIngress: false },
            enableCustomResources: true,
            // Snippets let any namespace inject raw nginx config; the app layer does not need them.
            enableSnippets: false,
            healthStatus: true,
            healthStatusURI: HEALTH_STATUS_PATH,
            ...listenerValues(args.accessLog),
            // The upstream latency histogram (with the upstream's status code) the alerts read.
            ...(args.accessLog ? { enableLatencyMetrics: true } : {}),
            // The Service is `controllerService`, declared by IngressController.
            service: { create: false },
            reportIngressStatus: { enable: false },
            terminationGracePeriodSeconds: preStopSeconds + 30,
            lifecycle: { preStop: { sleep: { seconds: preStopSeconds } } },
            resources: {
                requests: { cpu: resources.cpu, memory: resources.memory },
                limits: { memory: resources.memoryLimit },
            },
            podSecurityContext: { seccompProfile: { type: "RuntimeDefault" } },
            securityContext: {
                allowPrivilegeEscalation: false,
                runAsNonRoot: true,
                runAsUser: 101,
                capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
            },
            topologySpreadConstraints: [
                {
                    maxSkew: 1,
                    topologyKey: "topology.kubernetes.io/zone",
                    whenUnsatisfiable: "DoNotSchedule",
                    labelSelector: { matchLabels: selector },
                },
                {
                    maxSkew: 1,
                    topologyKey: "kubernetes.io/hostname",
                    whenUnsatisfiable: "ScheduleAnyway",
                    labelSelector: { matchLabels: selector },
                },
            ],
            podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
            telemetryReporting: { enable: false },
        },
        prometheus: { create: true },
    };
}

/**
 * One NGINX Ingress Controller class, installed with the official chart at a pinned version, and
 * the Service the load balancer reaches it through (`nginx-<class>-edge`, see
 * {@link controllerServiceSpec}).
 */
export class IngressController extends pulumi.ComponentResource {
    public readonly ingressClass: string;
    public readonly serviceName: pulumi.Output<string>;

    constructor(name: string, args: IngressControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:platform:IngressController", name, {}, opts);
        const release = new k8s.helm.v3.Release(
            name,
            {
                name: `nginx-${args.ingressClass}`,
                chart: CHARTS.nginxIngress.chart,
                version: args.chartVersion ?? CHARTS.nginxIngress.version,
                repositoryOpts: { repo: CHARTS.nginxIngress.repo },
                namespace: args.namespace,
                values: ingressControllerValues(args),
                // The CRDs are NginxCrds', upgraded with every chart bump; Helm would install them once only.
                skipCrds: true,
                atomic: true,
            },
            { parent: this },
        );
        // After the release: on a stack that had the chart's own Service, the NodePorts are free
        // only once the release no longer has it.
        const service = new k8s.core.v1.Service(
            `${name}-edge`,
            {
                metadata: {
                    name: `nginx-${args.ingressClass}-edge`,
                    namespace: args.namespace,
                    labels: controllerSelector(args.ingressClass),
                    // No load balancer ever fills in this Service's status: do not wait for one.
                    annotations: { "pulumi.com/skipAwait": "true" },
                },
                spec: controllerServiceSpec(args.ingressClass, args.nodePorts),
            },
            { parent: this, dependsOn: [release] },
        );
        this.ingressClass = args.ingressClass;
        this.serviceName = service.metadata.name;
        this.registerOutputs({ ingressClass: this.ingressClass, serviceName: this.serviceName });
    }
}
