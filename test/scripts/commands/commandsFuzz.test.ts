/**
 * Nothing a user can type on a command line ends in a stack trace: for every command, any words
 * made of its own options, unknown ones, stack names and odd values are either read into its
 * arguments or refused with a usage error (exit 2, the reason and the usage), never thrown on.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../../scripts/commands";
import type { CommandDefinition } from "../../../scripts/cli/define";
import { EXIT } from "../../../scripts/cli/exits";
import { runCommand } from "../../../scripts/cli/runCommand";
import { PROJECT_DIR } from "../../harness";

/** Words that mean something to some command, and words that mean nothing to any. */
const ODD_WORDS = [
    "",
    "-",
    "--",
    "---",
    "-5",
    "-0",
    "-1.5",
    "=",
    "--=",
    "--x=",
    "a=b",
    "=b",
    "a=",
    "(",
    "[",
    "*",
    "0",
    "100",
    "101",
    "1h30m",
    "0s",
    "99999999999999999999d",
    "soon",
    "staging",
    "prod",
    "stagin",
    "../etc/passwd",
    "Pulumi.staging",
    "tenant-acme",
    "new",
    "up",
    "start",
    "weight",
    "run",
    "resume",
    "worker",
    "cron",
    "2026.11.21-9a8b7c6",
    "not a tag!",
    "ü",
    "\u0000",
    "a".repeat(300),
    "-h",
    "--help",
    "-y",
    "-df",
    "--no-such-option",
    "--constructor",
    "--__proto__",
    "--toString",
];

function wordsOf(definition: CommandDefinition<unknown>): fc.Arbitrary<string[]> {
    const options = definition.options.flatMap((o) => [
        `--${o.name}`,
        `--${o.name}=`,
        `--${o.name}=x`,
        ...(o.short ? [`-${o.short}`] : []),
    ]);
    const word = fc.oneof(fc.constantFrom(...ODD_WORDS, ...options), fc.string({ maxLength: 12 }));
    return fc.array(word, { maxLength: 8 });
}

const STACK_FRAME = /\n\s+at |TypeError|ReferenceError|RangeError|Cannot read propert/;

describe("every command's command line", () => {
    it.each(COMMANDS.map((c) => [c.definition.name, c.definition] as const))(
        "%s: reads or refuses anything typed, never with a stack trace",
        async (_name, definition) => {
            await fc.assert(
                fc.asyncProperty(wordsOf(definition), async (argv) => {
                    let out = "";
                    const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (out += t) };
                    const code = await runCommand(definition, argv, io, () => EXIT.ok, PROJECT_DIR);
                    expect(out).not.toMatch(STACK_FRAME);
                    expect([EXIT.ok, EXIT.usage]).toContain(code);
                    if (code === EXIT.usage) expect(out).toMatch(new RegExp(`^${definition.name}: .+\\n|^usage: `));
                }),
                { numRuns: 300 },
            );
        },
        60_000,
    );
});
