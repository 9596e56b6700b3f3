import { describe, expect, it } from "vitest";
import { moved } from "../../bench/anchor";
import { goalLines, type DeployFigure } from "../../bench/engine";

describe("the kubectl script's objects", () => {
    it("are the app namespace's objects moved to the script's namespace, with a Secret's values as placeholders", () => {
        const objects = [
            { apiVersion: "v1", kind: "Namespace", metadata: { name: "app" } },
            { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "env", namespace: "app" }, data: { A: "1" } },
            { apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "app" }, data: { K: "[secret]" } },
            { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "other", namespace: "ingress" } },
        ];
        expect(moved(objects, "app", "anchor-app")).toEqual([
            {
                apiVersion: "v1",
                kind: "ConfigMap",
                metadata: { name: "env", namespace: "anchor-app" },
                data: { A: "1" },
            },
            {
                apiVersion: "v1",
                kind: "Secret",
                metadata: { name: "s", namespace: "anchor-app" },
                stringData: { K: "placeholder" },
            },
        ]);
        expect(objects[1].metadata.namespace).toBe("app");
    });
});

describe("the engine benchmark's goals", () => {
    const figure = (workloads: number, over: number, up: number, idlePreview: number): DeployFigure => ({
        workloads,
        resources: 0,
        upSeconds: up,
        idlePreviewSeconds: idlePreview,
        deploySeconds: 12 + over,
        anchorSeconds: 12.5,
        ratio: 2,
        deployCpuSeconds: 1,
        anchorCpuSeconds: 1,
        previewSeconds: 1,
        updateSeconds: 1,
        criticalPathSeconds: 12,
        overSeconds: over,
        slowest: "web",
    });

    it("are each printed as met or missed, with the figure and the ratio to the script", () => {
        const lines = goalLines([figure(10, 5, 1, 1), figure(50, 99, 99, 99), figure(200, 30.1, 45, 3.1)]);
        expect(lines).toEqual([
            "goal at 10 workloads: deploy within the critical path + 5 s: met (+5 s; 2x the kubectl script)",
            "goal at 200 workloads: deploy within the critical path + 30 s: missed (+30.1 s; 2x the kubectl script)",
            "goal at 200 workloads: up from nothing within 45 s: met (45 s)",
            "goal at 200 workloads: a preview with nothing to change within 3 s: missed (3.1 s)",
        ]);
    });
});
