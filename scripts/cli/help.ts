/**
 * What a command's definition says to a reader: the usage printed after a usage error, the full
 * `--help`, and its section of docs/commands.md. All three come from the one definition.
 */
import { HELP_OPTION, type ArgumentSpec, type CommandDefinition, type OptionSpec } from "./define";
import { COMMON_EXITS, EXIT, EXIT_MEANING, type ExitName } from "./exits";

type Definition = CommandDefinition<unknown>;

function argumentWord(a: ArgumentSpec): string {
    const word = `<${a.name}>${a.variadic ? "..." : ""}`;
    return a.missing ? word : `[${word}]`;
}

function restWord(rest: NonNullable<Definition["rest"]>): string {
    return rest.optional ? `[-- <${rest.name}...>]` : `-- <${rest.name}...>`;
}

function optionWord(o: OptionSpec): string {
    return `--${o.name}${o.value ? ` ${o.value}` : ""}`;
}

/** The forms of the command line, each after `capstan <name> `. */
export function synopsis(d: Definition): readonly string[] {
    if (d.synopsis) return d.synopsis;
    const words = [
        ...d.arguments.map(argumentWord),
        ...d.options.map((o) => `[${optionWord(o)}]`),
        ...(d.rest ? [restWord(d.rest)] : []),
    ];
    return [words.join(" ")];
}

/** The usage lines: what a usage error prints after its reason. */
export function usageText(d: Definition): string {
    const forms = synopsis(d).map((s) => `capstan ${d.name}${s ? ` ${s}` : ""}`);
    return forms.map((f, i) => `${i === 0 ? "usage: " : "       "}${f}`).join("\n");
}

/** The exit codes a command can end with, in order. */
export function exitsOf(d: Definition): ExitName[] {
    const names = new Set<ExitName>([...COMMON_EXITS, ...d.exits]);
    return (Object.keys(EXIT) as ExitName[]).filter((n) => names.has(n));
}

function optionLabel(o: OptionSpec): string {
    return `${o.short ? `-${o.short}, ` : "    "}${optionWord(o)}`;
}

function withDefault(o: OptionSpec): string {
    return o.default === undefined ? o.description : `${o.description} (default: ${o.default})`;
}

/** Rows as an indented two-column list, descriptions aligned. */
function rows(entries: readonly [string, string][]): string[] {
    const width = Math.min(28, Math.max(...entries.map(([label]) => label.length)));
    return entries.map(([label, text]) =>
        label.length > width ? `  ${label}\n  ${" ".repeat(width)}  ${text}` : `  ${label.padEnd(width)}  ${text}`,
    );
}

/** `capstan <name> --help`: usage, description, arguments, options, examples and exit codes. */
export function helpText(d: Definition): string {
    const lines = [usageText(d), "", d.summary, "", d.description];
    const args: [string, string][] = d.arguments.map((a) => [argumentWord(a), a.description]);
    if (d.rest) args.push([`-- <${d.rest.name}...>`, d.rest.description]);
    if (args.length > 0) lines.push("", "Arguments:", ...rows(args));
    lines.push("", "Options:", ...rows([...d.options, HELP_OPTION].map((o) => [optionLabel(o), withDefault(o)])));
    if (d.examples.length > 0)
        lines.push("", "Examples:", ...d.examples.flatMap((e) => [`  ${e.command}`, `      ${e.says}`]));
    lines.push("", "Exit codes:", ...rows(exitsOf(d).map((n) => [String(EXIT[n]), EXIT_MEANING[n]])));
    lines.push("", "All commands and the exit codes: docs/commands.md");
    return lines.join("\n");
}

/** Prose outside code spans, for a page in docs/: `<` and `>` escaped, each guide it names (docs/X.md) a link. */
const markdownProse = (part: string) =>
    part
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/\bdocs\/([\w-]+)\.md\b/g, "[docs/$1.md]($1.md)");

/** Text for Markdown: `<` and `>` outside code spans escaped (so `<stack>` is not read as HTML), guides linked. */
export const prose = (text: string) =>
    text
        .split("`")
        .map((part, i) => (i % 2 === 0 ? markdownProse(part) : part))
        .join("`");

const cell = (text: string) => prose(text).replace(/\|/g, "\\|");

/** The command's section of docs/commands.md. */
export function markdownSection(d: Definition): string {
    const out = [
        `## capstan ${d.name}`,
        "",
        prose(d.summary),
        "",
        "```",
        ...usageText(d).split("\n"),
        "```",
        "",
        prose(d.description),
    ];
    const args: [string, string][] = d.arguments.map((a) => [argumentWord(a), a.description]);
    if (d.rest) args.push([`-- <${d.rest.name}...>`, d.rest.description]);
    if (args.length > 0)
        out.push(
            "",
            "| Argument | What it is |",
            "| --- | --- |",
            ...args.map(([a, t]) => `| \`${a}\` | ${cell(t)} |`),
        );
    if (d.options.length > 0)
        out.push(
            "",
            "| Option | What it does | Default |",
            "| --- | --- | --- |",
            ...d.options.map(
                (o) =>
                    `| \`${o.short ? `-${o.short}, ` : ""}${optionWord(o)}\` | ${cell(o.description)} | ${o.default === undefined ? "" : cell(o.default)} |`,
            ),
        );
    if (d.examples.length > 0)
        out.push("", "Examples:", "", ...d.examples.map((e) => `- \`${e.command}\`: ${prose(e.says)}`));
    out.push(
        "",
        `Exit codes: ${exitsOf(d)
            .map((n) => `${EXIT[n]} (${n})`)
            .join(", ")}.`,
    );
    return out.join("\n");
}
