/**
 * capstan:observability, capstan:ingress.logHeaders and capstan:app.metrics: what is accepted,
 * what is refused, and that each refusal names the key path, the value and the fix.
 */
import { describe, expect, it } from "vitest";
import { OBSERVABILITY_DEFAULTS } from "../../../components/config";
import { problemsOf } from "../../harness";

type Root = Record<string, any>;

/** Each bad value: the stack it starts from, the change, the key path, the value and the fix its message must carry. */
const REFUSED: [string, string, (r: Root) => void, string, string, RegExp][] = [
    [
        "a retention CloudWatch Logs does not offer",
        "prod",
        (r) => (r.observability = { logRetentionDays: 45 }),
        "capstan:observability.logRetentionDays",
        "45",
        /use one of 1, 3, 5, 7, 14, 30, 60/,
    ],
    [
        "enabled as text",
        "prod",
        (r) => (r.observability = { enabled: "no" }),
        "capstan:observability.enabled",
        '"no"',
        /is not a boolean/,
    ],
    [
        "an error ratio above 1",
        "prod",
        (r) => (r.observability = { alerts: { thresholds: { errorRatio: 5 } } }),
        "capstan:observability.alerts.thresholds.errorRatio",
        "5",
        /maximum 1/,
    ],
    [
        "a webhook over plain http",
        "prod",
        (r) => (r.observability = { alerts: { route: { webhookUrl: "http://hooks.example.com/x" } } }),
        "capstan:observability.alerts.route.webhookUrl",
        "http://hooks.example.com/x",
        /must be an https:\/\/ URL/,
    ],
    [
        "both an SNS topic and a webhook",
        "prod",
        (r) =>
            (r.observability = {
                alerts: {
                    route: {
                        snsTopicArn: "arn:aws:sns:eu-central-1:123456789012:alerts",
                        webhookUrl: "https://hooks.example.com/x",
                    },
                },
            }),
        "capstan:observability.alerts.route",
        "snsTopicArn and webhookUrl",
        /keep one/,
    ],
    [
        "a log header that is not a header name",
        "prod",
        (r) => (r.ingress.logHeaders = { request: ["X User"] }),
        "capstan:ingress.logHeaders.request[0]",
        "X User",
        /such as X-User-Id/,
    ],
    [
        "a log header listed twice",
        "prod",
        (r) => (r.ingress.logHeaders = { response: ["X-Account-Id", "x-account-id"] }),
        "capstan:ingress.logHeaders.response[1]",
        "x-account-id",
        /remove one/,
    ],
    [
        "log headers in a tenant stack",
        "tenant-acme",
        (r) => (r.ingress.logHeaders = { request: ["X-User-Id"] }),
        "capstan:ingress.logHeaders",
        "X-User-Id",
        /acme-corp\/capstan\/prod.*set it there/,
    ],
    [
        "log headers with observability off",
        "prod",
        (r) => {
            r.ingress.logHeaders = { request: ["X-User-Id"] };
            r.observability = { enabled: false };
        },
        "capstan:ingress.logHeaders",
        "X-User-Id",
        /remove it, or enable observability/,
    ],
    [
        "alert routing in a tenant stack",
        "tenant-acme",
        (r) => (r.observability = { alerts: { route: { snsTopicArn: "arn:aws:sns:eu-central-1:123456789012:a" } } }),
        "capstan:observability.alerts.route.snsTopicArn",
        "arn:aws:sns:eu-central-1:123456789012:a",
        /set it there and remove it here/,
    ],
    [
        "redacted parameters in a tenant stack",
        "tenant-acme",
        (r) => (r.observability = { redactQueryParams: ["api_key"] }),
        "capstan:observability.redactQueryParams",
        "api_key",
        /set it there/,
    ],
    [
        "a redacted parameter listed twice",
        "prod",
        (r) => (r.observability = { redactQueryParams: ["token", "Token"] }),
        "capstan:observability.redactQueryParams[1]",
        "Token",
        /remove one/,
    ],
    [
        "an app metrics port out of range",
        "prod",
        (r) => (r.app.metrics = { port: 70000 }),
        "capstan:app.metrics.port",
        "70000",
        /maximum 65535/,
    ],
    [
        "an app metrics port in the NodePort range, which only the load balancers reach",
        "prod",
        (r) => (r.app.metrics = { port: 30100 }),
        "capstan:app.metrics.port",
        "30100",
        /serve the metrics on another port/,
    ],
    [
        "an app metrics path that is not absolute",
        "prod",
        (r) => (r.app.metrics = { port: 9394, path: "metrics" }),
        "capstan:app.metrics.path",
        "metrics",
        /absolute path/,
    ],
];

/** Credential headers, as a new user might list them: named ones in any case, and names holding a credential word. */
const CREDENTIAL_HEADERS: [string, "request" | "response"][] = [
    ["Authorization", "request"],
    ["authorization", "request"],
    ["PROXY-AUTHORIZATION", "request"],
    ["Cookie", "request"],
    ["Set-Cookie", "response"],
    ["set-cookie", "request"],
    ["Authorization", "response"],
    ["X-Api-Key", "request"],
    ["x-auth-token", "response"],
    ["X-CSRF-Token", "request"],
    ["X-XSRF-TOKEN", "response"],
    ["X-Amz-Security-Token", "request"],
    ["X-Vault-Token", "request"],
    ["Api-Key", "request"],
    ["X-Client-Secret", "request"],
    ["X-Session-Id", "response"],
];

describe("credential headers in the access log", () => {
    it.each(CREDENTIAL_HEADERS)("refuses %s in the %s list, naming the key, the header and the fix", (header, list) => {
        const problems = problemsOf("prod", (r) => (r.ingress.logHeaders = { [list]: ["X-User-Id", header] }));
        expect(problems.map((p) => p.path)).toEqual([`capstan:ingress.logHeaders.${list}[1]`]);
        expect(problems[0].message).toContain(JSON.stringify(header));
        expect(problems[0].message).toMatch(/carries credentials.*plain text.*remove it/);
    });

    it.each(["X-User-Id", "X-Account-Id", "X-Authenticated-User", "X-Request-Start", "User-Agent"])(
        "accepts %s, which carries no credential",
        (header) => {
            expect(
                problemsOf("prod", (r) => (r.ingress.logHeaders = { request: [header], response: [header] })),
            ).toEqual([]);
        },
    );

    it("refuses every credential header at once, also where the key is refused as a whole", () => {
        const headers = { request: ["Authorization", "X-User-Id", "Cookie"], response: ["Set-Cookie"] };
        const credentialPaths = [
            "capstan:ingress.logHeaders.request[0]",
            "capstan:ingress.logHeaders.request[2]",
            "capstan:ingress.logHeaders.response[0]",
        ];
        expect(problemsOf("prod", (r) => (r.ingress.logHeaders = headers)).map((p) => p.path)).toEqual(credentialPaths);
        const off = problemsOf("prod", (r) => {
            r.ingress.logHeaders = headers;
            r.observability = { enabled: false };
        });
        expect(off.map((p) => p.path).sort()).toEqual([...credentialPaths, "capstan:ingress.logHeaders"].sort());
    });
});

describe("the observability config", () => {
    it("defaults to on, 30 days, password/token/secret redacted and no alert route", () => {
        expect(OBSERVABILITY_DEFAULTS).toEqual({
            enabled: true,
            logRetentionDays: 30,
            redactQueryParams: ["password", "token", "secret"],
            alerts: {
                thresholds: { errorRatio: 0.05, p95Seconds: 1.5, atMaximumMinutes: 15, pendingMinutes: 10 },
                route: {},
            },
        });
    });

    it.each([
        [
            "prod",
            (r: Root) =>
                (r.observability = {
                    logRetentionDays: 90,
                    alerts: { route: { webhookUrl: "https://h.example.com/a" } },
                }),
        ],
        ["prod", (r: Root) => (r.ingress.logHeaders = { request: ["X-User-Id"], response: ["X-Account-Id"] })],
        ["prod", (r: Root) => (r.observability = { enabled: false })],
        ["tenant-acme", (r: Root) => (r.app.metrics = { port: 9394 })],
        ["staging", (r: Root) => (r.app.metrics = { port: 9394, path: "/internal/metrics" })],
    ])("accepts a valid change of %s", (stack, change) => {
        expect(problemsOf(stack, change)).toEqual([]);
    });

    it.each(REFUSED)("refuses %s, naming the key, the value and the fix", (_c, stack, change, path, value, fix) => {
        const problems = problemsOf(stack, change);
        expect(problems.map((p) => p.path)).toContain(path);
        const message = problems.find((p) => p.path === path)!.message;
        expect(message).toContain(value);
        expect(message).toMatch(fix);
    });

    it("reports every observability problem at once", () => {
        const problems = problemsOf("tenant-acme", (r) => {
            r.ingress.logHeaders = { request: ["X-User-Id"] };
            r.observability = { logRetentionDays: 2, alerts: { route: { webhookUrl: "https://h.example.com" } } };
        });
        expect(problems.map((p) => p.path).sort()).toEqual(
            [
                "capstan:ingress.logHeaders",
                "capstan:observability.alerts.route.webhookUrl",
                "capstan:observability.logRetentionDays",
            ].sort(),
        );
    });
});
