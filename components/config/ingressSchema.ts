import { z } from "zod";
import { analysisSchema, canaryStepsSchema } from "./analysisSchema";
import { doc } from "./docs";
import { arn, cidr, headerName, int, nodePort } from "./fields";
import { CREDENTIAL_HEADER_WORDS, CREDENTIAL_HEADERS, IMAGE_TAG_RULE } from "./rules";

/** The entries and who reaches them: `capstan:ingress`, `capstan:staging`, `capstan:canary`. */

const ingressClass = (defaults: { http: number; https: number; healthCheck: number }) =>
    z.strictObject({
        hosts: doc(
            z
                .array(
                    z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/, {
                        message: "must be a lower-case DNS host name",
                    }),
                )
                .min(1),
            {
                description: "Host names served by this entry.",
                rules: "each label at most 63 characters, the name at most 253",
            },
        ),
        certificateArn: doc(
            arn(
                /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/,
                "must be an ACM certificate ARN",
            ).optional(),
            {
                description: "The ACM certificate of the TLS listener, in `aws:region`.",
                default: "none: the entry serves plain http only, unless `capstan:dns` makes a certificate",
                rules: "required with `cluster.mode: create` unless `capstan:dns` is set",
            },
        ),
        nodePorts: doc(
            z
                .strictObject({
                    http: doc(nodePort, { description: "The controller's http NodePort." }),
                    https: doc(nodePort, { description: "The controller's https NodePort." }),
                    healthCheck: doc(nodePort.default(defaults.healthCheck), {
                        description:
                            "kube-proxy's health check of the controller's Service, which the load balancer's targets are checked on.",
                    }),
                })
                .default(defaults),
            {
                description: "The controller's NodePorts, which are also the load balancer's target ports.",
                rules: "all NodePorts of both entries differ",
            },
        ),
    });

export const ingressSchema = z.strictObject({
    public: doc(ingressClass({ http: 30080, https: 30443, healthCheck: 30090 }), {
        description: "The internet-facing entry.",
    }),
    internal: doc(
        ingressClass({ http: 30081, https: 30444, healthCheck: 30091 })
            .extend({
                basicAuth: doc(z.boolean().default(false), {
                    description:
                        "Whether staging basic auth also guards the internal entry; by default the VPN is the guard.",
                }),
                sourceCidrs: doc(z.array(cidr).min(1).optional(), {
                    description:
                        "The networks that may connect to the internal load balancer: the VPN's client range where the VPN does not translate its clients into the VPC, and the VPC's block if clients inside it use the entry too. Cluster mode `create` only.",
                    default: "the VPC's block",
                    rules: "never the whole internet: `0.0.0.0/0`, or blocks that together cover it",
                }),
            })
            .optional(),
        { description: "The VPN-only entry, on an internal load balancer: the keys of `public`, and two more." },
    ),
    clientMaxBodySize: doc(
        z
            .preprocess(
                (v) => (typeof v === "number" ? String(v) : v),
                z.string().regex(/^\d+[kKmM]?$/, {
                    message:
                        "is not a size NGINX accepts here: digits with an optional unit k or m, e.g. 100m (the controller refuses g)",
                }),
            )
            .default("100m"),
        {
            description:
                "The largest request body (an upload) NGINX passes to the app, on every VirtualServer; larger requests get 413, and `0` turns the check off. The default leaves room for a Rails app's uploads.",
            type: "NGINX size",
        },
    ),
    logHeaders: doc(
        z
            .strictObject({
                request: doc(z.array(headerName).default([]), {
                    description: "Request headers as the client sent them, logged as `req_<name>` (e.g. `X-User-Id`).",
                }),
                response: doc(z.array(headerName).default([]), {
                    description: "Response headers as the app answered, logged as `resp_<name>`.",
                }),
            })
            .default({ request: [], response: [] }),
        {
            description:
                "Headers the controllers' JSON access log adds to each line, besides its fixed fields (docs/observability.md), such as the app's user or account id header.",
            rules: `each name once (without case); never a header that carries credentials, in either list (refused, not redacted): ${CREDENTIAL_HEADERS.map((h) => `\`${h}\``).join(", ")}, nor any whose name holds ${CREDENTIAL_HEADER_WORDS.map((w) => `\`${w}\``).join(", ")} (without case, \`-\` or \`_\`); cluster mode \`create\` only (the controllers are the owning stack's); refused with \`observability.enabled: false\``,
        },
    ),
});

export const stagingSchema = z.strictObject({
    basicAuth: doc(
        z
            .strictObject({
                realm: doc(
                    z
                        .string()
                        .regex(/^[^"\\]+$/, { message: "must not contain quotes or backslashes" })
                        .default("Staging"),
                    { description: "The realm the browser shows." },
                ),
                users: doc(
                    z
                        .array(
                            z.string().regex(/^[A-Za-z0-9._-]+$/, {
                                message: "must be a user name of letters, digits, '.', '_' or '-'",
                            }),
                        )
                        .min(1),
                    { description: "The users; each needs a password in `capstan:basicAuthPasswords`." },
                ),
            })
            .optional(),
        { description: "Basic auth in front of every public entry." },
    ),
});

/** NGINX refuses any other cookie name in a VirtualServer match (validation/virtualserver.go, cookieNameFmt). */
const cookieName = z.string().regex(/^[_A-Za-z0-9]+$/, {
    message: "is not a cookie name NGINX accepts: letters, digits and '_' only, e.g. _AUSER_TYPE",
});

/** The sticky cookie's name when `canary.stickyCookie` is left out. */
export const DEFAULT_STICKY_COOKIE = "capstan_side";

const matchValue = z.string().regex(/^[A-Za-z0-9_.-]+$/, { message: "must be letters, digits, '_', '.' or '-'" });

export const canarySchema = z.strictObject({
    imageTag: doc(z.string().optional(), {
        description:
            "The image tag the canary runs; without it no canary runs, and the map holds only how `capstan canary run` releases (`steps`, `analysis`).",
        default: "none: no canary runs",
        rules: `${IMAGE_TAG_RULE}; not the stable \`imageTag\``,
    }),
    cookie: doc(
        z
            .strictObject({
                // With another name NGINX serves none of the app's hosts; the CRD schema lets it through.
                name: doc(cookieName, { description: "The cookie's name." }),
                value: doc(matchValue, { description: "The cookie's value." }),
            })
            .optional(),
        { description: "Requests carrying this cookie always reach the canary." },
    ),
    header: doc(
        z
            .strictObject({
                name: doc(z.string().regex(/^[A-Za-z0-9-]+$/, { message: "must be letters, digits or '-'" }), {
                    description: "The header's name.",
                }),
                value: doc(matchValue, { description: "The header's value." }),
            })
            .optional(),
        { description: "Requests carrying this header always reach the canary." },
    ),
    weight: doc(int(0, 100).default(0), {
        description:
            "The share of the remaining traffic sent to the canary; with 0 only the cookie or header reach it.",
        unit: "percent",
        rules: "a cookie, a header or a weight above 0",
    }),
    stickyCookie: doc(cookieName.default(DEFAULT_STICKY_COOKIE), {
        description:
            "The cookie that keeps a visitor on the side the weighted split sent them to, for the rest of the canary (docs/releases.md). Set on the split's answers, `HttpOnly`, `Secure` and `SameSite=Lax`; its value names a side of this canary only, so after promote or abort it matches nothing.",
        rules: "not the name of `canary.cookie`",
    }),
    steps: doc(canaryStepsSchema, {
        description: "The weights `capstan canary run` sets one after the other, each held for its analysis.",
        unit: "percent",
        rules: "each more than the one before",
    }),
    analysis: doc(analysisSchema.optional(), {
        description:
            "How `capstan canary run` judges the canary at each step (docs/releases.md); without it, `canary run` is refused.",
        default: "none: the steps are taken by hand",
    }),
});
