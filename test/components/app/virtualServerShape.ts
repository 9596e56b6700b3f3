/**
 * The shape the NGINX Ingress Controller requires of a VirtualServer (k8s.nginx.org/v1), for the
 * fields Capstan uses: the CRD's structure (unknown fields are refused, as the structural schema
 * would prune them) plus the controller's own validation rules (pkg/apis/configuration/validation:
 * an action has exactly one of pass/redirect/return/proxy, splits are two or more with weights
 * 0-100 summing to 100, a match has conditions with exactly one of header/cookie/argument/variable
 * and a value, referenced upstreams exist, names are DNS labels).
 */
import { z } from "zod";

const dns1123Subdomain = z
    .string()
    .max(253)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/);
const dns1123Label = z
    .string()
    .max(63)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
const dns1035Label = z
    .string()
    .max(63)
    .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
const headerName = z.string().regex(/^[-A-Za-z0-9]+$/);

const header = z.strictObject({ name: headerName, value: z.string() });
const proxy = z.strictObject({
    upstream: dns1035Label,
    rewritePath: z.string().optional(),
    requestHeaders: z.strictObject({ pass: z.boolean().optional(), set: z.array(header).optional() }).optional(),
    responseHeaders: z
        .strictObject({
            hide: z.array(z.string()).optional(),
            pass: z.array(z.string()).optional(),
            ignore: z.array(z.string()).optional(),
            add: z.array(header.extend({ always: z.boolean().optional() })).optional(),
        })
        .optional(),
});
const action = z
    .strictObject({
        pass: dns1035Label.optional(),
        proxy: proxy.optional(),
        redirect: z
            .strictObject({
                url: z.string().regex(/:\/\//),
                code: z.union([z.literal(301), z.literal(302), z.literal(307), z.literal(308)]).optional(),
            })
            .optional(),
        return: z
            .strictObject({ body: z.string().min(1), code: z.number().int().optional(), type: z.string().optional() })
            .optional(),
    })
    .refine(
        (a) => [a.pass, a.proxy, a.redirect, a.return].filter((x) => x !== undefined).length === 1,
        "an action must specify exactly one of pass, proxy, redirect, return",
    );
const splits = z
    .array(z.strictObject({ weight: z.number().int().min(0).max(100), action }))
    .min(2, "must include at least 2 splits")
    .refine(
        (s) => s.reduce((n, x) => n + x.weight, 0) === 100,
        "the sum of the weights of all splits must be equal to 100",
    );
const condition = z
    .strictObject({
        header: headerName.optional(),
        cookie: z
            .string()
            .regex(/^[A-Za-z0-9_.!#$%&'*+^`|~-]+$/)
            .optional(),
        argument: z.string().optional(),
        variable: z.string().optional(),
        value: z.string().min(1),
    })
    .refine(
        (c) => [c.header, c.cookie, c.argument, c.variable].filter((x) => x !== undefined).length === 1,
        "a condition must specify exactly one of header, cookie, argument, variable",
    );
const match = z
    .strictObject({ conditions: z.array(condition).min(1), action: action.optional(), splits: splits.optional() })
    .refine(
        (m) => (m.action === undefined) !== (m.splits === undefined),
        "a match must specify exactly one of action, splits",
    );
const route = z
    .strictObject({
        path: z.string().regex(/^(\/|~|=|\^~)/),
        action: action.optional(),
        splits: splits.optional(),
        route: z.string().optional(),
        matches: z.array(match).optional(),
    })
    .refine(
        (r) => [r.action, r.splits, r.route].filter((x) => x !== undefined).length === 1,
        "a route must specify exactly one of action, splits, route",
    );

const spec = z.strictObject({
    host: dns1123Subdomain,
    ingressClassName: z.string().min(1).optional(),
    listener: z.strictObject({ http: z.string().optional(), https: z.string().optional() }).optional(),
    policies: z.array(z.strictObject({ name: dns1123Subdomain, namespace: dns1123Label.optional() })).optional(),
    tls: z
        .strictObject({
            secret: z.string().optional(),
            redirect: z
                .strictObject({
                    enable: z.boolean().optional(),
                    code: z.number().optional(),
                    basedOn: z.enum(["scheme", "x-forwarded-proto"]).optional(),
                })
                .optional(),
        })
        .optional(),
    upstreams: z
        .array(
            z.strictObject({
                name: dns1035Label,
                service: dns1035Label,
                port: z.number().int().min(1).max(65535),
                keepalive: z.number().int().optional(),
                // The controller's validateSize (sizeFmt): NGINX's size syntax without the g unit.
                "client-max-body-size": z
                    .string()
                    .regex(/^\d+[kKmM]?$/)
                    .optional(),
            }),
        )
        .min(1),
    routes: z.array(route).min(1),
});

const virtualServer = z.strictObject({
    apiVersion: z.literal("k8s.nginx.org/v1"),
    kind: z.literal("VirtualServer"),
    metadata: z.looseObject({ name: dns1123Subdomain, namespace: dns1123Label }),
    spec,
});

/** Every action of a route, however nested, for the upstream cross-check. */
function actions(r: z.infer<typeof route>): z.infer<typeof action>[] {
    const of = (x: { action?: z.infer<typeof action>; splits?: { action: z.infer<typeof action> }[] }) => [
        ...(x.action ? [x.action] : []),
        ...(x.splits ?? []).map((s) => s.action),
    ];
    return [...of(r), ...(r.matches ?? []).flatMap(of)];
}

/** The problems of one object as a VirtualServer; empty when the controller would accept it. */
export function virtualServerProblems(obj: unknown): string[] {
    const parsed = virtualServer.safeParse(obj);
    if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    const vs = parsed.data;
    const problems: string[] = [];
    const upstreams = vs.spec.upstreams.map((u) => u.name);
    if (new Set(upstreams).size !== upstreams.length) problems.push("spec.upstreams: names must be unique");
    const paths = vs.spec.routes.map((r) => r.path);
    if (new Set(paths).size !== paths.length) problems.push("spec.routes: paths must be unique");
    for (const r of vs.spec.routes) {
        for (const a of actions(r)) {
            const name = a.pass ?? a.proxy?.upstream;
            if (name !== undefined && !upstreams.includes(name))
                problems.push(`route ${r.path}: upstream ${name} is not defined`);
        }
    }
    return problems;
}

/**
 * The shape the controller requires of a Policy (k8s.nginx.org/v1) of the kind Capstan declares,
 * basic auth: exactly one policy type per Policy, `basicAuth.secret` naming a Secret in the same
 * namespace, an optional realm.
 */
const policy = z.strictObject({
    apiVersion: z.literal("k8s.nginx.org/v1"),
    kind: z.literal("Policy"),
    metadata: z.looseObject({ name: dns1123Subdomain, namespace: dns1123Label }),
    spec: z.strictObject({
        basicAuth: z.strictObject({
            secret: dns1123Subdomain,
            realm: z
                .string()
                .regex(/^[^"\\]*$/)
                .optional(),
        }),
    }),
});

/** The problems of one object as a basic-auth Policy; empty when the controller would accept it. */
export function policyProblems(obj: unknown): string[] {
    const parsed = policy.safeParse(obj);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}
