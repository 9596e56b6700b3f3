import type { z } from "zod";
import { schemaAt } from "./expected";
import { describeIssue } from "./issues";

/**
 * Problems with values a component takes from the config, by the config schema's own checks: a
 * component that guards its Args states no limit of its own, so the two cannot disagree. Each
 * problem names the field (`activeDeadlineSeconds: 5 is less than the minimum 10`); an undefined
 * value is left to the component's default.
 */
export function fieldProblems(
    shape: Readonly<Record<string, z.ZodType>>,
    values: Readonly<Record<string, unknown>>,
): string[] {
    return Object.entries(values).flatMap(([name, value]) => {
        if (value === undefined) return [];
        const parsed = shape[name].safeParse(value, { reportInput: true });
        if (parsed.success) return [];
        return parsed.error.issues.flatMap((issue) =>
            describeIssue({ ...issue, path: [] }, schemaAt(shape[name], issue.path)).map(
                (p) => `${[name, ...issue.path.map(String)].join(".")}: ${p.message}`,
            ),
        );
    });
}
