/**
 * Logs, the access log, metrics and alerts on the render of every committed stack: what a stack
 * that creates its cluster runs, what a tenant on a shared cluster adds, and what nothing else has.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { redactionSteps, REDACTED } from "../../../../components/platform/accessLog";
import { committedStacks, ofType, render, stackValues, type Rendered } from "../../../harness";

type Any = Record<string, any>;

/**
 * A value as NGINX writes it into a log line with `escape=json` (ngx_http_log_module,
 * `ngx_http_log_escape` in JSON mode): `"` and `\` get a backslash, \n \r \t \b \f their short
 * escapes, every other byte below 0x20 `\u00XX`; everything else is written as it is.
 */
export function nginxJsonEscape(value: string): string {
    const short: Record<string, string> = {
        '"': '\\"',
        "\\": "\\\\",
        "\n": "\\n",
        "\r": "\\r",
        "\t": "\\t",
        "\b": "\\b",
        "\f": "\\f",
    };
    return [...value]
        .map((c) => short[c] ?? (c.charCodeAt(0) < 0x20 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}` : c))
        .join("");
}

/** NGINX's default escaping (`escape=default`): `"`, `\` and bytes below 0x20 or above 0x7e as `\xXX`. */
function nginxDefaultEscape(value: string): string {
    return [...value]
        .map((c) =>
            c === '"' || c === "\\" || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) > 0x7e
                ? `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`
                : c,
        )
        .join("");
}

/**
 * A log line as NGINX writes it: each `$variable` of the format replaced by the value `valueOf`
 * gives, escaped the way the controller's `log-format-escaping` says.
 */
function logLine(entries: Any, valueOf: (variable: string) => string): string {
    const escape = entries["log-format-escaping"] === "json" ? nginxJsonEscape : nginxDefaultEscape;
    return (entries["log-format"] as string).replace(/\$([A-Za-z0-9_]+)/g, (_m, v: string) => escape(valueOf(v)));
}

/** What the redaction chain logs for a query string, evaluated as NGINX's maps evaluate (case-insensitive regex, first match, else the default). */
function loggedQuery(args: string, params: readonly string[]): string {
    let value = args;
    for (const step of redactionSteps(params)) {
        if (!step.regex) continue;
        const m = new RegExp(step.regex, "i").exec(value);
        if (m) value = step.replacement.replace(/\$(\d)/g, (_x, n: string) => m[Number(n)] ?? "");
    }
    return value;
}

interface Taint {
    readonly key: string;
    readonly value?: string;
    readonly effect: string;
}

/** Whether a toleration tolerates a taint, as the scheduler decides it (core/v1 Toleration.ToleratesTaint). */
export function tolerates(t: Any, taint: Taint): boolean {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.key && t.key !== taint.key) return false;
    if (!t.key && t.operator !== "Exists") return false;
    if (t.operator === "Exists") return true;
    return (t.value ?? "") === (taint.value ?? "");
}

const NUMERIC = new Set(["status", "body_bytes_sent", "request_time"]);
/** A header value holding a quote, a backslash and control characters (a newline, an escape, a NUL-adjacent byte). */
const HOSTILE = 'a"b\\c\nd\u001be\u0001f\tg';

describe.each(committedStacks())("observability in the committed stack %s", (stack) => {
    let rendered: Rendered;
    const values = () => stackValues(stack);
    const creates = () => (values()["capstan:cluster"]?.mode ?? "create") === "create";
    const releases = () =>
        ofType(rendered.result.resources, "kubernetes:helm.sh/v3:Release").map((r) => r.inputs as Any);
    const controllers = () => releases().filter((r) => r.chart === "nginx-ingress");
    beforeAll(async () => {
        rendered = await render(stack);
    });

    it("writes one JSON object per request, valid for a header holding a quote, a backslash and control characters", () => {
        if (!creates()) {
            // The access log is the owning stack's controllers'; this stack installs none.
            expect(controllers()).toEqual([]);
            return;
        }
        expect(controllers().length).toBeGreaterThan(0);
        for (const c of controllers()) {
            const entries = c.values.controller.config.entries;
            const line = logLine(entries, (v) => (NUMERIC.has(v) ? "200" : HOSTILE));
            const parsed = JSON.parse(line) as Any;
            expect(parsed.host).toBe(HOSTILE);
            expect(parsed.user_agent).toBe(HOSTILE);
            expect(parsed.status).toBe(200);
            expect(Object.keys(parsed)).toEqual(
                expect.arrayContaining([
                    "time",
                    "host",
                    "method",
                    "path",
                    "query",
                    "status",
                    "bytes",
                    "request_time",
                    "upstream_time",
                    "upstream_addr",
                    "request_id",
                    "client",
                ]),
            );
            expect(entries["location-snippets"]).toContain("proxy_set_header X-Request-ID $request_id;");
            expect(c.values.controller.enableLatencyMetrics).toBe(true);
        }
    });

    const byType = (type: string) => ofType(rendered.result.resources, type).map((r) => r.inputs as Any);
    const clusterName = () =>
        `capstan-${creates() ? stack : String(values()["capstan:cluster"].sharedStack).split("/")[2]}`;
    const namespace = () => (stack.startsWith("tenant-") ? `phraseapp-${stack.slice(7)}` : "phraseapp");

    it.each(["fluent-bit", "prometheus-node-exporter"])(
        "runs %s on every node: it tolerates every taint of every node group",
        (chart) => {
            const daemons = releases().filter((r) => r.chart === chart);
            if (!creates()) return expect(daemons).toEqual([]);
            expect(daemons).toHaveLength(1);
            const taints: Taint[] = (values()["capstan:nodeGroups"] as Any[]).flatMap((g) => g.taints ?? []);
            expect(taints.length).toBeGreaterThan(0);
            const tolerations = daemons[0].values.tolerations as Any[];
            for (const taint of taints) expect(tolerations.some((t) => tolerates(t, taint))).toBe(true);
        },
    );

    it("scrapes the nodes, the Kubernetes objects, the controllers and the autoscaler with the managed collector", () => {
        const scrapers = byType("aws:amp/scraper:Scraper");
        if (!creates()) return expect(scrapers).toEqual([]);
        expect(scrapers).toHaveLength(1);
        const config = parseYaml(scrapers[0].scrapeConfiguration) as Any;
        expect(config.scrape_configs.map((j: Any) => j.job_name)).toEqual(["kube-state-metrics", "pods"]);
        expect(Number.parseInt(config.global.scrape_interval, 10)).toBeGreaterThanOrEqual(30);
        const annotated = (values: Any) => values?.["prometheus.io/scrape"] === "true";
        const charts = new Map(releases().map((r) => [r.chart, r.values]));
        expect(annotated(charts.get("prometheus-node-exporter").podAnnotations)).toBe(true);
        expect(annotated(charts.get("cluster-autoscaler").podAnnotations)).toBe(true);
        expect(charts.get("cluster-autoscaler").extraArgs["emit-per-nodegroup-metrics"]).toBe(true);
        expect(charts.get("nginx-ingress").prometheus.create).toBe(true);
        expect(charts.has("kube-state-metrics")).toBe(true);
        const { subnetIds, securityGroupIds } = scrapers[0].source.eks;
        expect(subnetIds.length).toBe(values()["capstan:network"].availabilityZones.length);
        expect(securityGroupIds).toHaveLength(1);
    });

    it("scrapes the app's web and worker pods where app.metrics names a port and path, and admits the collector", async () => {
        const v = values();
        const r = await render(stack, {
            overrides: { "capstan:app": { ...v["capstan:app"], metrics: { port: 9394, path: "/prom" } } },
        });
        const deployments = r.manifests.filter(
            (m: Any) => m.kind === "Deployment" && m.metadata.namespace === namespace(),
        );
        expect(deployments.length).toBeGreaterThan(1);
        for (const d of deployments as Any[])
            expect(d.spec.template.metadata.annotations).toMatchObject({
                "prometheus.io/scrape": "true",
                "prometheus.io/port": "9394",
                "prometheus.io/path": "/prom",
            });
        const policy = (r.manifests as Any[]).find(
            (m) => m.kind === "NetworkPolicy" && m.metadata.name === "allow-metrics-from-collector",
        );
        if (stack === "local") return expect(policy).toBeUndefined();
        expect(policy!.spec.ingress[0].ports).toEqual([{ protocol: "TCP", port: 9394 }]);
        expect(policy!.spec.ingress[0].from.map((f: Any) => f.ipBlock.cidr).length).toBeGreaterThan(1);
    });

    it("joins a Ruby backtrace into one event and sends each namespace to its group", () => {
        const shipper = releases().find((r) => r.chart === "fluent-bit");
        if (!creates()) return expect(shipper).toBeUndefined();
        const config = shipper!.values.config;
        expect(config.filters).toMatch(/Name multiline[\s\S]*multiline\.parser ruby/);
        expect(config.filters).toContain("Name kubernetes");
        const groups = [...String(config.outputs).matchAll(/log_group_(?:name|template) (\S+)/g)].map((m) => m[1]);
        expect(groups).toEqual([
            `/capstan/${clusterName()}/ingress`,
            `/capstan/${clusterName()}/platform`,
            `/capstan/${clusterName()}/app/unrouted`,
            `/capstan/${clusterName()}/app/$kubernetes['namespace_name']`,
        ]);
        expect(config.outputs).not.toMatch(/auto_create_group On/);
    });

    it("lets the shipper's IAM role write only to the cluster's own log groups", () => {
        const policies = byType("aws:iam/rolePolicy:RolePolicy").filter((p) =>
            String(p.policy).includes("logs:PutLogEvents"),
        );
        if (!creates()) return expect(policies).toEqual([]);
        expect(policies).toHaveLength(1);
        const doc = JSON.parse(policies[0].policy) as Any;
        const prefix = `arn:aws:logs:${values()["aws:region"]}:123456789012:log-group:/capstan/${clusterName()}/`;
        for (const st of doc.Statement as Any[]) {
            expect(st.Effect).toBe("Allow");
            expect([st.Action].flat().sort()).toEqual([
                "logs:CreateLogStream",
                "logs:DescribeLogStreams",
                "logs:PutLogEvents",
            ]);
            for (const arn of [st.Resource].flat()) expect(arn.startsWith(prefix), arn).toBe(true);
        }
    });

    it("keeps each group 30 days, encrypted with the stack's own key; the app's group is the stack's", () => {
        const groups = byType("aws:cloudwatch/logGroup:LogGroup");
        if (stack === "local") return expect(groups).toEqual([]);
        const expected = [
            ...(creates() ? [`/capstan/${clusterName()}/platform`, `/capstan/${clusterName()}/ingress`] : []),
            `/capstan/${clusterName()}/app/${namespace()}`,
        ];
        expect(groups.map((g) => g.name).sort()).toEqual(expected.sort());
        // Where `capstan logs` sends a reader whose pod is gone.
        expect((rendered.result.outputs.app as Any).logGroup).toBe(`/capstan/${clusterName()}/app/${namespace()}`);
        for (const g of groups) {
            expect(g.retentionInDays).toBe(30);
            expect(String(g.kmsKeyId)).toMatch(/^arn:aws:kms:/);
        }
    });

    it("keeps the audit trail when the stack lets go of it: the groups are retained, their key protected and retained", () => {
        const options = (type: string) =>
            rendered.plan.resources
                .filter((r) => r.type === type)
                .map((r) => ({ name: r.name, protect: r.protect, retainOnDelete: r.retainOnDelete }));
        const groups = options("aws:cloudwatch/logGroup:LogGroup");
        const keys = options("aws:kms/key:Key").filter((k) => !k.name.endsWith("-secrets"));
        if (stack === "local") return expect([...groups, ...keys]).toEqual([]);
        expect(groups.length).toBeGreaterThan(0);
        for (const g of groups) expect(g, g.name).toMatchObject({ protect: false, retainOnDelete: true });
        // A stack on a shared cluster encrypts with the owner's key, and declares none.
        expect(keys.map((k) => k.name)).toEqual(creates() ? [`${clusterName()}-logs-logs`] : []);
        for (const k of keys) expect(k, k.name).toMatchObject({ protect: true, retainOnDelete: true });
    });

    it("removes all of it with observability.enabled false", async () => {
        const off = await render(stack, { overrides: { "capstan:observability": { enabled: false } } });
        const types = new Set(off.result.resources.map((r) => r.type));
        expect(types.has("aws:cloudwatch/logGroup:LogGroup")).toBe(false);
        expect(off.result.outputs.app as Any).not.toHaveProperty("logGroup");
        const charts = ofType(off.result.resources, "kubernetes:helm.sh/v3:Release").map(
            (r) => (r.inputs as Any).chart,
        );
        expect(charts).not.toContain("fluent-bit");
        for (const c of ofType(off.result.resources, "kubernetes:helm.sh/v3:Release").map((r) => r.inputs as Any))
            if (c.chart === "nginx-ingress") expect(c.values.controller.config.entries["log-format"]).toBeUndefined();
    });

    it("logs the configured headers, and the query without the values of sensitive parameters", async () => {
        if (!creates()) return expect(controllers()).toEqual([]);
        const v = values();
        const changed = await render(stack, {
            overrides: {
                "capstan:ingress": {
                    ...v["capstan:ingress"],
                    // X-Authenticated-User names a user, not a credential: accepted beside the credential rule.
                    logHeaders: { request: ["X-User-Id", "X-Authenticated-User"], response: ["X-Account-Id"] },
                },
            },
        });
        const c = ofType(changed.result.resources, "kubernetes:helm.sh/v3:Release")
            .map((r) => r.inputs as Any)
            .find((r) => r.chart === "nginx-ingress")!;
        const entries = c.values.controller.config.entries;
        const line = JSON.parse(
            logLine(entries, (x) =>
                x === "http_x_user_id"
                    ? "u-42"
                    : x === "http_x_authenticated_user"
                      ? "ada"
                      : x === "sent_http_x_account_id"
                        ? "acct-7"
                        : NUMERIC.has(x)
                          ? "1"
                          : "-",
            ),
        ) as Any;
        expect(line).toMatchObject({
            req_x_user_id: "u-42",
            req_x_authenticated_user: "ada",
            resp_x_account_id: "acct-7",
        });
        const snippets: string = entries["http-snippets"];
        for (const step of redactionSteps(["password", "token", "secret"]))
            expect(snippets).toContain(`map $${step.source} $${step.target} {`);
        expect(entries["log-format"]).toContain('"query":"$capstan_log_query"');
    });
});

describe("the query string in the access log", () => {
    const params = ["password", "token", "secret"];
    it.each([
        ["page=2&q=shoes", "page=2&q=shoes"],
        ["password=hunter2", `password=${REDACTED}`],
        ["user=a&PASSWORD=hunter2&next=%2F", `user=a&password=${REDACTED}&next=%2F`],
        ["token=abc&secret=def", `token=${REDACTED}&secret=${REDACTED}`],
        ["mytoken=keep&token=drop", `mytoken=keep&token=${REDACTED}`],
        ["password=one&x=1&password=two", REDACTED],
        ["", ""],
    ])("logs %j as %j", (args, logged) => {
        expect(loggedQuery(args, params)).toBe(logged);
    });

    it("never logs a sensitive value, whatever the query", () => {
        const secrets = ["hunter2", "abc123", "s3cr3t"];
        for (const q of [
            "password=hunter2&password=abc123",
            "a=1&token=abc123&b=2&Token=s3cr3t",
            "secret=s3cr3t&secret=hunter2&secret=abc123",
        ])
            for (const s of secrets) expect(loggedQuery(q, params)).not.toContain(s);
    });
});
