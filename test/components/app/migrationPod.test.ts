import { afterEach, describe, expect, it, vi } from "vitest";
import { Migration } from "../../../components/app/migration";
import { appContainer, type ImageRef, imageReference, type PodBase } from "../../../components/app/pod";
import { workloadNames } from "../../../components/core";
import { ofType, runComponents } from "../../harness";

afterEach(() => vi.restoreAllMocks());

const image: ImageRef = { repository: "registry.example.com/shop", tag: "1.2" };

const pod: PodBase = {
    env: { configMapName: "env-cm", secretName: "env-secret" },
    serviceAccountName: "sa",
    runAsUser: 1000,
    writablePaths: ["/tmp"],
};

const RESOURCES = {
    cpu: "250m",
    memory: "512Mi",
    memoryLimit: "512Mi",
    ephemeralStorage: "256Mi",
    ephemeralStorageLimit: "2Gi",
};

/** The migration Job, as the mock engine recorded it. */
async function migrationJob(): Promise<Record<string, any>> {
    const { resources } = await runComponents(
        () =>
            new Migration("m", {
                app: "shop",
                namespace: "shop",
                image,
                command: ["rake", "db:migrate"],
                pod,
                resources: RESOURCES,
                activeDeadlineSeconds: 600,
            }),
    );
    const [job] = ofType(resources, "kubernetes:batch/v1:Job");
    return job.state as Record<string, any>;
}

describe("the migration runs the image every workload runs", () => {
    it("names the image as every workload's container does, from the one repository-and-tag value", async () => {
        const job = await migrationJob();
        const web = appContainer({ ...pod, role: "web", image, resources: RESOURCES, restartPolicy: "Always" });
        expect(job.spec.template.spec.containers[0].image).toBe(imageReference(image));
        expect(job.spec.template.spec.containers[0].image).toBe(web.image);
        expect(web.image).toBe("registry.example.com/shop:1.2");
    });
});

describe("the migration's pods are labelled by the name table", () => {
    it("the instance label is the Job's name without the tag's hash, the same for every tag", async () => {
        const job = await migrationJob();
        const instance = job.spec.template.metadata.labels["app.kubernetes.io/instance"];
        expect(instance).toBe("shop-migrate");
        expect(job.metadata.labels["app.kubernetes.io/instance"]).toBe(instance);
        expect(job.metadata.name).toMatch(/^shop-migrate-[0-9a-f]{8}$/);
    });

    it("a changed instance name reaches the Job's labels and its name alike", async () => {
        vi.spyOn(workloadNames, "migrationInstance").mockImplementation((app) => `${app}-schema`);
        const job = await migrationJob();
        expect(job.spec.template.metadata.labels["app.kubernetes.io/instance"]).toBe("shop-schema");
        expect(job.metadata.labels["app.kubernetes.io/instance"]).toBe("shop-schema");
        expect(job.metadata.name).toMatch(/^shop-schema-[0-9a-f]{8}$/);
    });
});
