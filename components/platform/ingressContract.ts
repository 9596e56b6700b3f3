/** The controller's plain-HTTP listener that receives traffic whose TLS the NLB terminated. */
export const OFFLOADED_LISTENER = { name: "https-offloaded", port: 8443 } as const;
/** The controller's health location, answered 200 by its default servers (`controller.healthStatus`). */
export const HEALTH_STATUS_PATH = "/nginx-health";
