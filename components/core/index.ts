/**
 * The core layer, beneath every other: what the config checks and the components must agree on
 * without one owning it: names and annotations, pinned versions and chart pins, CIDR arithmetic,
 * Kubernetes quantities, the ingress constants, and the NetworkPolicy building blocks. It reads no
 * config and declares no resource.
 */
export * from "./assets";
export * from "./cidr";
export * from "./ingress";
export * from "./names";
export * from "./networkPolicies";
export * from "./quantity";
export * from "./versions";
