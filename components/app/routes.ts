import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";

/** The port of the web Services that the VirtualServers proxy to. */
export const WEB_SERVICE_PORT = 80;

/** Upstream names inside a VirtualServer. */
export const UPSTREAMS = { stable: "web", canary: "web-canary" } as const;
/** A blue/green release's upstreams: blue is the rolling strategy's web upstream. */
export const COLOUR_UPSTREAMS = { blue: UPSTREAMS.stable, green: "web-green" } as const;

/** The upstreams of a blue/green release and the one the route of `/` sends every request to. */
export interface ColourRouting {
    /** Each colour that has pods: its upstream name and Service. */
    readonly upstreams: readonly { readonly name: string; readonly service: pulumi.Input<string> }[];
    /** The upstream every request reaches. */
    readonly to: string;
}

/**
 * Headers every proxied request carries to the app. TLS ends at the load balancer, so nginx sees
 * plain http on the offloaded listener (port 8443): without these, Rails would take the request
 * for http (and `force_ssl` would redirect forever) and build URLs with port 8443. Setting them
 * here replaces the controller's own values, so the app gets exactly one of each.
 */
export const FORWARDED_HEADERS = [
    { name: "X-Forwarded-Proto", value: "https" },
    { name: "X-Forwarded-Port", value: "443" },
] as const;

/** A request condition that sends a request to the canary: a cookie or a header with a value. */
export interface Condition {
    readonly name: string;
    readonly value: string;
}

/** A secret header a request must carry to be passed: the CDN's origin header. */
export interface OriginHeader {
    readonly name: string;
    /** The accepted values, each a secret. */
    readonly values: readonly pulumi.Input<string>[];
}

/** What a public VirtualServer answers a request without the origin header. */
export const REFUSED_WITHOUT_ORIGIN_HEADER = { return: { code: 403, type: "text/plain", body: "Forbidden" } } as const;

/**
 * The cookie that keeps a visitor on the side the weighted split sent them to. Its values name a
 * side of one canary (a hash of its tag, so no other canary's route matches them) and nothing else.
 */
export interface StickyCookie {
    /** The cookie's name. */
    readonly name: string;
    /** The canary's tag: each canary gets values of its own, so a cookie left from another matches nothing. */
    readonly release: string;
}

/** The sticky cookie's value for each side of the canary of `release`. */
export function stickyValues(release: string): { readonly stable: string; readonly canary: string } {
    const id = createHash("sha256").update(release).digest("hex").slice(0, 12);
    return { stable: `stable-${id}`, canary: `canary-${id}` };
}

/** The Set-Cookie header that pins a visitor to a side: for the whole site, over https only, out of scripts' reach. */
export function stickySetCookie(name: string, value: string): string {
    return `${name}=${value}; Path=/; Secure; HttpOnly; SameSite=Lax`;
}

/** Where and how much traffic reaches the canary. */
export interface CanaryRoute {
    /** The canary's Service. */
    readonly serviceName: pulumi.Input<string>;
    /**
     * The canary's Deployment. The routes change only after it has rolled out (Pulumi waits for a
     * Deployment's pods to be ready), so no request is sent to a canary that cannot answer yet.
     * @default none: the routes change as soon as the Service exists
     */
    readonly deployment?: pulumi.Resource;
    /** Requests with this cookie always reach the canary. */
    readonly cookie?: Condition;
    /** Requests with this header always reach the canary. */
    readonly header?: Condition;
    /** Percent of the other requests sent to the canary. @default 0 */
    readonly weight?: number;
    /**
     * Keeps each visitor of the weighted split on their side for the rest of the canary: the split's
     * answers set this cookie, and a request carrying it goes to the same side again.
     * @default none: every request is split anew
     */
    readonly sticky?: StickyCookie;
}

/** The routing of the web pods: hosts per ingress class, policies, and an optional canary. */
export interface WebRoutesArgs {
    /** Hosts per class; one VirtualServer each. `internal` hosts need an `internal` class. */
    readonly hosts: { readonly public: readonly string[]; readonly internal?: readonly string[] };
    /** The `spec.ingressClassName` of each class. */
    readonly ingressClasses: { readonly public: string; readonly internal?: string };
    /** The controllers' listener that receives the traffic whose TLS the load balancer ended. */
    readonly offloadedListener: string;
    /** NGINX `Policy` names (in the app's namespace) attached to every VirtualServer of a class. @default none */
    readonly policies?: { readonly public?: pulumi.Input<string>[]; readonly internal?: pulumi.Input<string>[] };
    /** The canary, when one runs. @default none: every request reaches the stable pods */
    readonly canary?: CanaryRoute;
    /**
     * The largest request body NGINX passes on, in NGINX's size syntax (`100m`); larger ones get
     * 413. @default the controller's own default (1m)
     */
    readonly clientMaxBodySize?: string;
    /** The CDN's origin header, required on the public VirtualServers. @default none: every request is passed */
    readonly originHeader?: OriginHeader;
    /** Blue/green: the colours' upstreams and the active one. @default none: the one web Service */
    readonly colours?: ColourRouting;
}

/** Problems with routing Args, each naming the field, all at once. */
export function routeProblems(args: WebRoutesArgs): string[] {
    const problems: string[] = [];
    if (args.hosts.public.length === 0) problems.push("hosts.public: needs at least one host");
    if (args.hosts.internal && args.hosts.internal.length > 0 && !args.ingressClasses.internal) {
        problems.push("hosts.internal: internal hosts need ingressClasses.internal");
    }
    const all = [...args.hosts.public, ...(args.hosts.internal ?? [])];
    for (const h of all.filter((h, i) => all.indexOf(h) !== i)) problems.push(`hosts: ${h} is listed twice`);
    const c = args.canary;
    if (c) {
        const w = c.weight ?? 0;
        if (!Number.isInteger(w) || w < 0 || w > 100)
            problems.push(`canary.weight: ${w} must be an integer from 0 to 100`);
        if (!c.cookie && !c.header && w === 0)
            problems.push("canary: needs a cookie, a header or a weight, or no request reaches it");
    }
    return problems;
}

const proxyTo = (upstream: string, setCookie?: string) => ({
    proxy: {
        upstream,
        requestHeaders: { pass: true, set: FORWARDED_HEADERS.map((h) => ({ ...h })) },
        // always: an error page pins the visitor too, so one visit is answered by one side.
        ...(setCookie ? { responseHeaders: { add: [{ name: "Set-Cookie", value: setCookie, always: true }] } } : {}),
    },
});

const matchTo = (condition: Record<string, string>, action: Record<string, unknown>) => ({
    conditions: [condition],
    action,
});

/**
 * The route of `/`: the canary's cookie/header matches, then a weighted split or the stable pods
 * (`upstream`: a blue/green stack's active colour). With a sticky cookie the split's answers set it
 * to their side, and matches on its two values come before the split, so a visitor stays where the
 * split first sent them.
 */
export function rootRoute(
    canary?: Omit<CanaryRoute, "serviceName">,
    upstream: string = UPSTREAMS.stable,
): Record<string, unknown> {
    const stable = proxyTo(upstream);
    if (!canary) return { path: "/", action: stable };
    const toCanary = proxyTo(UPSTREAMS.canary);
    const weight = canary.weight ?? 0;
    const sticky =
        weight > 0 && canary.sticky ? { ...canary.sticky, values: stickyValues(canary.sticky.release) } : undefined;
    const matches = [
        ...(canary.cookie ? [matchTo({ cookie: canary.cookie.name, value: canary.cookie.value }, toCanary)] : []),
        ...(canary.header ? [matchTo({ header: canary.header.name, value: canary.header.value }, toCanary)] : []),
        ...(sticky
            ? [
                  matchTo({ cookie: sticky.name, value: sticky.values.canary }, toCanary),
                  matchTo({ cookie: sticky.name, value: sticky.values.stable }, stable),
              ]
            : []),
    ];
    const pinned = (side: "stable" | "canary") =>
        proxyTo(UPSTREAMS[side], sticky && stickySetCookie(sticky.name, sticky.values[side]));
    const rest =
        weight > 0
            ? {
                  splits: [
                      { weight: 100 - weight, action: pinned("stable") },
                      { weight, action: pinned("canary") },
                  ],
              }
            : { action: stable };
    return { path: "/", ...(matches.length > 0 ? { matches } : {}), ...rest };
}

/**
 * The route of `/` that passes only requests carrying one of the origin header's values: each of
 * the route's matches and its rest (stable or split) is repeated with the header as one more
 * condition, per accepted value; any other request gets 403.
 */
export function guardedRoute(route: Record<string, unknown>, header: OriginHeader): Record<string, unknown> {
    const { path, matches, ...rest } = route as { path: string; matches?: { conditions: unknown[] }[] };
    const guarded = header.values.flatMap((value) => {
        const condition = { header: header.name, value };
        return [
            ...(matches ?? []).map((m) => ({ ...m, conditions: [...m.conditions, condition] })),
            { conditions: [condition], ...rest },
        ];
    });
    return { path, matches: guarded, action: REFUSED_WITHOUT_ORIGIN_HEADER };
}

export interface VirtualServerInput {
    readonly host: string;
    readonly ingressClassName: string;
    /** The controller listener the VirtualServer is served on. */
    readonly listener: string;
    readonly serviceName: pulumi.Input<string>;
    readonly policies?: pulumi.Input<string>[];
    readonly canary?: CanaryRoute;
    /** NGINX's `client-max-body-size` of every upstream. @default the controller's (1m) */
    readonly clientMaxBodySize?: string;
    /** Required of every request when set. @default none */
    readonly originHeader?: OriginHeader;
    /** Blue/green: the colours' upstreams instead of the one Service. @default none: `serviceName` only */
    readonly colours?: ColourRouting;
}

/**
 * The spec of one VirtualServer (k8s.nginx.org/v1). It is served only on the controller's
 * TLS-offloaded listener; plain http reaches the controller's default server, which redirects.
 */
export function virtualServerSpec(v: VirtualServerInput): Record<string, unknown> {
    const bodySize = v.clientMaxBodySize !== undefined ? { "client-max-body-size": v.clientMaxBodySize } : {};
    const upstreams: Record<string, unknown>[] = v.colours
        ? v.colours.upstreams.map((u) => ({ name: u.name, service: u.service, port: WEB_SERVICE_PORT, ...bodySize }))
        : [{ name: UPSTREAMS.stable, service: v.serviceName, port: WEB_SERVICE_PORT, ...bodySize }];
    if (v.canary)
        upstreams.push({ name: UPSTREAMS.canary, service: v.canary.serviceName, port: WEB_SERVICE_PORT, ...bodySize });
    const route = rootRoute(v.canary, v.colours?.to);
    return {
        host: v.host,
        ingressClassName: v.ingressClassName,
        listener: { http: v.listener },
        ...(v.policies && v.policies.length > 0 ? { policies: v.policies.map((name) => ({ name })) } : {}),
        upstreams,
        routes: [v.originHeader ? guardedRoute(route, v.originHeader) : route],
    };
}

/** What createVirtualServers needs besides the routing. */
export type VirtualServersArgs = WebRoutesArgs & {
    app: string;
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    serviceName: pulumi.Input<string>;
};

/** One VirtualServer per host and class, children of `parent`, named after `name`, class and host. */
export function createVirtualServers(
    name: string,
    args: VirtualServersArgs,
    parent: pulumi.Resource,
): k8s.apiextensions.CustomResource[] {
    const problems = routeProblems(args);
    if (problems.length > 0) throw new Error(`${name}: ${problems.join("; ")}`);
    const classes = (["public", "internal"] as const).filter((c) => (args.hosts[c] ?? []).length > 0);
    return classes.flatMap((cls) =>
        (args.hosts[cls] ?? []).map(
            (host) =>
                // Renaming (class or host) replaces the VirtualServer: a short gap in routing for that host.
                new k8s.apiextensions.CustomResource(
                    `${name}-${cls}-${host}`,
                    {
                        apiVersion: "k8s.nginx.org/v1",
                        kind: "VirtualServer",
                        metadata: {
                            name: `${args.app}-${cls}-${host}`,
                            namespace: args.namespace,
                            labels: args.labels,
                        },
                        spec: virtualServerSpec({
                            host,
                            ingressClassName: args.ingressClasses[cls] as string,
                            listener: args.offloadedListener,
                            serviceName: args.serviceName,
                            policies: args.policies?.[cls],
                            canary: args.canary,
                            clientMaxBodySize: args.clientMaxBodySize,
                            // Only the public entry is behind the CDN; the VPN's stays as it is.
                            originHeader: cls === "public" ? args.originHeader : undefined,
                            colours: args.colours,
                        }),
                    },
                    { parent, dependsOn: args.canary?.deployment ? [args.canary.deployment] : [] },
                ),
        ),
    );
}
