import type { ConfigProblem } from "./errors";
import { COLOURS, otherColour } from "./releaseSchema";
import { imageTagProblem } from "./rules";
import { runningCanary, type RootConfig } from "./schema";

const at = (path: string, message: string): ConfigProblem => ({ path: `capstan:release.${path}`, message });

/** The keys only blue/green reads: with `rolling` they are refused rather than ignored. */
const BLUE_GREEN_ONLY = ["previewHosts", "checks", "colours", "switchedAt"] as const;

/**
 * `capstan:release` against the rest of the config: blue/green beside a running canary is refused
 * (two ways of sending traffic to a second tag at once), its preview hosts are its own, and the
 * colours' tags follow the image-tag rules.
 */
export function releaseChecks(cfg: RootConfig): ConfigProblem[] {
    const r = cfg.release;
    if (r.strategy === "rolling") {
        const set = BLUE_GREEN_ONLY.filter((k) => {
            const v = r[k];
            return Array.isArray(v)
                ? v.length > 0
                : typeof v === "object"
                  ? Object.keys(v).length > 0
                  : v !== undefined;
        });
        if (r.active !== "blue") set.push("active" as never);
        return set.map((k) =>
            at(k, `is set, but strategy is rolling, which does not read it; remove it, or set strategy: blueGreen`),
        );
    }
    const problems: ConfigProblem[] = [];
    const canary = runningCanary(cfg.canary);
    if (canary)
        problems.push({
            path: "capstan:canary.imageTag",
            message: `a canary of ${JSON.stringify(canary.imageTag)} runs, but release.strategy is blueGreen: a stack releases one way at a time; promote or abort the canary (\`capstan canary <stack> promote|abort\`), or set release.strategy: rolling`,
        });
    if (r.previewHosts.length === 0)
        problems.push(
            at(
                "previewHosts",
                "is empty; blue/green needs a host that reaches the idle colour before the switch, e.g. previewHosts: [preview.example.com]",
            ),
        );
    const appHosts = new Set([...cfg.ingress.public.hosts, ...(cfg.ingress.internal?.hosts ?? [])]);
    r.previewHosts.forEach((h, i) => {
        if (appHosts.has(h))
            problems.push(
                at(
                    `previewHosts[${i}]`,
                    `${h} is also a host of capstan:ingress, which routes to the active colour; use a host of its own`,
                ),
            );
        if (r.previewHosts.indexOf(h) !== i) problems.push(at(`previewHosts[${i}]`, `${h} is listed twice`));
    });
    for (const c of COLOURS) {
        const tag = r.colours[c]?.imageTag;
        const problem = tag === undefined ? undefined : imageTagProblem(tag, cfg.environment);
        if (problem) problems.push(at(`colours.${c}.imageTag`, problem));
    }
    if (r.switchedAt !== undefined && r.colours[otherColour(r.active)] === undefined)
        problems.push(
            at(
                "switchedAt",
                `is set, but the ${otherColour(r.active)} colour has no pods to switch back to; remove it`,
            ),
        );
    return problems;
}
