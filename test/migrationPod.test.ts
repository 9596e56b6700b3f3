import { afterEach, describe, expect, it, vi } from "vitest";
import { Migration } from "../components/app/migration";
import { imageRef, type PodBase } from "../components/app/pod";
import { ofType, runComponents } from "./harness";

// The image rule is wrapped so that a test can change it in one place and watch the migration follow.
vi.mock("../components/app/pod", async (original) => {
    const pod = await original<typeof import("../components/app/pod")>();
    return { ...pod, imageRef: vi.fn(pod.imageRef) };
});

afterEach(() => vi.restoreAllMocks());

const pod: PodBase = {
    env: { configMapName: "env-cm", secretName: "env-secret" },
    serviceAccountName: "sa",
    runAsUser: 1000,
    writablePaths: ["/tmp"],
};

/** The migration Job's pod template, as the mock engine recorded it. */
async function migrationPod(): Promise<Record<string, any>> {
    const { resources } = await runComponents(
        () =>
            new Migration("m", {
                app: "shop",
                namespace: "shop",
                image: "registry.example.com/shop",
                imageTag: "1.2",
                command: ["rake", "db:migrate"],
                pod,
                resources: { cpu: "250m", memory: "512Mi", memoryLimit: "512Mi" },
                activeDeadlineSeconds: 600,
            }),
    );
    const [job] = ofType(resources, "kubernetes:batch/v1:Job");
    return (job.state as Record<string, any>).spec.template;
}

describe("the migration runs the image every workload runs", () => {
    it("names the image by the rule every workload's image is named by", async () => {
        vi.mocked(imageRef).mockImplementation((repository, tag) => `${repository}@tag-${tag}`);
        const template = await migrationPod();
        expect(template.spec.containers[0].image).toBe("registry.example.com/shop@tag-1.2");
    });
});
