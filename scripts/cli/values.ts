/** Values typed on a command line, read into what the command uses; each refusal is a UsageError naming the option. */
import { UsageError } from "./cli";

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds of a duration such as `90`, `30s`, `5m`, `1h30m`, `2d`; throws a UsageError naming `option`. */
export function parseDuration(text: string, option: string): number {
    const parts = [...text.matchAll(/(\d+)([smhd]?)/g)];
    if (!/^(\d+[smhd]?)+$/.test(text) || parts.length === 0)
        throw new UsageError(`${option}: ${JSON.stringify(text)} is not a duration (e.g. 90s, 15m, 1h30m)`);
    const seconds = parts.reduce((sum, m) => sum + Number(m[1]) * UNITS[m[2] || "s"], 0);
    if (seconds <= 0) throw new UsageError(`${option}: the duration must be more than 0 seconds`);
    return seconds;
}

/** A regular expression given as an option's value. */
export function parsePattern(text: string, option: string): RegExp {
    try {
        return new RegExp(text);
    } catch (err) {
        throw new UsageError(`${option}: ${(err as Error).message}`);
    }
}

/** A name and a value, as `--cookie NAME=VALUE` gives them. */
export interface Match {
    readonly name: string;
    readonly value: string;
}

/** `NAME=VALUE`, both non-empty. */
export function parseMatch(text: string, option: string): Match {
    const eq = text.indexOf("=");
    if (eq <= 0 || eq === text.length - 1) throw new UsageError(`${option}: ${JSON.stringify(text)} is not NAME=VALUE`);
    return { name: text.slice(0, eq), value: text.slice(eq + 1) };
}
