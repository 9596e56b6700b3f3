/**
 * The ingress constants every layer agrees on: the config checks refuse an app namespace or a
 * NodePort that would clash with them, and the platform installs the controllers by them.
 */

/** The namespace of the ingress controllers Capstan installs. */
export const INGRESS_NAMESPACE = "nginx-ingress";

/** The ingress controller classes; `internal` exists only when capstan:ingress.internal is set. */
export const INGRESS_CLASSES = { public: "public", internal: "internal" } as const;

/** Kubernetes' default NodePort range (the API server's --service-node-port-range). */
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

/**
 * Namespaces the platform owns or Kubernetes reserves: an app there would share (or, for the
 * ingress controllers' namespace, take over) what is not its own.
 */
export const PLATFORM_NAMESPACES = [
    INGRESS_NAMESPACE,
    "kube-system",
    "kube-public",
    "kube-node-lease",
    "default",
] as const;
