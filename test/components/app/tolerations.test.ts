/**
 * The toleration rule the whole-stack tests apply: what the API server refuses in a pod's
 * tolerations (core/validation ValidateTolerations), so a rendered stack that would be refused on
 * apply fails here first.
 */
import { describe, expect, it } from "vitest";
import { tolerationProblems } from "./podRules";

describe("a pod's tolerations", () => {
    it.each([
        ["Equal with the taint's value", { key: "role", operator: "Equal", value: "workers", effect: "NoSchedule" }],
        ["Equal with an empty value", { key: "role", operator: "Equal", value: "", effect: "NoSchedule" }],
        ["Exists without a value", { key: "role", operator: "Exists", effect: "NoSchedule" }],
        ["no operator (Equal)", { key: "role", value: "workers", effect: "NoSchedule" }],
        ["Exists without a key: every taint", { operator: "Exists" }],
    ])("accepts %s", (_c, t) => {
        expect(tolerationProblems([t])).toEqual([]);
    });

    it.each([
        [
            "Exists with a value",
            { key: "role", operator: "Exists", value: "workers", effect: "NoSchedule" },
            "value must be empty when operator is 'Exists'",
        ],
        ["an unknown operator", { key: "role", operator: "In", value: "workers" }, "unknown operator"],
        ["Equal without a key", { operator: "Equal", value: "workers" }, "an empty key needs operator 'Exists'"],
    ])("refuses %s", (_c, t, problem) => {
        expect(tolerationProblems([t])).toEqual([expect.stringContaining(problem)]);
    });
});
