/**
 * `npm run deploy -- <stack> <imageTag> [--yes] [--allow-infra-changes]` and
 * `npm run deploy -- <stack> --rollback`: a deploy is a stack update whose only change is the
 * image tag. Runs the Pulumi CLI through the Automation API; see scripts/deploy/.
 */
import { ask } from "./cli/cli";
import { automationBackend } from "./deploy/automation";
import { runDeploy } from "./deploy/flow";
import { PROJECT_DIR } from "./cli/program";

/** Entry point for `npm run deploy` and `capstan deploy`. */
export function main(argv: readonly string[]): Promise<number> {
    return runDeploy(
        argv,
        {
            stdout: (t) => process.stdout.write(t),
            stderr: (t) => process.stderr.write(t),
            interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
            ask,
        },
        automationBackend(PROJECT_DIR),
    ).catch((err: Error) => {
        process.stderr.write(`deploy: ${err.message}\n`);
        return 1;
    });
}

if (require.main === module) {
    void main(process.argv.slice(2)).then((code) => process.exit(code));
}
