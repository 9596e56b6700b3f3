/**
 * What the deploy reads from the cluster when an update fails: the pods the API server refused to
 * a ReplicaSet, from its ReplicaFailure condition (a quota, an admission policy).
 */
import type { V1ReplicaSet } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { refusedReason } from "../../../scripts/deploy/serving";

const QUOTA =
    'pods "phraseapp-web-7c9-x2" is forbidden: exceeded quota: tenant, requested: limits.memory=768Mi, used: limits.memory=3904Mi, limited: limits.memory=4Gi';

function replicaSet(replicas: number, conditions: { type: string; status: string; message?: string }[]): V1ReplicaSet {
    return {
        metadata: { name: "phraseapp-web-7c9" },
        spec: { replicas, selector: {} },
        status: { replicas: 0, conditions },
    };
}

describe("the pods a ReplicaSet could not create", () => {
    it("names the ReplicaSet and the API server's refusal", () => {
        const rs = replicaSet(1, [{ type: "ReplicaFailure", status: "True", message: ` ${QUOTA} ` }]);
        expect(refusedReason(rs)).toBe(`phraseapp-web-7c9: ${QUOTA}`);
    });

    it("says nothing of a ReplicaSet whose failure has cleared", () => {
        expect(
            refusedReason(replicaSet(1, [{ type: "ReplicaFailure", status: "False", message: QUOTA }])),
        ).toBeUndefined();
        expect(refusedReason(replicaSet(1, []))).toBeUndefined();
    });

    it("says nothing of an old ReplicaSet scaled to zero, whose last refusal no longer matters", () => {
        expect(
            refusedReason(replicaSet(0, [{ type: "ReplicaFailure", status: "True", message: QUOTA }])),
        ).toBeUndefined();
    });
});
