/**
 * One definition per command: its arguments, options, examples and exit codes. The definition
 * drives the parser (node's `util.parseArgs` reads the words; the definition says which options
 * exist, which take a value and which arguments are stacks), the command's `--help` (help.ts) and
 * docs/commands.md. A command is a file under scripts/commands/ that exports its `definition` and
 * a `main(argv)` running it with {@link runCommand}.
 */
import { parseArgs } from "util";
import { HelpRequest, UsageError } from "./cli";
import type { ExitName } from "./exits";

/** An option: a flag when it has no `value`, else an option that takes one (`--timeout DURATION`). */
export interface OptionSpec {
    /** The long name, without `--`. */
    readonly name: string;
    /** One letter, without `-`. */
    readonly short?: string;
    /** What its value is called in help (`DURATION`); absent for a flag. */
    readonly value?: string;
    readonly description: string;
    /** The default, as help prints it. */
    readonly default?: string;
    /** The value names a stack: it is checked first, like a stack argument. */
    readonly stack?: boolean;
}

/** A positional argument. */
export interface ArgumentSpec {
    readonly name: string;
    readonly description: string;
    /** What a command says when the argument is missing; the argument is optional without it. */
    readonly missing?: string;
    /** It takes every remaining word. */
    readonly variadic?: boolean;
    /** It names a stack: checked first, before anything else the command does. */
    readonly stack?: boolean;
}

export interface Example {
    readonly command: string;
    readonly says: string;
}

/** A command's definition: everything its parser, help and reference page need. */
export interface CommandDefinition<T> {
    readonly name: string;
    /** One line: what the command does. */
    readonly summary: string;
    /** A paragraph or more for help and the reference. */
    readonly description: string;
    /** The forms of the command line after `capstan <name> `; generated from the arguments when absent. */
    readonly synopsis?: readonly string[];
    readonly arguments: readonly ArgumentSpec[];
    readonly options: readonly OptionSpec[];
    /** The words after `--`, when the command takes a command of its own there. */
    readonly rest?: { readonly name: string; readonly description: string; readonly optional?: boolean };
    /** Said after `unexpected argument X` (e.g. where such an argument goes instead). */
    readonly extraHint?: string;
    readonly examples: readonly Example[];
    /** The exit codes it can end with besides ok, failed and usage. */
    readonly exits: readonly ExitName[];
    /** Turns the words into the command's arguments; throws a UsageError for a bad value. */
    readonly parse: (line: CommandLine) => T;
}

/** The command line as the definition reads it, before the command's own `parse`. */
export interface CommandLine {
    readonly positionals: readonly string[];
    /** Flags as booleans (false when absent), options' values as text (undefined when absent). */
    readonly options: Readonly<Record<string, string | boolean | undefined>>;
    /** The words after `--`; undefined when there was no `--` (only for a definition with `rest`). */
    readonly rest?: readonly string[];
}

/** Defines a command (the identity, typed: a command file's one definition). */
export function defineCommand<T>(definition: CommandDefinition<T>): CommandDefinition<T> {
    return definition;
}

/** The help option every command has. */
export const HELP_OPTION: OptionSpec = { name: "help", short: "h", description: "print this help and exit" };

/** A word that is a negative number (a weight below 0, say), read as an argument, not as an option. */
const NEGATIVE_NUMBER = /^-\d+(\.\d+)?$/;

type Token = ReturnType<typeof parseArgs>["tokens"] extends (infer U)[] | undefined ? U : never;

function optionToken(t: Extract<Token, { kind: "option" }>, spec: OptionSpec | undefined, word: string) {
    if (!spec) throw new UsageError(`unknown option ${t.rawName.startsWith("--") ? word : t.rawName}`);
    if (!spec.value) {
        if (t.value !== undefined) throw new UsageError(`--${spec.name} takes no value`);
        return true;
    }
    if (t.value === undefined || (!t.inlineValue && t.value.startsWith("-")))
        throw new UsageError(`--${spec.name} needs a value (${spec.value})`);
    return t.value;
}

/** Reads the words with `util.parseArgs` as the definition declares them; `help` when -h/--help is among them. */
export function readLine(definition: CommandDefinition<unknown>, argv: readonly string[]): CommandLine | "help" {
    const dash = definition.rest ? argv.indexOf("--") : -1;
    const before = dash < 0 ? [...argv] : argv.slice(0, dash);
    const specs = [...definition.options, HELP_OPTION];
    const { tokens } = parseArgs({
        args: before,
        options: Object.fromEntries(
            specs.map((o) => [
                o.name,
                { type: o.value ? "string" : "boolean", ...(o.short ? { short: o.short } : {}) },
            ]),
        ),
        strict: false,
        allowPositionals: true,
        tokens: true,
    });
    if (tokens.some((t) => t.kind === "option" && t.name === "help")) return "help";
    const positionals: string[] = [];
    const options: Record<string, string | boolean | undefined> = Object.fromEntries(
        definition.options.map((o) => [o.name, o.value ? undefined : false]),
    );
    const numbers = new Set<number>();
    for (const t of tokens) {
        if (t.kind === "positional") positionals.push(t.value);
        else if (t.kind === "option-terminator") continue;
        else if (NEGATIVE_NUMBER.test(before[t.index])) {
            if (!numbers.has(t.index)) positionals.push(before[t.index]);
            numbers.add(t.index);
        } else {
            const spec = specs.find((o) => o.name === t.name);
            options[t.name] = optionToken(t, spec, before[t.index]);
        }
    }
    return { positionals, options, rest: dash < 0 ? undefined : argv.slice(dash + 1) };
}

/** The stacks the command line names: in stack arguments and stack options. */
export function namedStacks(definition: CommandDefinition<unknown>, line: CommandLine): string[] {
    const stacks: string[] = [];
    definition.arguments.forEach((a, i) => {
        if (!a.stack) return;
        const words = a.variadic ? line.positionals.slice(i) : [line.positionals[i]];
        stacks.push(...words.filter((w): w is string => w !== undefined));
    });
    for (const o of definition.options) {
        const value = line.options[o.name];
        if (o.stack && typeof value === "string") stacks.push(value);
    }
    return stacks;
}

/** Refuses missing and extra arguments, in the definition's words. */
export function checkArity(definition: CommandDefinition<unknown>, line: CommandLine): void {
    const args = definition.arguments;
    args.forEach((a, i) => {
        if (a.missing && line.positionals[i] === undefined) throw new UsageError(a.missing);
    });
    const max = args.some((a) => a.variadic) ? Infinity : args.length;
    if (line.positionals.length > max) {
        const extra = line.positionals[max];
        throw new UsageError(`unexpected argument ${extra}${definition.extraHint ? `: ${definition.extraHint}` : ""}`);
    }
}

/** Parses `argv` into the command's arguments (without the stack check): for tests and for commands' own callers. */
export function parseCommandLine<T>(definition: CommandDefinition<T>, argv: readonly string[]): T {
    const line = readLine(definition, argv);
    if (line === "help") throw new HelpRequest();
    checkArity(definition, line);
    return definition.parse(line);
}
