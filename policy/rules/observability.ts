/**
 * A production stack that creates its cluster ships its logs: without them, a pod's output dies
 * with its node, and nobody can tell afterwards what production did.
 */
import { at, type StackRule, type StackViolation } from "./types";

const CLUSTER = "aws:eks/cluster:Cluster";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

/** The tag that says which environment a cluster serves (`capstan:environment` of its stack). */
export const ENVIRONMENT_TAG = "capstan:environment";

export const productionShipsLogs: StackRule = {
    name: "production-ships-logs",
    description:
        "A production stack that creates its EKS cluster runs the log shipper (Fluent Bit) and has CloudWatch log groups for it.",
    check: (resources) => {
        const clusters = resources.filter(
            (r) => r.type === CLUSTER && at(r.props, "tags", ENVIRONMENT_TAG) === "production",
        );
        if (clusters.length === 0) return [];
        const shipper = resources.some((r) => r.type === RELEASE && at(r.props, "chart") === "fluent-bit");
        const groups = resources.some((r) => r.type === LOG_GROUP);
        if (shipper && groups) return [];
        const missing = [...(shipper ? [] : ["the Fluent Bit release"]), ...(groups ? [] : ["CloudWatch log groups"])];
        return clusters.map((c): StackViolation => ({
            urn: c.urn,
            message: `this production stack creates its cluster but ships no logs (missing: ${missing.join(", ")}); set capstan:observability.enabled to true (the default), so every container's output reaches CloudWatch Logs`,
        }));
    },
};
