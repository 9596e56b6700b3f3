/**
 * `capstan tenant new <name> --from <stack> [--org ORG]`: writes `Pulumi.tenant-<name>.yaml`, a
 * complete tenant stack on the cluster of `<stack>`, and prints the commands that set its secrets.
 */
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "../cli/cli";
import { defineCommand } from "../cli/define";
import { PROJECT_DIR } from "../cli/program";
import { runCommandSync } from "../cli/runCommand";
import { ScaffoldError, scaffoldTenant } from "../tenant/scaffold";
import { StackFileError } from "../cli/stackfile";

export const definition = defineCommand<{ name: string; from: string; org?: string }>({
    name: "tenant",
    summary: "scaffold a tenant's stack file from an existing stack",
    description:
        "Writes Pulumi.tenant-<name>.yaml: a complete tenant stack on the cluster of the --from stack (its shared cluster, its hosts under the same domain), and prints the commands that create the stack and set its secrets. It never overwrites a file.",
    synopsis: ["new <name> --from <stack> [--org ORG]"],
    arguments: [
        { name: "command", description: "new: write a new tenant's stack file", missing: "name a command: new" },
        { name: "name", description: "the tenant's name, e.g. acme", missing: "name the tenant, e.g. acme" },
    ],
    options: [
        { name: "from", value: "STACK", description: "the stack whose cluster the tenant shares", stack: true },
        {
            name: "org",
            value: "ORG",
            description: "the Pulumi organization in the tenant's reference to the shared stack (cluster.sharedStack)",
            default: "organization (the DIY backend's)",
        },
    ],
    examples: [
        { command: "capstan tenant new acme --from prod", says: "writes Pulumi.tenant-acme.yaml on prod's cluster" },
    ],
    exits: [],
    parse: (line) => {
        const [command, name] = line.positionals;
        if (command !== "new") throw new UsageError(`unknown command ${command}`);
        const from = line.options.from as string | undefined;
        if (!from) throw new UsageError("name the stack to copy with --from, e.g. --from prod");
        return { name, from, org: line.options.org as string | undefined };
    },
});

export interface TenantIo {
    readonly dir: string;
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
}

/** The command itself, separate from the process so that tests can run it in-process. */
export function tenantCli(argv: readonly string[], io: TenantIo): number {
    return runCommandSync(definition, argv, io, (args) => scaffold(args, io), io.dir);
}

function scaffold(args: { name: string; from: string; org?: string }, io: TenantIo): number {
    try {
        const scaffold = scaffoldTenant({ dir: io.dir, ...args });
        fs.writeFileSync(scaffold.file, scaffold.text, { flag: "wx" });
        io.stdout(
            `Wrote ${path.basename(scaffold.file)}: tenant ${args.name} on the cluster of ${scaffold.sharedStack}.\n`,
        );
        io.stdout(`Check it with: capstan render ${scaffold.stack}\n`);
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
