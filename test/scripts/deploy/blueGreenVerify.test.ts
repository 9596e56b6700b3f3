/**
 * The idle colour's readiness, counted against the pods it must have: its Deployment's own count,
 * or the active colour's while its autoscaler has not reached it yet.
 */
import type { V1Deployment } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { fewerThan } from "../../../scripts/deploy/blueGreenVerify";

describe("an idle colour's readiness", () => {
    const status = (ready: number, replicas = ready) => ({
        replicas,
        updatedReplicas: ready,
        readyReplicas: ready,
        availableReplicas: ready,
    });
    it.each([
        ["all of the pods it must have", { spec: { replicas: 3 }, status: status(3) }, 3, undefined],
        [
            "fewer ready than its Deployment wants",
            { spec: { replicas: 3 }, status: status(2, 3) },
            3,
            "2 of 3 pods updated, ready and available",
        ],
        [
            "its Deployment at 1 while its autoscaler has not reached the active colour's count yet",
            { spec: { replicas: 1 }, status: status(1) },
            3,
            "1 of 3 pods updated, ready and available",
        ],
        ["an old pod still running", { spec: { replicas: 3 }, status: status(3, 4) }, 3, "1 old pods still running"],
        [
            "a spec its controller has not seen",
            { metadata: { generation: 2 }, spec: { replicas: 3 }, status: { observedGeneration: 1 } },
            3,
            "its controller has not seen its latest spec yet",
        ],
    ])("%s", (_what, d, want, why) => expect(fewerThan(d as V1Deployment, want)).toBe(why));
});
