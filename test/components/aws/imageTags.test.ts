/**
 * A tag that is not in the registry is refused before anything is declared: for ECR the program
 * asks the ECR image data source; for other registries, and for stacks that do not reach AWS, it
 * says that the check is skipped. Run under the mock engine with the invoke answered as ECR would.
 */
import { describe, expect, it } from "vitest";
import { checkImageTags, ecrRepository, imageTagCheckPlan } from "../../../components/aws/imageTags";
import { ConfigError } from "../../../components/config/errors";
import { runProgram } from "../../../scripts/render/engine";
import { RENDER_INVOKES } from "../../../scripts/render/render";

const ECR = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/phraseapp";
const PUSHED = new Set(["2026.12.04-abc"]);

/** Runs the check under the mock engine, with ECR knowing only the PUSHED tags; gives the invokes made. */
async function check(tags: string[], image = ECR, awsAccess = true) {
    const asked: Record<string, unknown>[] = [];
    const run = runProgram(
        async () => {
            await checkImageTags({
                image,
                awsAccess,
                tags: tags.map((tag, i) => ({ key: i ? "capstan:canary.imageTag" : "capstan:imageTag", tag })),
            });
            return {};
        },
        {
            project: "capstan",
            stack: "test",
            config: { "aws:region": "eu-central-1" },
            secretKeys: [],
            invokes: {
                "aws:ecr/getImage:getImage": (inputs) => {
                    asked.push(inputs);
                    if (!PUSHED.has(String(inputs.imageTag)))
                        throw new Error(
                            `ImageNotFoundException: The image with imageId {imageTag:'${String(inputs.imageTag)}'} does not exist`,
                        );
                    return { ...inputs, imageDigest: "sha256:00" };
                },
            },
        },
    );
    return { run, asked };
}

describe("the image tag check", () => {
    it("asks ECR for the tag, in the repository's own registry and region", async () => {
        const { run, asked } = await check(["2026.12.04-abc"]);
        await run;
        expect(asked).toEqual([
            expect.objectContaining({
                registryId: "123456789012",
                region: "eu-central-1",
                repositoryName: "phraseapp",
                imageTag: "2026.12.04-abc",
            }),
        ]);
    });

    it("refuses every tag ECR does not have, naming the key, the tag, the repository and the fix", async () => {
        const { run } = await check(["2026.12.04-abd", "2026.12.05-nope"]);
        const err = await run.then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(ConfigError.is(err)).toBe(true);
        const message = (err as Error).message;
        expect(message).toMatch(
            /capstan:imageTag: the tag "2026.12.04-abd" is not in the ECR repository phraseapp of registry 123456789012 \(eu-central-1\): push the image first, or fix the tag/,
        );
        expect(message).toMatch(/capstan:canary.imageTag: the tag "2026.12.05-nope"/);
    });

    it.each([
        ["ghcr.io/acme/phraseapp", true, /not an ECR repository/],
        ["registry.example.com:5000/phraseapp", true, /not an ECR repository/],
        [ECR, false, /does not reach AWS/],
    ])("skips %s (AWS access: %s) and says so, asking nothing", async (image, awsAccess, why) => {
        expect(imageTagCheckPlan({ image, awsAccess, tags: [] }).skipped).toMatch(why);
        const { run, asked } = await check(["2026.12.05-nope"], image, awsAccess);
        await run;
        expect(asked).toEqual([]);
    });

    it.each([
        [ECR, { registryId: "123456789012", region: "eu-central-1", repositoryName: "phraseapp" }],
        [
            "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/team/app",
            { registryId: "123456789012", region: "us-gov-west-1", repositoryName: "team/app" },
        ],
        [
            "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app",
            { registryId: "123456789012", region: "cn-north-1", repositoryName: "app" },
        ],
        ["public.ecr.aws/acme/app", undefined],
        ["docker.io/library/ruby", undefined],
    ])("reads the ECR repository of %s", (image, repo) => {
        expect(ecrRepository(image)).toEqual(repo);
    });

    it("is answered as found by the offline render, which cannot reach the registry", () => {
        expect(
            RENDER_INVOKES["aws:ecr/getImage:getImage"]({ repositoryName: "phraseapp", imageTag: "t" }),
        ).toMatchObject({ imageTags: ["t"] });
    });
});
