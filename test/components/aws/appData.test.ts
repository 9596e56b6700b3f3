import { describe, expect, it } from "vitest";
import { AppData, appDataPolicy, OBJECT_ACTIONS, QUEUE_ACTIONS } from "../../../components/aws/appData";
import { irsaTrustPolicy } from "../../../components/aws/irsa";
import { appDataEnvNames } from "../../../components/core";
import { ofType, runComponents, type RecordedResource } from "../../harness";

const OIDC_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/ABC";
const ISSUER = "oidc.eks.eu-central-1.amazonaws.com/id/ABC";

function appData(queues: string[], name = "phraseapp-staging") {
    return runComponents(() => {
        const data = new AppData(name, {
            namespace: "phraseapp",
            serviceAccountName: "phraseapp",
            queues,
            oidcProviderArn: OIDC_ARN,
            oidcIssuer: ISSUER,
        });
        return { env: data.env, annotations: data.serviceAccountAnnotations };
    });
}

const json = (r: RecordedResource, key: string) => JSON.parse(String(r.inputs[key]));

describe("the app's bucket", () => {
    it("is protected, encrypted, versioned, TLS-only and blocks every kind of public access", async () => {
        const { resources } = await appData([]);
        const [bucket] = ofType(resources, "aws:s3/bucket:Bucket");
        expect(bucket.protect).toBe(true);
        const [block] = ofType(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
        expect(block.inputs).toMatchObject({
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        });
        const [sse] = ofType(
            resources,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        );
        expect(sse.inputs.rules).toEqual([
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true },
        ]);
        const [versioning] = ofType(resources, "aws:s3/bucketVersioning:BucketVersioning");
        expect(versioning.inputs.versioningConfiguration).toEqual({ status: "Enabled" });
        const [policy] = ofType(resources, "aws:s3/bucketPolicy:BucketPolicy");
        expect(json(policy, "policy").Statement[0]).toMatchObject({
            Effect: "Deny",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        });
        for (const r of [block, sse, versioning, policy]) expect(r.inputs.bucket).toBe(bucket.id);
    });
});

describe("the app's queues", () => {
    it("gives each configured queue a dead-letter queue, and no others", async () => {
        const { resources } = await appData(["mailers", "exports"]);
        const queues = ofType(resources, "aws:sqs/queue:Queue");
        expect(queues.map((q) => q.name).sort()).toEqual([
            "phraseapp-staging-exports",
            "phraseapp-staging-exports-dlq",
            "phraseapp-staging-mailers",
            "phraseapp-staging-mailers-dlq",
        ]);
        for (const q of ["mailers", "exports"]) {
            const main = queues.find((r) => r.name === `phraseapp-staging-${q}`) as RecordedResource;
            const dlq = queues.find((r) => r.name === `phraseapp-staging-${q}-dlq`) as RecordedResource;
            expect(json(main, "redrivePolicy")).toEqual({ deadLetterTargetArn: dlq.state.arn, maxReceiveCount: 5 });
            expect(main.inputs.sqsManagedSseEnabled).toBe(true);
            expect(dlq.inputs.messageRetentionSeconds).toBe(14 * 24 * 3600);
        }
    });

    it("hands the bucket name and queue URLs to the pods as env, and the role to the ServiceAccount", async () => {
        const { resources, outputs } = await appData(["mailers"]);
        const [bucket] = ofType(resources, "aws:s3/bucket:Bucket");
        const [mailers] = ofType(resources, "aws:sqs/queue:Queue").filter(
            (q) => q.name === "phraseapp-staging-mailers",
        );
        const [role] = ofType(resources, "aws:iam/role:Role");
        expect(outputs.env).toEqual({
            [appDataEnvNames.bucket]: bucket.state.bucket,
            [appDataEnvNames.queueUrl("mailers")]: mailers.state.url,
        });
        expect(outputs.annotations).toEqual({ "eks.amazonaws.com/role-arn": role.state.arn });
    });
});

describe("the IRSA role", () => {
    it("allows exactly the bucket, its objects and this stack's queues, nothing else", async () => {
        const { resources } = await appData(["mailers", "exports"]);
        const [bucket] = ofType(resources, "aws:s3/bucket:Bucket");
        const [policy] = ofType(resources, "aws:iam/rolePolicy:RolePolicy");
        const queueArns = ofType(resources, "aws:sqs/queue:Queue")
            .filter((q) => !q.name.endsWith("-dlq"))
            .map((q) => q.state.arn);
        const doc = json(policy, "policy");
        const resourcesNamed = doc.Statement.flatMap((s: { Resource: string[] }) => s.Resource).sort();
        expect(resourcesNamed).toEqual([bucket.state.arn, `${bucket.state.arn as string}/*`, ...queueArns].sort());
        for (const s of doc.Statement) {
            expect(s.Effect).toBe("Allow");
            for (const a of s.Action) expect(a).toMatch(/^(s3|sqs):[A-Za-z]+$/);
        }
    });

    it("is assumed only by this namespace's ServiceAccount, through the cluster's OIDC provider", async () => {
        const { resources } = await appData([]);
        const [role] = ofType(resources, "aws:iam/role:Role");
        const trust = json(role, "assumeRolePolicy");
        expect(trust.Statement).toHaveLength(1);
        expect(trust.Statement[0].Principal).toEqual({ Federated: OIDC_ARN });
        expect(trust.Statement[0].Action).toBe("sts:AssumeRoleWithWebIdentity");
        expect(trust.Statement[0].Condition).toEqual({
            StringEquals: {
                [`${ISSUER}:sub`]: "system:serviceaccount:phraseapp:phraseapp",
                [`${ISSUER}:aud`]: "sts.amazonaws.com",
            },
        });
    });
});

describe("the policy documents", () => {
    it("name no queue statement when the app has no queues", () => {
        const doc = appDataPolicy("arn:aws:s3:::b", []);
        expect(doc.Statement.map((s) => s.Sid)).toEqual(["Bucket", "Objects"]);
        expect(doc.Statement[1].Action).toEqual(OBJECT_ACTIONS);
    });

    it("grant queue actions on the queues given", () => {
        const doc = appDataPolicy("arn:aws:s3:::b", ["arn:aws:sqs:eu-central-1:123456789012:q"]);
        expect(doc.Statement[2]).toEqual({
            Sid: "Queues",
            Effect: "Allow",
            Action: QUEUE_ACTIONS,
            Resource: ["arn:aws:sqs:eu-central-1:123456789012:q"],
        });
    });

    it.each([ISSUER, `https://${ISSUER}`])("accept the issuer %s with or without its scheme", async (issuer) => {
        let text = "";
        await runComponents(() =>
            irsaTrustPolicy({
                oidcProviderArn: OIDC_ARN,
                oidcIssuer: issuer,
                namespace: "ns",
                serviceAccount: "sa",
            }).apply((t) => (text = t)),
        );
        const trust = JSON.parse(text);
        expect(Object.keys(trust.Statement[0].Condition.StringEquals)).toEqual([`${ISSUER}:sub`, `${ISSUER}:aud`]);
    });
});
