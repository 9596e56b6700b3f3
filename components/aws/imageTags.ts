/**
 * Refuses an image tag that is not in the registry before anything changes, in `pulumi preview`
 * too: for an ECR repository the program looks each tag up with the ECR image data source, so a
 * mistyped tag fails the run in seconds instead of after the migration's deadline. Other
 * registries are not asked (their APIs differ and need credentials the program does not have):
 * the run says that the check was skipped.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../config/errors";

/** An ECR repository: `<account>.dkr.ecr.<region>.amazonaws.com/<name>`. */
export interface EcrRepository {
    readonly registryId: string;
    readonly region: string;
    readonly repositoryName: string;
}

const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** The ECR repository of an image repository reference, or undefined for another registry. */
export function ecrRepository(image: string): EcrRepository | undefined {
    const slash = image.indexOf("/");
    if (slash < 0) return undefined;
    const host = ECR_HOST.exec(image.slice(0, slash));
    if (!host) return undefined;
    return { registryId: host[1], region: host[2], repositoryName: image.slice(slash + 1) };
}

export interface ImageTagCheck {
    /** The image repository, without tag. */
    readonly image: string;
    /** The tags the stack runs, each with the config key that sets it. */
    readonly tags: readonly { readonly key: string; readonly tag: string }[];
    /** Whether the stack reaches AWS: a stack on a cluster managed elsewhere, with no AWS data, has no credentials to ask with. */
    readonly awsAccess: boolean;
}

/** What the check does for a stack, in words: which registry, and whether it is asked. */
export function imageTagCheckPlan(check: ImageTagCheck): { repository?: EcrRepository; skipped?: string } {
    const repository = ecrRepository(check.image);
    if (!repository)
        return {
            skipped: `${check.image} is not an ECR repository: the image tags are not looked up (Capstan checks tags in ECR only), so a tag that does not exist fails at the migration`,
        };
    if (!check.awsAccess)
        return {
            skipped: `this stack does not reach AWS (a cluster managed elsewhere, no AWS data): the image tags are not looked up in ECR`,
        };
    return { repository };
}

/**
 * Looks every tag up in ECR (the registry of the image), or logs why it does not. Throws a
 * ConfigError naming every tag that is not there; awaited before anything is declared, so a
 * refused tag changes nothing.
 */
export async function checkImageTags(check: ImageTagCheck): Promise<void> {
    const plan = imageTagCheckPlan(check);
    if (!plan.repository) {
        await pulumi.log.info(`capstan: image tag check skipped: ${plan.skipped}`);
        return;
    }
    const repo = plan.repository;
    const missing: { key: string; tag: string; why: string }[] = [];
    await Promise.all(
        check.tags.map(async ({ key, tag }) => {
            try {
                await aws.ecr.getImage({
                    registryId: repo.registryId,
                    region: repo.region,
                    repositoryName: repo.repositoryName,
                    imageTag: tag,
                });
            } catch (err) {
                missing.push({ key, tag, why: String((err as Error).message ?? err).split("\n")[0] });
            }
        }),
    );
    if (missing.length > 0)
        throw new ConfigError(
            missing.map((m) => ({
                path: m.key,
                message: `the tag ${JSON.stringify(m.tag)} is not in the ECR repository ${repo.repositoryName} of registry ${repo.registryId} (${repo.region}): push the image first, or fix the tag (ECR said: ${m.why})`,
            })),
        );
}
