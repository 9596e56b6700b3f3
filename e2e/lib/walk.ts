/**
 * The README's five-minute walk as the suite runs it: the commands of its fenced blocks marked
 * `five-minute-walk`, in order, run as written in one shell (so that `eval "$(npx capstan local
 * env)"` holds for the commands after it), each command's exit code recorded.
 */

/** The word in a fenced block's info string (```sh five-minute-walk) that marks a block of the walk. */
export const WALK_MARK = "five-minute-walk";

/** The commands of the marked blocks, in order: one per line, blank lines and comment lines left out. */
export function walkCommands(markdown: string, mark = WALK_MARK): string[] {
    const commands: string[] = [];
    let block: "none" | "walk" | "other" = "none";
    for (const line of markdown.split("\n")) {
        if (line.startsWith("```")) {
            if (block !== "none") block = "none";
            else block = line.slice(3).trim().split(/\s+/).includes(mark) ? "walk" : "other";
            continue;
        }
        const command = line.trim();
        if (block === "walk" && command !== "" && !command.startsWith("#")) commands.push(command);
    }
    return commands;
}

const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;

export interface WalkScriptOptions {
    /** Where each command's number, exit code and end (seconds since the start) are appended, one `N CODE SECONDS` line per command. */
    readonly resultsFile: string;
    /** Words added to `capstan local up` (the suite's --crds on a machine without network). */
    readonly localUpExtra?: readonly string[];
    /** A command run before `capstan local down`, to see the stack while it runs. */
    readonly beforeDown?: string;
}

/** A bash script running the commands as written, stopping at the first that fails. */
export function walkScript(commands: readonly string[], options: WalkScriptOptions): string {
    const lines: string[] = [];
    commands.forEach((command, i) => {
        let line = command;
        if (/\bcapstan local up\b/.test(command) && options.localUpExtra?.length)
            line = command.replace(/\bcapstan local up\b/, `$& ${options.localUpExtra.map(quote).join(" ")}`);
        if (/\bcapstan local down\b/.test(command) && options.beforeDown) lines.push(options.beforeDown);
        lines.push(
            line,
            `rc=$?; echo "${i} $rc $SECONDS" >> ${quote(options.resultsFile)}; [ "$rc" -eq 0 ] || exit "$rc"`,
        );
    });
    return `${lines.join("\n")}\n`;
}

/** What one command of the walk did: its exit code and how long it took, in whole seconds. */
export interface WalkStep {
    readonly code: number;
    readonly seconds: number;
}

/** Each command the script ran, by its number; commands it never reached are absent. */
export function walkResults(text: string): Map<number, WalkStep> {
    const results = new Map<number, WalkStep>();
    let end = 0;
    for (const line of text.split("\n")) {
        const m = /^(\d+) (\d+) (\d+)$/.exec(line.trim());
        if (!m) continue;
        results.set(Number(m[1]), { code: Number(m[2]), seconds: Number(m[3]) - end });
        end = Number(m[3]);
    }
    return results;
}

/** The tag of the walk's first `capstan deploy <stack> <tag>`: what its rollback returns to. */
export function deployedTag(commands: readonly string[]): string | undefined {
    for (const c of commands) {
        const m = /\bcapstan deploy \S+ ([A-Za-z0-9_][\w.-]*)/.exec(c);
        if (m) return m[1];
    }
    return undefined;
}
