import { IMAGE_TAG } from "../../components/config/rules";
import { HelpRequest, isHelp, UsageError } from "../cli/cli";

export const USAGE = [
    "usage: npm run deploy -- <stack> <imageTag> [--yes] [--allow-infra-changes]",
    "       npm run deploy -- <stack> --rollback [--yes] [--allow-infra-changes]",
].join("\n");

export interface DeployArgs {
    readonly stack: string;
    /** The tag to deploy; absent with --rollback, which reads it from the stack history. */
    readonly imageTag?: string;
    readonly rollback: boolean;
    readonly yes: boolean;
    readonly allowInfraChanges: boolean;
}

export function parseDeployArgs(argv: readonly string[]): DeployArgs {
    const positional: string[] = [];
    const flags = { rollback: false, yes: false, allowInfraChanges: false };
    for (const a of argv) {
        if (a === "--rollback") flags.rollback = true;
        else if (a === "--yes" || a === "-y") flags.yes = true;
        else if (a === "--allow-infra-changes") flags.allowInfraChanges = true;
        else if (isHelp(a)) throw new HelpRequest();
        else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
        else positional.push(a);
    }
    const [stack, imageTag, ...extra] = positional;
    if (!stack) throw new UsageError("name the stack to deploy, e.g. staging");
    if (extra.length) throw new UsageError(`unexpected argument ${extra[0]}`);
    if (flags.rollback && imageTag)
        throw new UsageError("--rollback reads the tag from the stack history; give either an image tag or --rollback");
    if (!flags.rollback && !imageTag) throw new UsageError("name the image tag to deploy, or pass --rollback");
    if (imageTag && !IMAGE_TAG.test(imageTag))
        throw new UsageError(
            `${JSON.stringify(imageTag)} is not a valid image tag (letters, digits, '_', '.', '-'; at most 128 characters)`,
        );
    return { stack, imageTag, ...flags };
}
