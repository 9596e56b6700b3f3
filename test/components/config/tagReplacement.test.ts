/**
 * An update never silently puts back an older tag: every update records the tags the stack ran,
 * and a stack file whose tag is one of the older ones (a copy from before a deploy that was never
 * committed) is refused unless it says it replaces the running tag on purpose. The running tags are
 * read from the stack's own last outputs, answered here as the engine would.
 */
import { describe, expect, it } from "vitest";
import { nextTagHistory, TAG_HISTORY_LENGTH, tagReplacementProblem } from "../../../components/config/tagReplacement";
import { READ_STACK_OUTPUTS, runningImageTags } from "../../../components/platform/stackState";
import { runProgram } from "../../../scripts/render/engine";

describe("the tag an update puts in", () => {
    it.each([
        ["the first update", { configured: "v1" }],
        ["an update of other things", { configured: "v3", running: "v3", history: ["v2", "v1"] }],
        ["a new tag", { configured: "v4", running: "v3", history: ["v2", "v1"] }],
        [
            "a new tag whose stack file replaces an older one",
            { configured: "v4", previous: "v1", running: "v3", history: ["v2", "v1"] },
        ],
        [
            "a rollback's stack file, which replaces the running tag",
            { configured: "v2", previous: "v3", running: "v3", history: ["v2", "v1"] },
        ],
    ])("lets %s through", (_what, t) => {
        expect(tagReplacementProblem(t)).toBeUndefined();
    });

    it("refuses an older stack file's tag, naming both tags and the ways forward", () => {
        // A deploy of v3 (replacing v2) was never committed; the pipeline's copy still says v2, replacing v1.
        const problem = tagReplacementProblem({
            configured: "v2",
            previous: "v1",
            running: "v3",
            history: ["v2", "v1"],
        });
        expect(problem?.path).toBe("capstan:imageTag");
        expect(problem?.message).toMatch(
            /^v2 is older than v3, which runs now \(it ran just before it\): this stack file would put an older tag back/,
        );
        expect(problem?.message).toMatch(/--rollback or the tag, or set capstan:previousImageTag to v3/);
        expect(tagReplacementProblem({ configured: "v1", running: "v3", history: ["v2", "v1"] })?.message).toMatch(
            /ran 2 tags before it/,
        );
    });

    it("records the tags newest first, each once, at most a bounded number", () => {
        expect(nextTagHistory("v3", "v2", ["v1"])).toEqual(["v3", "v2", "v1"]);
        expect(nextTagHistory("v1", "v2", ["v1", "v0"])).toEqual(["v1", "v2", "v0"]);
        expect(nextTagHistory("v2", "v2", ["v1"])).toEqual(["v2", "v1"]);
        expect(nextTagHistory("v1", undefined)).toEqual(["v1"]);
        const long = Array.from({ length: 40 }, (_, i) => `t${i}`);
        expect(nextTagHistory("new", "t", long)).toHaveLength(TAG_HISTORY_LENGTH);
    });
});

describe("the running tags", () => {
    async function read(answer: (inputs: Record<string, unknown>) => Record<string, unknown>) {
        let seen: unknown;
        const names: unknown[] = [];
        await runProgram(
            async () => {
                seen = await runningImageTags();
                return {};
            },
            {
                project: "capstan",
                stack: "prod",
                config: {},
                secretKeys: [],
                invokes: {
                    [READ_STACK_OUTPUTS]: (inputs) => {
                        names.push(inputs.name);
                        return answer(inputs);
                    },
                },
            },
        );
        return { seen, names };
    }

    it("are the imageTag and imageTagHistory outputs of the stack's own last update, read through the stack-reference invoke", async () => {
        const { seen, names } = await read((i) => ({
            name: i.name,
            outputs: { imageTag: "v3", imageTagHistory: ["v3", "v2"] },
            secretOutputNames: [],
        }));
        expect(seen).toEqual({ imageTag: "v3", history: ["v3", "v2"] });
        expect(names).toEqual(["organization/capstan/prod"]);
    });

    it("are none before the first update, or when the backend cannot answer", async () => {
        expect((await read((i) => ({ name: i.name, outputs: {} }))).seen).toEqual({ history: [] });
        const failing = await read(() => {
            throw new Error("no backend client is available");
        });
        expect(failing.seen).toEqual({ history: [] });
    });
});
