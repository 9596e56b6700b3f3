/**
 * `npm run tenant -- new <name> --from <stack> [--org ORG]`: writes `Pulumi.tenant-<name>.yaml`, a
 * complete tenant stack on the cluster of `<stack>`, and prints the commands that set its secrets.
 */
import * as fs from "fs";
import * as path from "path";
import { readCommandLine, runAsProcess, UsageError } from "./cli/cli";
import { PROJECT_DIR } from "./cli/program";
import { ScaffoldError, scaffoldTenant } from "./tenant/scaffold";
import { StackFileError } from "./cli/stackfile";

const USAGE = "usage: npm run tenant -- new <name> --from <stack> [--org ORG]";

function parseArgs(argv: readonly string[]): { name: string; from: string; org?: string } {
    const [command, ...rest] = argv;
    if (command === "-h" || command === "--help") throw new UsageError("");
    if (command !== "new")
        throw new UsageError(command === undefined ? "name a command: new" : `unknown command ${command}`);
    let name: string | undefined;
    let from: string | undefined;
    let org: string | undefined;
    for (let i = 0; i < rest.length; i++) {
        const a = rest[i];
        if (a === "--from" || a === "--org") {
            const v = rest[++i];
            if (!v) throw new UsageError(`${a} needs a value`);
            if (a === "--from") from = v;
            else org = v;
        } else if (a.startsWith("--")) {
            throw new UsageError(`unknown option ${a}`);
        } else if (name === undefined) {
            name = a;
        } else {
            throw new UsageError(`unexpected argument ${a}`);
        }
    }
    if (name === undefined) throw new UsageError("name the tenant, e.g. acme");
    if (!from) throw new UsageError("name the stack to copy with --from, e.g. --from prod");
    return { name, from, org };
}

export interface TenantIo {
    readonly dir: string;
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
}

/** The command itself, separate from the process so that tests can run it in-process. */
export function tenantCli(argv: readonly string[], io: TenantIo): number {
    const line = readCommandLine({ name: "tenant", usage: USAGE, stderr: io.stderr }, () => parseArgs(argv));
    if ("exitCode" in line) return line.exitCode;
    const { args } = line;
    try {
        const scaffold = scaffoldTenant({ dir: io.dir, ...args });
        fs.writeFileSync(scaffold.file, scaffold.text, { flag: "wx" });
        io.stdout(
            `Wrote ${path.basename(scaffold.file)}: tenant ${args.name} on the cluster of ${scaffold.sharedStack}.\n`,
        );
        io.stdout(`Check it with: npm run render -- ${scaffold.stack}\n`);
        io.stdout(`Then create the stack and set its secrets:\n  pulumi stack init ${scaffold.stack}\n`);
        for (const c of scaffold.secretCommands) io.stdout(`  ${c}\n`);
        io.stdout(`and run: pulumi up --stack ${scaffold.stack}\n`);
        io.stdout(
            Object.keys(scaffold.values).some((k) => k.endsWith(":dns"))
                ? "Its hosts get records in capstan:dns's zone, and its certificate is added to the shared load balancers' TLS listeners.\n"
                : "TLS ends at the shared cluster's load balancers: their certificates must cover the tenant's hosts.\n",
        );
        return 0;
    } catch (err) {
        if (err instanceof ScaffoldError || err instanceof StackFileError) {
            io.stderr(`tenant: ${err.message}\nNothing was written.\n`);
            return 1;
        }
        throw err;
    }
}

/** Entry point for `npm run tenant` and `capstan tenant`. */
export function main(argv: readonly string[]): Promise<number> {
    return Promise.resolve(
        tenantCli(argv, {
            dir: PROJECT_DIR,
            stdout: (t) => process.stdout.write(t),
            stderr: (t) => process.stderr.write(t),
        }),
    );
}

if (require.main === module) runAsProcess("tenant", main);
