/**
 * The Pulumi CLI checks a stack's config against Pulumi.yaml before the program runs. These tests
 * apply those rules to every committed stack file, and pin the rules themselves to the CLI's.
 */
import { describe, expect, it } from "vitest";
import { stackConfigProblems } from "../../../scripts/cli/cliConfig";
import { loadProjectFile, type ProjectFile } from "../../../scripts/cli/stackfile";
import { committedStacks, PROJECT_DIR, render, stackValues } from "../../harness";

const project = loadProjectFile(PROJECT_DIR);

describe("the CLI's project-config rules on the committed stacks", () => {
    it.each(committedStacks())("stack %s passes them", (stack) => {
        expect(stackConfigProblems(project, stack, stackValues(stack)).map((p) => p.cli)).toEqual([]);
    });

    it("a stack without basic auth gets the default {} of the password map, which the CLI accepts", () => {
        const values = stackValues("prod");
        expect(values["capstan:basicAuthPasswords"]).toBeUndefined();
        expect(stackConfigProblems(project, "prod", values).map((p) => p.cli)).toEqual([]);
    });

    it("the render refuses what the CLI refuses, before the program runs", async () => {
        await expect(render("staging", { overrides: { "capstan:nodeGroups": { general: {} } } })).rejects.toThrow(
            "Stack 'staging' with configuration key 'capstan:nodeGroups' must be of type 'array<object>'",
        );
    });
});

/** A one-key project, to state each rule on its own. */
function projectWith(decl: ProjectFile["declarations"][string]): ProjectFile {
    return { name: "capstan", runtime: "nodejs", declarations: { "capstan:key": decl }, defaults: {} };
}

describe("the CLI's project-config rules", () => {
    it.each([
        {
            rule: "a secret key's default is filled in as plain text and refused",
            decl: { type: "object", secret: true, default: {} },
            value: undefined,
            problem: "must be encrypted as it's secret",
        },
        {
            rule: "a secret key with a plain value is refused",
            decl: { type: "string", secret: true },
            value: "hunter2",
            problem: "must be encrypted as it's secret",
        },
        {
            rule: "a secret key with an encrypted value passes",
            decl: { type: "string", secret: true },
            value: { secure: "v1:abc" },
            problem: undefined,
        },
        {
            rule: "a map with an encrypted entry counts as encrypted",
            decl: { type: "object", secret: true },
            value: { A: { secure: "v1:abc" } },
            problem: undefined,
        },
        {
            rule: "a required key without a default must be set",
            decl: { type: "string" },
            value: undefined,
            problem: "is missing configuration value 'capstan:key'",
        },
        {
            rule: "an object key refuses a list",
            decl: { type: "object", default: {} },
            value: ["a"],
            problem: "must be of type 'object'",
        },
        { rule: "an integer key takes digits as text", decl: { type: "integer" }, value: "42", problem: undefined },
        {
            rule: "an integer key refuses other text",
            decl: { type: "integer" },
            value: "4x",
            problem: "must be of type 'integer'",
        },
        {
            rule: "a list key checks its items",
            decl: { type: "array", items: { type: "object" } },
            value: ["a"],
            problem: "must be of type 'array<object>'",
        },
        {
            rule: "a list key without items is a broken project",
            decl: { type: "array" },
            value: [],
            problem: "does not specify the underlying type",
        },
        {
            rule: "a default of the wrong type is a broken project",
            decl: { type: "object", default: [] },
            value: undefined,
            problem: "default value specified for configuration key 'capstan:key' is not of the expected type 'object'",
        },
    ])("$rule", ({ decl, value, problem }) => {
        const problems = stackConfigProblems(
            projectWith(decl),
            "s",
            value === undefined ? {} : { "capstan:key": value },
        ).map((p) => p.cli);
        if (problem === undefined) expect(problems).toEqual([]);
        else expect(problems).toEqual([expect.stringContaining(problem)]);
    });
});
