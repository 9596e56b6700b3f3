/**
 * Sticky weights: in a canary's weight phase a visitor stays on the side the weighted split first
 * sent them to. The routes are asserted exactly as rendered (NGINX itself cannot run here), and
 * against the controller's VirtualServer shape.
 */
import { createHash } from "crypto";
import { describe, expect, it } from "vitest";
import { virtualServerSpec } from "../../../components/app";
import { problemsOf, render, type Rendered } from "../../harness";
import { virtualServerProblems } from "./virtualServerShape";

type Obj = Record<string, any>;
const CANARY = "2026.11.21-9a8b7c6";
const NEXT_CANARY = "2026.11.28-0c1d2e3";
const testers = { name: "_AUSER_TYPE", value: "canary" };
const weightPhase = (canary: Obj = {}) => ({
    overrides: { "capstan:canary": { imageTag: CANARY, cookie: testers, weight: 10, ...canary } },
});

/** The id the cookie's values carry: the tag's hash, nothing a visitor sent. */
const idOf = (tag: string) => createHash("sha256").update(tag).digest("hex").slice(0, 12);
const FORWARDED = {
    pass: true,
    set: [
        { name: "X-Forwarded-Proto", value: "https" },
        { name: "X-Forwarded-Port", value: "443" },
    ],
};
const to = (upstream: string, setCookie?: string) => ({
    proxy: {
        upstream,
        requestHeaders: FORWARDED,
        ...(setCookie ? { responseHeaders: { add: [{ name: "Set-Cookie", value: setCookie, always: true }] } } : {}),
    },
});
const cookieIs = (cookie: string, value: string) => [{ cookie, value }];
const setCookie = (name: string, value: string) => `${name}=${value}; Path=/; Secure; HttpOnly; SameSite=Lax`;

/** The route of `/` of the weight phase at 10%, with the sticky cookie `name` of the canary at `tag`. */
function stickyRoute(name: string, tag: string): Obj {
    const id = idOf(tag);
    return {
        path: "/",
        matches: [
            { conditions: cookieIs(testers.name, testers.value), action: to("web-canary") },
            { conditions: cookieIs(name, `canary-${id}`), action: to("web-canary") },
            { conditions: cookieIs(name, `stable-${id}`), action: to("web") },
        ],
        splits: [
            { weight: 90, action: to("web", setCookie(name, `stable-${id}`)) },
            { weight: 10, action: to("web-canary", setCookie(name, `canary-${id}`)) },
        ],
    };
}

let weighted: Promise<Rendered> | undefined;
/** The staging stack in the weight phase, rendered once for the tests that read it. */
const weightPhaseRender = () => (weighted ??= render("staging", weightPhase()));

const servers = (r: Rendered): Obj[] => (r.manifests as Obj[]).filter((o) => o.kind === "VirtualServer");

describe("sticky weights", () => {
    it("the weight phase matches the testers' cookie, then the sticky cookie's two sides, then splits, each side setting its own value", async () => {
        const r = await weightPhaseRender();
        expect(servers(r).length).toBe(2);
        for (const vs of servers(r)) {
            expect(virtualServerProblems(vs)).toEqual([]);
            expect(vs.spec.routes).toEqual([stickyRoute("capstan_side", CANARY)]);
        }
    });

    it("the cookie is HttpOnly, Secure and SameSite=Lax, and its value is only a side and the canary's id", async () => {
        const r = await weightPhaseRender();
        const values = servers(r).flatMap((vs) =>
            vs.spec.routes[0].splits.flatMap((s: Obj) => s.action.proxy.responseHeaders.add.map((h: Obj) => h.value)),
        );
        expect(values.length).toBe(4);
        for (const v of values)
            expect(v).toMatch(/^capstan_side=(stable|canary)-[0-9a-f]{12}; Path=\/; Secure; HttpOnly; SameSite=Lax$/);
    });

    it("takes its name from canary.stickyCookie", async () => {
        const r = await render("staging", weightPhase({ stickyCookie: "shop_side" }));
        for (const vs of servers(r)) expect(vs.spec.routes).toEqual([stickyRoute("shop_side", CANARY)]);
    });

    it("a cookie left from one canary matches nothing in the next: each canary's values are its own", async () => {
        const first = JSON.stringify(servers(await weightPhaseRender()).map((v) => v.spec));
        const next = servers(await render("staging", weightPhase({ imageTag: NEXT_CANARY })));
        for (const vs of next) expect(vs.spec.routes).toEqual([stickyRoute("capstan_side", NEXT_CANARY)]);
        expect(first).toContain(idOf(CANARY));
        expect(JSON.stringify(next.map((v) => v.spec))).not.toContain(idOf(CANARY));
    });

    it.each([
        ["the cookie phase (no split to stick to)", { "capstan:canary": { imageTag: CANARY, cookie: testers } }],
        ["a promoted canary", { "capstan:imageTag": CANARY, "capstan:canary": undefined }],
        ["an aborted canary", { "capstan:canary": undefined }],
    ])("%s: no route mentions the sticky cookie, so nobody is pinned to a side", async (_what, overrides) => {
        const r = await render("staging", { overrides });
        for (const vs of servers(r)) {
            expect(virtualServerProblems(vs)).toEqual([]);
            expect(JSON.stringify(vs.spec)).not.toContain("capstan_side");
        }
    });

    it("behind the CDN's origin header, the sticky matches keep their order, each with the header as one more condition", () => {
        const origin = { header: "X-Origin-Verify", value: "s3cret" };
        const spec = virtualServerSpec({
            host: "app.example.com",
            ingressClassName: "nginx-public",
            listener: "tls-offloaded",
            serviceName: "shop-web",
            canary: { serviceName: "shop-web-canary", weight: 10, sticky: { name: "capstan_side", release: CANARY } },
            originHeader: { name: origin.header, values: [origin.value] },
        });
        expect(
            virtualServerProblems({
                apiVersion: "k8s.nginx.org/v1",
                kind: "VirtualServer",
                metadata: { name: "shop", namespace: "shop" },
                spec,
            }),
        ).toEqual([]);
        const id = idOf(CANARY);
        expect(spec.routes).toEqual([
            {
                path: "/",
                matches: [
                    { conditions: [...cookieIs("capstan_side", `canary-${id}`), origin], action: to("web-canary") },
                    { conditions: [...cookieIs("capstan_side", `stable-${id}`), origin], action: to("web") },
                    { conditions: [origin], splits: stickyRoute("capstan_side", CANARY).splits },
                ],
                action: { return: { code: 403, type: "text/plain", body: "Forbidden" } },
            },
        ]);
    });
});

describe("canary.stickyCookie is checked with the config", () => {
    const says = (canary: Obj) =>
        problemsOf("staging", (r) => {
            r.canary = { imageTag: CANARY, cookie: testers, weight: 10, ...canary };
        }).filter((p) => p.path.startsWith("capstan:canary"));

    it("refuses the testers' cookie name, naming the key, the value and the fix", () => {
        expect(says({ stickyCookie: "_auser_type" })).toEqual([
            {
                path: "capstan:canary.stickyCookie",
                message: expect.stringMatching(
                    /"_auser_type" is also the testers' cookie \(canary.cookie.name\).*name another cookie, e.g. capstan_side/,
                ),
            },
        ]);
    });

    it("refuses a name NGINX would not match on", () => {
        expect(says({ stickyCookie: "shop-side" })).toEqual([
            {
                path: "capstan:canary.stickyCookie",
                message: expect.stringContaining("is not a cookie name NGINX accepts"),
            },
        ]);
    });

    it("accepts another name, and the default", () => {
        expect(says({ stickyCookie: "shop_side" })).toEqual([]);
        expect(says({})).toEqual([]);
    });
});
