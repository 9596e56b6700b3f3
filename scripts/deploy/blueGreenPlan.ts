/**
 * A blue/green release as changes of the stack file's `capstan:release` state, and the judges of
 * each step's preview: pure, so the order of the steps, the switch-back window and what each step
 * may change are tested without a cluster.
 *
 *   deploy <tag>   the idle colour runs <tag>, as many pods as the active one (a migration first)
 *   switch         the routes move to the idle colour: the old one stays full size for scaleDownDelay
 *   rollback       within that window: the routes move back
 *   finish         the old colour's pods go; workers and cron follow the active colour's tag
 */
import YAML from "yaml";
import {
    colourPods,
    durationSeconds,
    otherColour,
    releaseSchema,
    type Colour,
    type ColourPods,
    type ReleaseConfig,
} from "../../components/config/schema";
import { workloadNames } from "../../components/core";
import { checkDeployPreview, type OtherChange } from "./guard";
import { IMAGE_TAG_KEY, PREVIOUS_IMAGE_TAG_KEY } from "./pinned";
import { urnName, type PreviewStep } from "./types";

export const RELEASE_KEY = "capstan:release";

/** The stack file's blue/green release, as far as the steps read it. */
export interface BlueGreen {
    readonly app: string;
    readonly imageTag: string;
    readonly release: ReleaseConfig;
    readonly active: ColourPods;
    readonly idle?: ColourPods;
}

/** The release a stack file declares, or undefined when it does not release blue/green. */
export function readBlueGreen(text: string): BlueGreen | undefined {
    const doc = YAML.parse(text) as { config?: Record<string, unknown> } | null;
    const config = doc?.config ?? {};
    const parsed = releaseSchema.safeParse(config[RELEASE_KEY] ?? {});
    if (!parsed.success || parsed.data.strategy !== "blueGreen") return undefined;
    const tag = config[IMAGE_TAG_KEY];
    const name = (config["capstan:app"] as { name?: unknown } | undefined)?.name;
    const imageTag = typeof tag === "string" ? tag : "";
    const app = typeof name === "string" ? name : "";
    return { app, imageTag, release: parsed.data, ...colourPods(parsed.data, imageTag) };
}

/** A colour's web Deployment: blue is the rolling strategy's, green one of its own (as the program names them). */
export function colourDeployment(app: string, colour: Colour): string {
    return colour === "blue" ? workloadNames.web(app) : workloadNames.green(app);
}

/** When the switch back stops being possible, or undefined when there is none to make. */
export function switchBackUntil(bg: BlueGreen): Date | undefined {
    if (!bg.idle || !bg.release.switchedAt) return undefined;
    return new Date(Date.parse(bg.release.switchedAt) + durationSeconds(bg.release.scaleDownDelay) * 1000);
}

/** Whether the routes may still move back to the old colour at `now`. */
export function switchBackOpen(bg: BlueGreen, now: Date): boolean {
    const until = switchBackUntil(bg);
    return until !== undefined && now < until;
}

/** The state keys a step writes: each colour's pods (undefined: none), the active colour, the switch time. */
export interface ReleaseState {
    readonly active: Colour;
    readonly colours: Partial<Record<Colour, { imageTag: string; replicas?: number }>>;
    readonly switchedAt?: string;
    /** A new `capstan:imageTag` (finish), with the tag it replaces. */
    readonly imageTag?: { readonly tag: string; readonly replaces: string };
}

const entry = (c: ColourPods) => ({ imageTag: c.imageTag, ...(c.replicas ? { replicas: c.replicas } : {}) });

/** deploy: the idle colour at `tag` with `replicas` pods; no switch back is possible any more. */
export function prepared(bg: BlueGreen, tag: string, replicas: number): ReleaseState {
    const idle = otherColour(bg.active.colour);
    const active = bg.release.colours[bg.active.colour];
    return {
        active: bg.active.colour,
        colours: { ...(active ? { [bg.active.colour]: active } : {}), [idle]: { imageTag: tag, replicas } },
    };
}

/** switch (and the rollback within the window): the idle colour becomes the active one at `now`. */
export function switched(bg: BlueGreen, now: Date): ReleaseState {
    const idle = bg.idle as ColourPods;
    return {
        active: idle.colour,
        colours: { [bg.active.colour]: entry(bg.active), [idle.colour]: entry(idle) },
        switchedAt: now.toISOString().replace(/\.\d+Z$/, "Z"),
    };
}

/** finish: the idle colour's pods go; `imageTag` becomes the active colour's, so workers and cron follow it. */
export function finished(bg: BlueGreen): ReleaseState {
    return {
        active: bg.active.colour,
        colours: {},
        ...(bg.active.imageTag !== bg.imageTag ? { imageTag: { tag: bg.active.imageTag, replaces: bg.imageTag } } : {}),
    };
}

/** The stack file's text with a step's state written into `capstan:release` (its settings left as they are). */
export function withReleaseState(text: string, state: ReleaseState): string {
    const doc = YAML.parseDocument(text);
    const at = (k: string) => ["config", RELEASE_KEY, k];
    if (state.active === "blue") doc.deleteIn(at("active"));
    else doc.setIn(at("active"), state.active);
    if (Object.keys(state.colours).length) doc.setIn(at("colours"), doc.createNode(state.colours, { flow: false }));
    else doc.deleteIn(at("colours"));
    if (state.switchedAt) {
        // Quoted: unquoted, the CLI's YAML reads a time and hands the program Go's own format of it.
        const time = doc.createNode(state.switchedAt);
        time.type = "QUOTE_DOUBLE";
        doc.setIn(at("switchedAt"), time);
    } else doc.deleteIn(at("switchedAt"));
    if (state.imageTag) {
        doc.setIn(["config", IMAGE_TAG_KEY], state.imageTag.tag);
        doc.setIn(["config", PREVIOUS_IMAGE_TAG_KEY], state.imageTag.replaces);
    }
    return String(doc);
}

const inChain = (step: PreviewStep, type: string) => step.urn.split("::")[2]?.split("$").includes(type) ?? false;

/** Whether a step is one of `colour`'s objects: its web component's, or its own migration or assets Job. */
export function isColourStep(step: PreviewStep, app: string, colour: Colour): boolean {
    const name = urnName(step.urn);
    if (inChain(step, "capstan:app:Migration")) return name === `${app}-migrate-${colour}`;
    if (inChain(step, "capstan:app:AssetsJob")) return name === `${app}-assets-upload-${colour}`;
    return inChain(step, "capstan:app:WebService") && name === (colour === "blue" ? `${app}-web` : `${app}-web-green`);
}

const VIRTUAL_SERVER = "kubernetes:k8s.nginx.org/v1:VirtualServer";
const NO_CHANGE = ["same", "read", "refresh"];

/** The preview hosts' VirtualServers come and go with the idle colour; the others gain or lose its upstream. */
function upstreamsOnly(step: PreviewStep): boolean {
    if (step.type !== VIRTUAL_SERVER) return false;
    if (step.op === "create" || step.op === "delete") return urnName(step.urn).includes("-preview-");
    return step.op === "update" && (step.diffKeys ?? []).every((p) => /^spec\.(upstreams|routes)\b/.test(p));
}

/**
 * What a deploy or finish may change beyond its colour: the colour's objects and the VirtualServers'
 * upstreams are the step's own; the rest is judged as a deploy from `fromTag` to `toTag` (nothing
 * for a deploy, whose tag is the idle colour's; the workers and cron rolling for a finish).
 */
export function checkColourPreview(
    steps: readonly PreviewStep[],
    app: string,
    colour: Colour,
    fromTag: string,
    toTag: string,
): { own: PreviewStep[]; rest: ReturnType<typeof checkDeployPreview> } {
    const own = steps.filter((s) => !NO_CHANGE.includes(s.op) && (isColourStep(s, app, colour) || upstreamsOnly(s)));
    return {
        own,
        rest: checkDeployPreview(
            steps.filter((s) => !own.includes(s)),
            fromTag,
            toTag,
        ),
    };
}

/** What a deploy of the idle colour must not change: anything outside it (a worker rolling, say). */
export function prepareRefusals(steps: readonly PreviewStep[], bg: BlueGreen, idle: Colour): OtherChange[] {
    const { rest } = checkColourPreview(steps, bg.app, idle, bg.imageTag, bg.imageTag);
    return [
        ...rest.others,
        ...rest.rolls.map((r) => ({ step: r.step, name: r.name, paths: r.changes.map((c) => c.path) })),
        ...rest.migrations.map((m) => ({ step: m, name: urnName(m.urn), paths: [] })),
    ];
}

/**
 * What a finish must not change: besides the idle colour's objects going, the active colour's
 * autoscaler returning to its configured range and its own migration going, and the upstreams,
 * only the workers and cron rolling to the active colour's tag (after the stable migration of it).
 */
export function finishRefusals(steps: readonly PreviewStep[], bg: BlueGreen): OtherChange[] {
    const idle = otherColour(bg.active.colour);
    const activeOwn = (s: PreviewStep) =>
        isColourStep(s, bg.app, bg.active.colour) &&
        (s.type === "kubernetes:autoscaling/v2:HorizontalPodAutoscaler" || s.type === "kubernetes:batch/v1:Job");
    const { rest } = checkColourPreview(
        steps.filter((s) => !activeOwn(s)),
        bg.app,
        idle,
        bg.imageTag,
        bg.active.imageTag,
    );
    return [...rest.others];
}
