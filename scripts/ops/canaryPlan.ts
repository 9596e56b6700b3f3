/**
 * The canary steps as changes of the stack's config, and the guard that judges their previews:
 * pure, so the order of the steps and what each may change are tested without a cluster.
 *
 *   start <tag>   capstan:canary = {imageTag, cookie (or header)}, weight 0: testers only
 *   weight <N>    capstan:canary.weight = N: N percent of the other requests too
 *   promote       capstan:imageTag = the canary's tag; capstan:canary removed
 *   abort         capstan:canary removed: the stable release is left as it is
 */
import { checkDeployPreview, type GuardReport } from "../deploy/guard";
import type { PreviewStep } from "../deploy/types";
import type { CanaryStep, Match } from "./args";

export const CANARY_KEY = "capstan:canary";
export const IMAGE_TAG_KEY = "capstan:imageTag";
export const PREVIOUS_IMAGE_TAG_KEY = "capstan:previousImageTag";

/** The cookie a canary is reached by when `start` names neither a cookie nor a header. */
export const DEFAULT_CANARY_COOKIE: Match = { name: "capstan_canary", value: "1" };

export interface CanaryConfig {
    readonly imageTag: string;
    readonly cookie?: Match;
    readonly header?: Match;
    readonly weight?: number;
}

/** The stack's config as far as the canary steps read it. */
export interface CanaryState {
    readonly imageTag?: string;
    /** `capstan:previousImageTag`: set by promote to the tag it replaces. */
    readonly previousImageTag?: string;
    readonly canary?: CanaryConfig;
    /** How canaries release (`capstan:canary.steps`, `.analysis`, `.stickyCookie`): kept when the canary goes. */
    readonly release?: Readonly<Record<string, unknown>>;
}

/** Why a step cannot be taken now, or undefined. */
export function stepProblem(step: CanaryStep, state: CanaryState): string | undefined {
    const running = state.canary;
    if (step.step === "start") {
        if (running)
            return `a canary of ${running.imageTag} is already declared (weight ${running.weight ?? 0}); promote or abort it before starting another`;
        if (step.tag === state.imageTag)
            return `the stable pods already run ${step.tag}: a canary must run another tag`;
        return undefined;
    }
    if (!running)
        return `the stack declares no canary to ${step.step === "weight" ? "set the weight of" : step.step}: start one with \`canary <stack> start <tag>\``;
    if (step.step === "weight" && (running.weight ?? 0) === step.weight)
        return `the canary already gets weight ${step.weight}`;
    return undefined;
}

/** The config after the step: the canary map (undefined: removed) and the stable tag. */
export function nextState(step: CanaryStep, state: CanaryState): CanaryState {
    switch (step.step) {
        case "start":
            return {
                imageTag: state.imageTag,
                release: state.release,
                canary: {
                    imageTag: step.tag,
                    ...(step.cookie || step.header
                        ? {
                              ...(step.cookie ? { cookie: step.cookie } : {}),
                              ...(step.header ? { header: step.header } : {}),
                          }
                        : { cookie: DEFAULT_CANARY_COOKIE }),
                    weight: 0,
                },
            };
        case "weight":
            return {
                imageTag: state.imageTag,
                release: state.release,
                canary: { ...state.canary!, weight: step.weight },
            };
        case "promote":
            return { imageTag: state.canary!.imageTag, previousImageTag: state.imageTag, release: state.release };
        case "abort":
            return { imageTag: state.imageTag, release: state.release };
    }
}

/** What a step does, in a sentence. */
export function describeStep(step: CanaryStep, state: CanaryState, next: CanaryState): string {
    switch (step.step) {
        case "start": {
            const by = next.canary?.cookie
                ? `the cookie ${next.canary.cookie.name}=${next.canary.cookie.value}`
                : `the header ${next.canary?.header?.name}: ${next.canary?.header?.value}`;
            return `start a canary of ${step.tag} beside the stable ${state.imageTag}: only requests with ${by} reach it`;
        }
        case "weight":
            return `send ${step.weight}% of the other requests to the canary of ${state.canary?.imageTag} (was ${state.canary?.weight ?? 0}%)`;
        case "promote":
            return `promote the canary: the stable pods go from ${state.imageTag} to ${state.canary?.imageTag}, then every canary object is deleted`;
        case "abort":
            return `abort the canary of ${state.canary?.imageTag}: every canary object is deleted, the stable ${state.imageTag} is left as it is`;
    }
}

/** Whether a preview step is the canary's own: a resource of the Canary component. */
export function isCanaryStep(step: PreviewStep): boolean {
    return step.urn.split("::")[2]?.split("$").includes("capstan:app:Canary") ?? false;
}

const VIRTUAL_SERVER = "kubernetes:k8s.nginx.org/v1:VirtualServer";

export interface CanaryReport {
    /** The canary's own objects the step creates, updates or deletes, and the routes it changes. */
    readonly canary: readonly PreviewStep[];
    /** The rest, judged as a deploy is: for promote, the stable workloads rolling to the canary's tag. */
    readonly rest: GuardReport;
}

/**
 * Sorts a step's preview: the canary's objects and the VirtualServers' routes are the step's to
 * change; everything else is judged by the deploy guard (a promote's stable roll to the canary's
 * tag and its migration; for the other steps nothing at all may change).
 */
export function checkCanaryPreview(steps: readonly PreviewStep[], state: CanaryState, next: CanaryState): CanaryReport {
    const canary = steps.filter(
        (s) =>
            !["same", "read", "refresh"].includes(s.op) &&
            (isCanaryStep(s) || (s.type === VIRTUAL_SERVER && s.op === "update")),
    );
    const rest = steps.filter((s) => !canary.includes(s));
    const from = state.imageTag;
    const to = next.imageTag ?? state.imageTag ?? "";
    return { canary, rest: checkDeployPreview(rest, from, to) };
}
