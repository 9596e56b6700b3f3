import { z } from "zod";
import { doc } from "./docs";
import { int } from "./fields";
import { IMAGE_TAG, IMAGE_TAG_RULE } from "./rules";

/**
 * `capstan:release`: how a new tag reaches the web pods. `rolling` (the default) rolls the one web
 * Deployment; `blueGreen` keeps two colours of it, verifies the idle one through its preview hosts
 * and switches the routes. The keys after `checks` are the release's state, which `capstan deploy`
 * and `capstan release` write into the stack file. Every key is documented beside its definition.
 */

export const COLOURS = ["blue", "green"] as const;
export type Colour = (typeof COLOURS)[number];

/** The other colour. */
export function otherColour(c: Colour): Colour {
    return c === "blue" ? "green" : "blue";
}

/** A duration as `scaleDownDelay` takes it: whole seconds, minutes or hours, e.g. `90s`, `10m`, `1h`. */
export const DURATION = /^(\d{1,5})(s|m|h)$/;
/** The longest window a switch back stays possible: a day. */
export const MAX_SCALE_DOWN_DELAY_SECONDS = 24 * 3600;
export const DEFAULT_SCALE_DOWN_DELAY = "10m";

/** The seconds of a duration that matches DURATION. */
export function durationSeconds(d: string): number {
    const m = DURATION.exec(d);
    if (!m) return NaN;
    return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as "s" | "m" | "h"];
}

const duration = z.string().superRefine((v, ctx) => {
    if (!DURATION.test(v))
        ctx.addIssue({
            code: "custom",
            message: `${JSON.stringify(v)} is not a duration: write whole seconds, minutes or hours, e.g. 90s, 10m or 1h`,
        });
    else if (durationSeconds(v) > MAX_SCALE_DOWN_DELAY_SECONDS)
        ctx.addIssue({ code: "custom", message: `${JSON.stringify(v)} is more than a day; at most 24h` });
});

const host = z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/, {
    message: "must be a lower-case DNS host name, e.g. preview.example.com",
});

export const httpCheckSchema = z.strictObject({
    path: doc(
        z.string().regex(/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/, {
            message: "must be an absolute URL path without spaces, e.g. /up",
        }),
        { description: "The path requested on the first preview host." },
    ),
    status: doc(int(100, 599).default(200), {
        description: "The HTTP status the answer must have.",
    }),
});

const colourState = z.strictObject({
    imageTag: doc(z.string().regex(IMAGE_TAG, { message: `must be an image tag: ${IMAGE_TAG_RULE}` }), {
        description: "The tag the colour's web pods run.",
    }),
    replicas: doc(int(1, 1000).optional(), {
        description:
            "The fewest pods the colour's autoscaler keeps: the active colour's count when the colour was brought up, so it can take all the traffic at the switch.",
        default: "`app.web.minReplicas`",
    }),
});

export const releaseSchema = z.strictObject({
    strategy: doc(z.enum(["rolling", "blueGreen"]).default("rolling"), {
        description:
            "`rolling`: a deploy rolls the web Deployment's pods to the new tag. `blueGreen`: a deploy brings up the idle colour at the new tag behind the preview hosts, `capstan release <stack> switch` moves the routes to it, and a rollback within `scaleDownDelay` moves them back (docs/releases.md).",
    }),
    previewHosts: doc(z.array(host).max(10).default([]), {
        description:
            "`blueGreen`: the hosts that reach the idle colour only, through the public entry and its policies, so the new tag can be tried before the switch.",
        rules: "at least one with `blueGreen`; none with `rolling`; not a host of `ingress`",
    }),
    scaleDownDelay: doc(duration.default(DEFAULT_SCALE_DOWN_DELAY), {
        description:
            "`blueGreen`: how long the old colour stays at full size after a switch; within it `capstan deploy <stack> --rollback` is a switch of the routes back, after it `capstan release <stack> finish` scales it down.",
        type: "duration",
        rules: "whole seconds, minutes or hours (`90s`, `10m`, `1h`); at most 24h",
    }),
    checks: doc(z.array(httpCheckSchema).max(20).default([]), {
        description:
            "`blueGreen`: HTTP requests a Job in the cluster sends to the idle colour through the first preview host after a deploy; each must answer its status.",
    }),
    active: doc(z.enum(COLOURS).default("blue"), {
        description:
            "`blueGreen`, written by Capstan: the colour the app's hosts route to. `blue` is the web Deployment the rolling strategy runs.",
    }),
    colours: doc(
        z
            .strictObject({
                blue: doc(colourState.optional(), { description: "The blue colour's pods, when it has some." }),
                green: doc(colourState.optional(), { description: "The green colour's pods, when it has some." }),
            })
            .default({}),
        {
            description:
                "`blueGreen`, written by Capstan: the tag of each colour that has pods. A colour left out has none, except the active one, which then runs `imageTag`.",
        },
    ),
    switchedAt: doc(z.iso.datetime().optional(), {
        description:
            "`blueGreen`, written by Capstan: when the routes last moved; the old colour may be switched back to until `scaleDownDelay` after it.",
        default: "none: no switch back is possible",
    }),
});

export type ReleaseConfig = z.infer<typeof releaseSchema>;
export type HttpCheckConfig = z.infer<typeof httpCheckSchema>;

/** `capstan:release` when the stack leaves it out: rolling. */
export const RELEASE_DEFAULTS: ReleaseConfig = {
    strategy: "rolling",
    previewHosts: [],
    scaleDownDelay: DEFAULT_SCALE_DOWN_DELAY,
    checks: [],
    active: "blue",
    colours: {},
};

/** A colour that has pods, with its tag and the replicas it holds. */
export interface ColourPods {
    readonly colour: Colour;
    readonly imageTag: string;
    readonly replicas?: number;
}

/** The colours with pods: the active one (at `imageTag` unless the release names its tag) and the idle one when it has a tag. */
export function colourPods(release: ReleaseConfig, imageTag: string): { active: ColourPods; idle?: ColourPods } {
    const idleColour = otherColour(release.active);
    const a = release.colours[release.active];
    const i = release.colours[idleColour];
    return {
        active: { colour: release.active, imageTag: a?.imageTag ?? imageTag, replicas: a?.replicas },
        ...(i ? { idle: { colour: idleColour, imageTag: i.imageTag, replicas: i.replicas } } : {}),
    };
}
