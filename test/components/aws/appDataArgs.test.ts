import { describe, expect, it } from "vitest";
import { bucketSettingsArgs, queueSettings, redrivePolicy } from "../../../components/aws/appDataArgs";

describe("app data arguments", () => {
    it("the bucket blocks every kind of public access, enforces its owner, encrypts and versions", () => {
        expect(bucketSettingsArgs("bucket-1")).toEqual({
            publicAccessBlock: {
                bucket: "bucket-1",
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            ownershipControls: { bucket: "bucket-1", rule: { objectOwnership: "BucketOwnerEnforced" } },
            encryption: {
                bucket: "bucket-1",
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
            },
            versioning: { bucket: "bucket-1", versioningConfiguration: { status: "Enabled" } },
        });
    });

    it("a message moves to the dead-letter queue after 5 receives, which keeps it 14 days, unless configured", () => {
        expect(queueSettings({})).toEqual({ maxReceiveCount: 5, deadLetterRetentionSeconds: 1209600 });
        expect(queueSettings({ maxReceiveCount: 3, deadLetterRetentionSeconds: 3600 })).toEqual({
            maxReceiveCount: 3,
            deadLetterRetentionSeconds: 3600,
        });
    });

    it("the redrive policy names the dead-letter queue and the receive count", () => {
        expect(JSON.parse(redrivePolicy("arn:aws:sqs:eu-west-1:1:jobs-dlq", 5))).toEqual({
            deadLetterTargetArn: "arn:aws:sqs:eu-west-1:1:jobs-dlq",
            maxReceiveCount: 5,
        });
    });
});
