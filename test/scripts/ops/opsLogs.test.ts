/**
 * `capstan logs <stack> migration` when the migration's pod is gone: the message names the app's
 * CloudWatch log group (a stack output) and the command that reads the Job's output back from it,
 * or says plainly that the stack ships no pod logs. `capstan logs <stack> assets`: the container that
 * tells why an assets Job failed.
 */
import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { goneMigrationLog } from "../../../scripts/ops/logs";
import { logContainer } from "../../../scripts/ops/logStream";
import { targetFromOutputs } from "../../../scripts/cli/target";

const outputs = (app: Record<string, unknown>) => ({
    namespace: "shop",
    imageTag: "v2",
    app: { name: "shop", webDeployment: "shop-web", migrationJob: "shop-migrate-v2", ...app },
});

describe("the log of a migration whose pod is gone", () => {
    it("is in the app's log group, read back by the Job's pod names", () => {
        const t = targetFromOutputs("prod", outputs({ logGroup: "/capstan/capstan-prod/app/shop" }));
        expect(t.logGroup).toBe("/capstan/capstan-prod/app/shop");
        const message = goneMigrationLog("migration shop-migrate-v2", t);
        expect(message).toContain("shipped to CloudWatch Logs, group /capstan/capstan-prod/app/shop");
        expect(message).toContain(
            `aws logs tail /capstan/capstan-prod/app/shop --since 7d --filter-pattern '{ $.kubernetes.pod_name = "shop-migrate-v2-*" }'`,
        );
    });

    it("is nowhere when the stack ships no pod logs, and the message says so", () => {
        const t = targetFromOutputs("local", outputs({}));
        expect(t.logGroup).toBeUndefined();
        const message = goneMigrationLog("migration shop-migrate-v2", t);
        expect(message).toMatch(/took its log with it, and this stack ships no pod logs \(capstan:observability\)/);
        expect(message).not.toContain("aws logs");
    });
});

describe("the log of an assets Job", () => {
    it("is the failed copy's when the image's folders could not be copied, else the uploader's", () => {
        const pod = (copyExit: number): V1Pod => ({
            spec: {
                initContainers: [{ name: "copy", image: "app:v2" }],
                containers: [{ name: "upload", image: "aws-cli:2" }],
            },
            status: {
                initContainerStatuses: [
                    {
                        name: "copy",
                        image: "app:v2",
                        imageID: "",
                        ready: false,
                        restartCount: 0,
                        state: { terminated: { exitCode: copyExit } },
                    },
                ],
            },
        });
        expect(logContainer(pod(1))).toBe("copy");
        expect(logContainer(pod(0))).toBe("upload");
    });

    it("is found by the Job the stack's outputs name", () => {
        expect(targetFromOutputs("prod", outputs({ assetsJob: "shop-assets-v2" })).assetsJob).toBe("shop-assets-v2");
        expect(targetFromOutputs("prod", outputs({})).assetsJob).toBeUndefined();
    });
});
