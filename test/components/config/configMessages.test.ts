/**
 * A config problem says what to do: a mistyped key names the key it most likely meant, a value of
 * the wrong type names the type the key takes and the range its checks allow.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../components/config";
import { editDistance, nearestName } from "../../../components/config/nearest";
import { loadConfigOf, problemsOf, stackValues } from "../../harness";

type Root = Record<string, any>;

describe("a mistyped key names the key it most likely meant", () => {
    it.each<[string, string, (r: Root) => void, string, string]>([
        [
            "a letter left out",
            "staging",
            (r) => (r.app.web.minReplica = 2),
            "capstan:app.web.minReplica",
            "minReplicas",
        ],
        ["the wrong case", "staging", (r) => (r.app.web.maxreplicas = 4), "capstan:app.web.maxreplicas", "maxReplicas"],
        [
            "two letters swapped",
            "prod",
            (r) => (r.app.web.healthPaht = "/up"),
            "capstan:app.web.healthPaht",
            "healthPath",
        ],
        [
            "in a list entry",
            "staging",
            (r) => (r.app.workers[0].comand = ["bin/jobs"]),
            "capstan:app.workers[0].comand",
            "command",
        ],
        [
            "in a node group",
            "staging",
            (r) => (r.nodeGroups[0].instanceType = "m7i.large"),
            "capstan:nodeGroups[0].instanceType",
            "instanceTypes",
        ],
        [
            "a letter too many",
            "prod",
            (r) => (r.ingress.publicc = r.ingress.public),
            "capstan:ingress.publicc",
            "public",
        ],
    ])("%s", (_name, stack, mutate, path, meant) => {
        const problems = problemsOf(stack, mutate);
        expect(problems).toContainEqual({ path, message: `is not a known key; did you mean ${meant}?` });
    });

    it("lists the keys of the map when no key is close", () => {
        expect(problemsOf("staging", (r) => (r.staging.enabled = true))).toEqual([
            {
                path: "capstan:staging.enabled",
                message: "is not a known key; the keys of capstan:staging are: basicAuth",
            },
        ]);
    });

    it("points at the reference when the map has too many keys to list", () => {
        const [problem] = problemsOf("staging", (r) => (r.app.zzzzzz = 1));
        expect(problem).toEqual({
            path: "capstan:app.zzzzzz",
            message: "is not a known key; see the keys of capstan:app in docs/configuration.md",
        });
    });

    it("a mistyped top-level key of the stack file names the key it meant", async () => {
        const values = stackValues("staging");
        values["capstan:imageTags"] = "v2";
        const err = await loadConfigOf(values, {}, "staging").then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(ConfigError.is(err)).toBe(true);
        expect((err as ConfigError).problems).toContainEqual({
            path: "capstan:imageTags",
            message: "is not a known key; did you mean imageTag?",
        });
    });
});

describe("a value of the wrong type says what the key takes, with its limits", () => {
    it.each<[string, (r: Root) => void, string, string]>([
        [
            "text for an integer",
            (r) => (r.app.web.minReplicas = "four"),
            "capstan:app.web.minReplicas",
            '"four" is not a number; set an integer from 1 to 1000',
        ],
        [
            "a boolean for an integer",
            (r) => (r.app.web.port = true),
            "capstan:app.web.port",
            "true is not a number; set an integer from 1 to 65535",
        ],
        [
            "text for a boolean",
            (r) => (r.ingress.internal.basicAuth = "yes"),
            "capstan:ingress.internal.basicAuth",
            '"yes" is not a boolean; set true or false',
        ],
        [
            "text for a map of few keys",
            (r) => (r.staging = "on"),
            "capstan:staging",
            '"on" is not a map; set a map with the keys basicAuth',
        ],
        [
            "a list for a map of names",
            (r) => (r.app.env = []),
            "capstan:app.env",
            "[] is not a map; set a map of text to quoted text",
        ],
        [
            "text for a command",
            (r) => (r.app.web.command = "bundle exec puma"),
            "capstan:app.web.command",
            '"bundle exec puma" is not a list; set an argv list (at least 1 entry; each: not empty)',
        ],
        [
            "a map for a region",
            (r) => (r.region = {}),
            "aws:region",
            "{} is not a string; set text (an AWS region such as eu-central-1)",
        ],
    ])("%s", (_name, mutate, path, message) => {
        expect(problemsOf("staging", mutate)).toContainEqual({ path, message });
    });
});

describe("the nearest name", () => {
    it.each<[string, string[], string | undefined]>([
        ["minReplica", ["minReplicas", "maxReplicas"], "minReplicas"],
        ["maxReplica", ["minReplicas", "maxReplicas"], "maxReplicas"],
        ["MINREPLICAS", ["minReplicas", "maxReplicas"], "minReplicas"],
        ["portt", ["port", "ports"], undefined],
        ["zzzzzz", ["port", "command"], undefined],
        ["cpu", ["cpu", "memory"], undefined],
        ["ab", ["ac", "xy"], "ac"],
    ])("%s among %j is %s", (typed, known, expected) => {
        expect(nearestName(typed, known)).toBe(expected);
    });

    it.each<[string, string, number]>([
        ["", "abc", 3],
        ["kitten", "sitting", 3],
        ["healthPaht", "healthPath", 1],
        ["abc", "abc", 0],
    ])("%s to %s is %i edits", (a, b, d) => {
        expect(editDistance(a, b)).toBe(d);
        expect(editDistance(b, a)).toBe(d);
    });
});
