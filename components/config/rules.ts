import { parseCidr } from "../core/cidr";
import { TIME_ZONES } from "./timeZones";

/**
 * Plain validation rules shared by the config schema. Each returns an error message, or
 * undefined when the value is fine, so that they are easy to test one by one.
 */

/** A DNS-1123 label: what Kubernetes accepts for namespaces, Services and most object names. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function dnsLabelProblem(value: string, maxLength = 63): string | undefined {
    if (!DNS1123_LABEL.test(value)) {
        return `${JSON.stringify(value)} is not a DNS-1123 label; use lower-case letters, digits and '-', starting and ending with a letter or digit`;
    }
    if (value.length > maxLength) {
        return `${JSON.stringify(value)} is ${value.length} characters; at most ${maxLength} are allowed here`;
    }
    return undefined;
}

/** A Docker image tag: letters, digits, '_', '.', '-', at most 128 characters, not starting with '.' or '-'. */
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** {@link IMAGE_TAG} in words: the config check's message and the reference both say it this way. */
export const IMAGE_TAG_RULE = "letters, digits, '_', '.', '-'; at most 128 characters, not starting with '.' or '-'";

export function imageTagProblem(value: string, environment: string): string | undefined {
    if (value === "") {
        return `is empty; set the image tag to deploy, e.g. pulumi config set imageTag 2026.11.20-4f2c9e1`;
    }
    if (!IMAGE_TAG.test(value)) {
        return `${JSON.stringify(value)} is not a valid image tag (${IMAGE_TAG_RULE})`;
    }
    if (environment === "production" && value.toLowerCase() === "latest") {
        return `"latest" is not allowed in production; pin the tag of a built image, e.g. 2026.11.20-4f2c9e1`;
    }
    return undefined;
}

/**
 * A canary runs a tag of its own: at the stable tag it would only be more stable pods, and its
 * migration would race the stable one's. Both the config check and RailsApp ask this rule.
 */
export function canaryTagProblem(canaryTag: string, imageTag: string): string | undefined {
    return canaryTag === imageTag
        ? `${JSON.stringify(canaryTag)} equals imageTag; a canary runs a different tag (to promote it, set imageTag and remove capstan:canary)`
        : undefined;
}

/** An image reference without a tag or digest: `registry/path/name`. */
export const IMAGE_REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]{1,2}[a-z0-9]+)*)*$/;

// ---------- IPv4 and CIDR ----------

export function cidrProblem(value: string): string | undefined {
    return parseCidr(value) === undefined
        ? `${JSON.stringify(value)} is not an IPv4 CIDR block with its host bits zero, e.g. 10.20.0.0/16`
        : undefined;
}

// ---------- cron ----------

const CRON_MACROS = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]);
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const CRON_FIELDS: readonly { name: string; min: number; max: number; names?: string[] }[] = [
    { name: "minute", min: 0, max: 59 },
    { name: "hour", min: 0, max: 23 },
    { name: "day of month", min: 1, max: 31 },
    { name: "month", min: 1, max: 12, names: MONTHS },
    { name: "day of week", min: 0, max: 7, names: DAYS },
];

function cronValue(token: string, field: (typeof CRON_FIELDS)[number]): number | undefined {
    if (/^\d+$/.test(token)) {
        const n = Number(token);
        return n >= field.min && n <= field.max ? n : undefined;
    }
    const i = field.names?.indexOf(token.toUpperCase()) ?? -1;
    if (i < 0) return undefined;
    return field.name === "month" ? i + 1 : i;
}

function cronFieldProblem(text: string, field: (typeof CRON_FIELDS)[number]): string | undefined {
    for (const part of text.split(",")) {
        const [range, step, ...extra] = part.split("/");
        if (extra.length > 0 || range === "" || (step !== undefined && !/^[1-9]\d*$/.test(step))) {
            return `${field.name} field ${JSON.stringify(text)} is malformed`;
        }
        if (range === "*" || range === "?") continue;
        const bounds = range.split("-");
        if (bounds.length > 2) return `${field.name} field ${JSON.stringify(text)} is malformed`;
        const values = bounds.map((b) => cronValue(b, field));
        if (values.some((v) => v === undefined)) {
            return `${field.name} field ${JSON.stringify(text)} is outside ${field.min}-${field.max}`;
        }
        if (values.length === 2 && (values[0] as number) > (values[1] as number)) {
            return `${field.name} range ${JSON.stringify(range)} runs backwards`;
        }
    }
    return undefined;
}

/**
 * A Kubernetes CronJob schedule: five fields or a macro such as `@daily`. Time zones are set
 * with the CronJob's `timeZone` field; Kubernetes rejects `CRON_TZ=`/`TZ=` in the schedule.
 */
export function cronProblem(schedule: string): string | undefined {
    const s = schedule.trim();
    if (/^(CRON_TZ|TZ)=/.test(s)) {
        return `${JSON.stringify(schedule)} sets the time zone inside the schedule, which Kubernetes rejects; remove it and set timeZone (e.g. timeZone: Europe/Berlin)`;
    }
    if (s.startsWith("@")) {
        return CRON_MACROS.has(s)
            ? undefined
            : `${JSON.stringify(schedule)} is not a known macro (${[...CRON_MACROS].join(", ")})`;
    }
    const fields = s.split(/\s+/);
    if (fields.length !== 5) {
        return `${JSON.stringify(schedule)} has ${fields.length} fields; a schedule has 5: minute hour day-of-month month day-of-week`;
    }
    for (let i = 0; i < 5; i++) {
        const problem = cronFieldProblem(fields[i], CRON_FIELDS[i]);
        if (problem) return `${JSON.stringify(schedule)}: ${problem}`;
    }
    return undefined;
}

/**
 * A CronJob's `timeZone`, as the API server checks it: a name `time.LoadLocation` resolves, spelled
 * exactly, and never `Local` (the controller's own zone).
 */
export function timeZoneProblem(tz: string): string | undefined {
    if (tz.toLowerCase() === "local")
        return `${JSON.stringify(tz)} is the controller's own zone, which the API server refuses; name an IANA zone such as Europe/Berlin or UTC`;
    if (TIME_ZONES.has(tz)) return undefined;
    const spelled = [...TIME_ZONES].find((z) => z.toLowerCase() === tz.toLowerCase());
    if (spelled)
        return `${JSON.stringify(tz)} is spelled ${spelled} in the IANA database, and the API server's lookup is case-sensitive; use ${spelled}`;
    return `${JSON.stringify(tz)} is not an IANA time zone the API server knows; use one such as Europe/Berlin, America/New_York or UTC`;
}

/** Names that appear more than once, in the order of their first repeat. */
export function duplicates(names: readonly string[]): string[] {
    const seen = new Set<string>();
    const dup = new Set<string>();
    for (const n of names) (seen.has(n) ? dup : seen).add(n);
    return [...dup];
}

/**
 * Headers that carry credentials, which the access log never writes (to CloudWatch, in plain
 * text, on every line): HTTP and proxy authentication, session cookies as sent and as set, and
 * the CSRF and AWS session tokens of a Rails app behind it.
 */
export const CREDENTIAL_HEADERS = [
    "Authorization",
    "Proxy-Authorization",
    "Cookie",
    "Set-Cookie",
    "X-Api-Key",
    "X-Auth-Token",
    "X-CSRF-Token",
    "X-XSRF-Token",
    "X-Amz-Security-Token",
] as const;

/** Words that make any header name a credential's (compared without case, '-' and '_'), e.g. `X-Vault-Token`, `Api-Key`. */
export const CREDENTIAL_HEADER_WORDS = [
    "authorization",
    "cookie",
    "token",
    "secret",
    "password",
    "passwd",
    "apikey",
    "authkey",
    "credential",
    "session",
] as const;

/** Why `name` is a credential header (one of the list, or the word its name holds), or undefined when it is not one. */
export function credentialHeaderReason(name: string): string | undefined {
    const listed = CREDENTIAL_HEADERS.find((h) => h.toLowerCase() === name.toLowerCase());
    if (listed) return `${listed} carries credentials`;
    const squashed = name.toLowerCase().replace(/[-_]/g, "");
    const word = CREDENTIAL_HEADER_WORDS.find((w) => squashed.includes(w));
    return word ? `a header whose name holds "${word}" carries credentials` : undefined;
}
