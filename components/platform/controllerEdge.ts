import type * as k8s from "@pulumi/kubernetes";
import { HEALTH_STATUS_PATH, OFFLOADED_LISTENER } from "./ingressContract";

/**
 * The `loadBalancerClass` of the controllers' Services. No load-balancer controller implements
 * it, so Kubernetes creates no load balancer for them (Capstan declares the NLBs itself); the
 * type `LoadBalancer` is only there because a Service gets a `healthCheckNodePort` only with it.
 */
export const EDGE_LOAD_BALANCER_CLASS = "capstan-edge";

/** The labels the chart gives the controller pods of a release (`nginx-<class>`), and selects them by. */
export function controllerSelector(ingressClass: string): Record<string, string> {
    return { "app.kubernetes.io/name": "nginx-ingress", "app.kubernetes.io/instance": `nginx-${ingressClass}` };
}

/** The controller's NodePorts: traffic (`http`, `https`) and kube-proxy's health check (`healthCheck`). */
export interface ControllerNodePorts {
    readonly http: number;
    readonly https: number;
    readonly healthCheck: number;
}

/**
 * The spec of the Service the load balancer reaches the controller through: both traffic ports
 * on their fixed NodePorts, `externalTrafficPolicy: Local` (only nodes with a controller pod
 * answer, and the client address is kept), and kube-proxy's health check on `healthCheckNodePort`.
 *
 * kube-proxy answers that health check with 200 only while the node has a ready controller pod
 * that is not terminating (it counts ready endpoints only), although it keeps forwarding traffic
 * to a terminating pod while that pod still serves. So the load balancer stops sending new
 * connections to a node before its controller stops serving.
 */
export function controllerServiceSpec(
    ingressClass: string,
    nodePorts: ControllerNodePorts,
): k8s.types.input.core.v1.ServiceSpec {
    return {
        type: "LoadBalancer",
        loadBalancerClass: EDGE_LOAD_BALANCER_CLASS,
        externalTrafficPolicy: "Local",
        healthCheckNodePort: nodePorts.healthCheck,
        allocateLoadBalancerNodePorts: true,
        selector: controllerSelector(ingressClass),
        ports: [
            { name: "http", port: 80, targetPort: 80, nodePort: nodePorts.http, protocol: "TCP" },
            {
                name: OFFLOADED_LISTENER.name,
                port: OFFLOADED_LISTENER.port,
                targetPort: OFFLOADED_LISTENER.port,
                nodePort: nodePorts.https,
                protocol: "TCP",
            },
        ],
    };
}

/**
 * The default server of the `https-offloaded` listener, as an `http-snippets` entry of the
 * controller's ConfigMap. The controller renders a VirtualServer on a custom listener as a plain
 * `listen 8443;` and writes no default server for custom listeners (only for its own http and
 * https ports), so without this nginx would answer an unknown Host with the first server on the
 * port, which is some tenant's app. This server answers every unknown Host with 404 and serves
 * the health location. ConfigMap snippets are the cluster administrator's, and the controller
 * applies them whatever `enableSnippets` says (which only gates snippets in VirtualServers and
 * Ingresses, which tenants write).
 */
export function offloadedDefaultServer(): string {
    return [
        "server {",
        `    listen ${OFFLOADED_LISTENER.port} default_server;`,
        `    listen [::]:${OFFLOADED_LISTENER.port} default_server;`,
        "    server_name _;",
        "    server_tokens off;",
        `    location = ${HEALTH_STATUS_PATH} {`,
        "        default_type text/plain;",
        '        return 200 "healthy\\n";',
        "    }",
        "    location / {",
        "        return 404;",
        "    }",
        "}",
    ].join("\n");
}
