/**
 * Any stack config either passes the config checks and renders, or is refused by them with key
 * paths: no config reaches a component that then throws (a stack trace instead of a problem list).
 * Committed stacks are changed at random: values replaced, keys added to maps (env, labels, node
 * selectors, quotas), entries added to lists (workers, cron, hosts, egress, taints).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../components/config";
import { rootSchema, validateConfig } from "../../../components/config";
import { configPath } from "../../../components/config/errors";
import { knownKeys, schemaAt } from "../../../components/config/expected";
import { editDistance } from "../../../components/config/nearest";
import { committedStacks, problemsOf, render, rootOf, stackValues } from "../../harness";

type Json = unknown;
type Container = Record<string, Json> | Json[];

/** Text, numbers and shapes that are each meaningful somewhere in the config. */
const VALUES: readonly Json[] = [
    "",
    "x",
    "0",
    "1",
    "latest",
    "/",
    "/tmp",
    "0.0.0.0/0",
    "10.20.0.0/16",
    "role",
    "workers",
    "default",
    "kube-system",
    "UTC",
    "1Gi",
    "100m",
    "Bad_Name",
    "a".repeat(70),
    "m7g.large",
    "NoSchedule",
    "four",
    "yes",
    0,
    1,
    2,
    -1,
    3000,
    7433,
    65536,
    1.5,
    true,
    false,
    null,
    [],
    [1, "x"],
    {},
    { a: 1 },
];

/** A stack frame, or what a message shows when it prints a value it did not mean to. */
const STACK_TRACE_OR_SLIP = /\n\s+at |\bundefined\b|\[object Object\]|\bNaN\b/;

/** Keys to add to maps: names Capstan sets itself, system label keys, and plain ones. */
const KEYS: readonly string[] = [
    "SHUTDOWN_TIMEOUT_SECONDS",
    "DATABASE_URL",
    "REDIS_URL",
    "S3_BUCKET",
    "RAILS_MAX_THREADS",
    "kubernetes.io/hostname",
    "example.com/team",
    "role",
];

/** Maps whose keys are the user's own (the rest are fixed shapes): where an added key is most likely taken. */
const RECORDS = new Set(["env", "labels", "nodeSelector"]);

interface Found {
    readonly maps: { map: Record<string, Json>; record: boolean }[];
    readonly lists: Json[][];
    readonly leaves: [Container, string | number][];
}

/** Every map, list and leaf inside `value`. */
function walk(value: Json, name = "", found: Found = { maps: [], lists: [], leaves: [] }): Found {
    if (Array.isArray(value)) found.lists.push(value);
    else if (typeof value === "object" && value !== null)
        found.maps.push({ map: value as Record<string, Json>, record: RECORDS.has(name) });
    else return found;
    for (const [k, v] of Object.entries(value)) {
        if (typeof v === "object" && v !== null) walk(v, Array.isArray(value) ? name : k, found);
        else found.leaves.push([value as Container, Array.isArray(value) ? Number(k) : k]);
    }
    return found;
}

type Mutation =
    | { kind: "set"; at: number; value: number }
    | { kind: "addKey"; record: boolean; at: number; key: number; value: number }
    | { kind: "addEntry"; at: number; copy: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: fc.nat() }),
    fc.record({
        kind: fc.constant("addKey" as const),
        // Three times in four a map of the user's own keys.
        record: fc.nat(3).map((n) => n > 0),
        at: fc.nat(),
        key: fc.nat(),
        value: fc.nat(),
    }),
    fc.record({ kind: fc.constant("addEntry" as const), at: fc.nat(), copy: fc.nat() }),
);

function apply(root: Record<string, Json>, m: Mutation): void {
    const { maps, lists, leaves } = walk(root);
    if (m.kind === "set") {
        const [parent, key] = leaves[m.at % leaves.length];
        (parent as Record<string | number, Json>)[key] = structuredClone(VALUES[m.value % VALUES.length]);
        return;
    }
    if (m.kind === "addKey") {
        const records = maps.filter((f) => f.record);
        const pool = m.record && records.length > 0 ? records : maps;
        // Text, as an env value or a label value is, half of the time.
        const value = m.value % 2 === 0 ? "1" : VALUES[m.value % VALUES.length];
        pool[m.at % pool.length].map[KEYS[m.key % KEYS.length]] = structuredClone(value);
        return;
    }
    const list = lists[m.at % lists.length];
    // A copy of an entry of the same list (a second worker, host or rule), or a value where the list is empty.
    list.push(structuredClone(list.length > 0 ? list[m.copy % list.length] : VALUES[m.copy % VALUES.length]));
}

/** The stack's values with `root` in place of its config: what the render reads. */
function overridesOf(root: Record<string, Json>): Record<string, unknown> {
    const out: Record<string, unknown> = { "aws:region": root.region };
    for (const [k, v] of Object.entries(root)) if (k !== "region") out[`capstan:${k}`] = v;
    return out;
}

describe("no config gets past the checks to a component that throws", () => {
    it.each(committedStacks())(
        "changes, added keys and added entries of %s are refused with key paths or render",
        async (stack) => {
            const checked = { refused: 0, rendered: 0 };
            await fc.assert(
                fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 2 }), async (mutations) => {
                    const root = rootOf(stackValues(stack)) as Record<string, Json>;
                    for (const m of mutations) apply(root, m);
                    const app = root.app as { secretEnv?: unknown } | undefined;
                    const secretEnv = Array.isArray(app?.secretEnv)
                        ? app.secretEnv.filter((n) => typeof n === "string")
                        : [];
                    const { problems } = validateConfig(
                        root,
                        { appSecrets: secretEnv, basicAuthPasswords: undefined },
                        { project: "capstan", stack },
                    );
                    for (const p of problems) {
                        expect(p.path).toMatch(/^(capstan|aws):/);
                        expect(p.message).not.toMatch(STACK_TRACE_OR_SLIP);
                    }
                    if (problems.length > 0) {
                        checked.refused++;
                        return;
                    }
                    try {
                        await render(stack, { overrides: overridesOf(root) });
                        checked.rendered++;
                    } catch (err) {
                        // A problem found while rendering (a secret with no value, another stack's outputs) is still a config problem.
                        if (!ConfigError.is(err)) throw err;
                        checked.refused++;
                    }
                }),
                { numRuns: Number(process.env.FUZZ_RUNS ?? 40) },
            );
            expect(checked.refused + checked.rendered).toBe(Number(process.env.FUZZ_RUNS ?? 40));
        },
        120_000,
    );
});

describe("variables Capstan sets itself are refused in the app's env, with their key path", () => {
    it.each<[string, string, (r: Record<string, any>) => void, string]>([
        [
            "the workers' shutdown timeout in app.env",
            "staging",
            (r) => (r.app.env.SHUTDOWN_TIMEOUT_SECONDS = "5"),
            "capstan:app.env.SHUTDOWN_TIMEOUT_SECONDS",
        ],
        [
            "the workers' shutdown timeout as a secret",
            "prod",
            (r) => r.app.secretEnv.push("SHUTDOWN_TIMEOUT_SECONDS"),
            "capstan:app.secretEnv[1]",
        ],
        ["the bucket in app.env", "prod", (r) => (r.app.env.S3_BUCKET = "b"), "capstan:app.env.S3_BUCKET"],
        ["the cache's URL in app.env", "prod", (r) => (r.app.env.REDIS_URL = "r"), "capstan:app.env.REDIS_URL"],
    ])("%s", (_name, stack, mutate, path) => {
        const problems = problemsOf(stack, mutate);
        expect(problems.map((p) => p.path)).toEqual([path]);
    });

    it("leaves SHUTDOWN_TIMEOUT_SECONDS to the app when it has no workers", () => {
        expect(
            problemsOf("staging", (r) => {
                r.app.workers = [];
                r.app.env.SHUTDOWN_TIMEOUT_SECONDS = "5";
            }),
        ).toEqual([]);
    });
});

/** Every map of fixed keys in a stack's config (not a map of the user's own names), with its key path. */
function fixedMaps(
    value: Json,
    path: (string | number)[] = [],
): { map: Record<string, Json>; path: (string | number)[] }[] {
    if (typeof value !== "object" || value === null) return [];
    const inner = Object.entries(value).flatMap(([k, v]) =>
        fixedMaps(v, [...path, Array.isArray(value) ? Number(k) : k]),
    );
    if (Array.isArray(value) || path.length === 0 || knownKeys(schemaAt(rootSchema, path)) === undefined) return inner;
    return [{ map: value as Record<string, Json>, path }, ...inner];
}

describe("a key with a letter left out is answered with the key it meant", () => {
    it.each(committedStacks())("any key of %s", (stack) => {
        const maps = fixedMaps(rootOf(stackValues(stack)));
        fc.assert(
            fc.property(fc.nat(), fc.nat(), fc.nat(), (m, k, i) => {
                const root = rootOf(stackValues(stack)) as Record<string, Json>;
                const { path } = maps[m % maps.length];
                const map = path.reduce<any>((node, seg) => node[seg], root) as Record<string, Json>;
                const keys = Object.keys(map);
                const meant = keys[k % keys.length];
                const known = knownKeys(schemaAt(rootSchema, path))!;
                const typo = meant.slice(0, i % meant.length) + meant.slice((i % meant.length) + 1);
                fc.pre(meant.length >= 4 && !known.includes(typo));
                map[typo] = map[meant];
                delete map[meant];
                const problem = validateConfig(root, { appSecrets: [], basicAuthPasswords: [] }).problems.find(
                    (p) => p.path === configPath([...path, typo]),
                );
                // Another key as close (one edit, or a case apart) leaves the choice to the reader: the keys are listed.
                const asClose = known.some(
                    (other) => other !== meant && editDistance(typo.toLowerCase(), other.toLowerCase()) <= 1,
                );
                expect(problem?.message).toMatch(
                    asClose ? /^is not a known key; (the keys of|see the keys of) / : `; did you mean ${meant}?`,
                );
            }),
            { numRuns: Number(process.env.FUZZ_RUNS ?? 40) * 5 },
        );
    });
});
