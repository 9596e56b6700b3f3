import { describe, expect, it } from "vitest";
import { ACCEPTED, findingsOf, unaccepted } from "../../../scripts/commands/kube-score";

/** kube-score's JSON for one object, with the given check results. */
function scored(kind: string, name: string, checks: [string, number, boolean?][]) {
    return {
        type_meta: { kind },
        object_meta: { name, namespace: "phraseapp" },
        checks: checks.map(([id, grade, skipped]) => ({
            check: { id },
            grade,
            skipped: skipped ?? false,
            comments: grade < 10 ? [{ summary: `${id} failed` }] : null,
        })),
    };
}

describe("npm run kube-score", () => {
    const json = JSON.stringify([
        scored("Deployment", "phraseapp-web", [
            ["container-image-pull-policy", 1],
            ["pod-probes", 1],
            ["stable-version", 10],
            ["deployment-replicas", 1, true],
        ]),
        scored("Service", "nginx-public-edge", [["service-targets-pod", 1]]),
        scored("Service", "phraseapp-web", [["service-targets-pod", 1]]),
        scored("HorizontalPodAutoscaler", "phraseapp-web", [["horizontalpodautoscaler-replicas", 5]]),
    ]);

    it("reads every failed check, critical or warning, and leaves out passed and skipped ones", () => {
        expect(findingsOf(json).map((f) => `${f.object} ${f.check} ${f.grade}`)).toEqual([
            "Deployment/phraseapp-web container-image-pull-policy 1",
            "Deployment/phraseapp-web pod-probes 1",
            "Service/nginx-public-edge service-targets-pod 1",
            "Service/phraseapp-web service-targets-pod 1",
            "HorizontalPodAutoscaler/phraseapp-web horizontalpodautoscaler-replicas 5",
        ]);
    });

    it("declines only the listed checks, and a check listed for some objects only for those", () => {
        expect(unaccepted(findingsOf(json)).map((f) => `${f.object} ${f.check}`)).toEqual([
            "Deployment/phraseapp-web pod-probes",
            "Service/phraseapp-web service-targets-pod",
            "HorizontalPodAutoscaler/phraseapp-web horizontalpodautoscaler-replicas",
        ]);
    });

    it("gives a reason for every declined check", () => {
        for (const a of ACCEPTED) expect(a.reason.length, a.check).toBeGreaterThan(40);
    });
});
