import { describe, expect, it } from "vitest";
import { describeIssue } from "../../../components/config";
import { problemsOf } from "../../harness";

describe("the app's problems", () => {
    it("come in a fixed order: replicas and names of each workload, then repeated entries, then secret variables", () => {
        const problems = problemsOf("prod", (r) => {
            r.app.web.minReplicas = r.app.web.maxReplicas + 1;
            r.app.queues = ["jobs", "jobs"];
            r.app.secretEnv = ["S3_BUCKET"];
        }).filter((p) => p.path.startsWith("capstan:app."));
        expect(problems.map((p) => p.path)).toEqual([
            "capstan:app.web.minReplicas",
            "capstan:app.queues",
            "capstan:app.secretEnv[0]",
        ]);
        expect(problems[1].message).toBe('"jobs" is listed twice');
        expect(problems[2].message).toBe("S3_BUCKET is set by Capstan to the app's bucket; use another name");
    });
});

describe("a schema problem's message", () => {
    const tooSmall = (minimum: number, origin: string) =>
        describeIssue({ code: "too_small", origin, minimum, input: [], path: ["nodeGroups"], message: "" } as any);

    it.each([
        [1, "array", "needs at least 1 entry"],
        [2, "array", "needs at least 2 entries"],
        [1, "string", "must not be empty"],
    ])("with a minimum of %i on a %s reads %j", (minimum, origin, message) => {
        expect(tooSmall(minimum, origin)).toEqual([{ path: "capstan:nodeGroups", message }]);
    });

    it("names a missing key as required", () => {
        const issue = { code: "invalid_type", expected: "string", input: undefined, path: ["imageTag"], message: "" };
        expect(describeIssue(issue as any)[0].path).toBe("capstan:imageTag");
        expect(describeIssue(issue as any)[0].message).toMatch(/^is required/);
    });
});
