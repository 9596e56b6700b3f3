/** The controller's plain-HTTP listener that receives traffic whose TLS the NLB terminated. */
export const OFFLOADED_LISTENER = { name: "https-offloaded", port: 8443 } as const;
/** The controller classes; `internal` exists only when capstan:ingress.internal is set. */
export const INGRESS_CLASSES = { public: "public", internal: "internal" } as const;
