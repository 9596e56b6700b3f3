/**
 * The alert rules on the render of every committed stack: each expression parses with
 * Prometheus' own PromQL grammar (@prometheus-io/lezer-promql) and names only metrics the scraped
 * components export; the app's rules stay in its namespace and carry its stack (and tenant); the
 * thresholds are the config's; alerts go where the config routes them.
 */
import { parsePromql } from "../../../../components/core/promql";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { ALL_EXPORTED } from "./alertMetrics";
import { committedStacks, ofType, render, stackValues, type Rendered } from "../../../harness";

type Any = Record<string, any>;

/** The parse errors of an expression (positions) and the metric names its selectors name. */
export function promql(expr: string): { errors: number[]; metrics: string[] } {
    const { errors, metrics } = parsePromql(expr);
    return { errors: [...errors], metrics: [...metrics] };
}

/** Every rule of the stack's rule group namespaces, with the namespace's workspace. */
function rulesOf(r: Rendered): { workspaceId: string; rule: Any }[] {
    return ofType(r.result.resources, "aws:amp/ruleGroupNamespace:RuleGroupNamespace").flatMap((ns) => {
        const inputs = ns.inputs as Any;
        const file = parseYaml(inputs.data as string) as { groups: { rules: Any[] }[] };
        return file.groups.flatMap((g) => g.rules.map((rule) => ({ workspaceId: inputs.workspaceId as string, rule })));
    });
}

const APP_ALERTS = [
    "HostErrorRatioHigh",
    "HostResponseTimeHigh",
    "AutoscalerAtMaximum",
    "PodPending",
    "MigrationFailed",
    "CronRunFailed",
    "CronScheduleMissed",
    "RolloutStuck",
];
const CLUSTER_ALERTS = ["NodeNotReady", "NodeGroupAtMaximum"];

describe("the PromQL check", () => {
    it("finds a syntax error and names the metrics of a valid expression", () => {
        expect(promql("rate(foo[5m").errors.length).toBeGreaterThan(0);
        expect(promql('sum(rate(a_total{x="1"}[5m])) / sum(b) > 0.1')).toEqual({
            errors: [],
            metrics: ["a_total", "b"],
        });
    });
});

describe.each(committedStacks())("the alert rules of the committed stack %s", (stack) => {
    let rendered: Rendered;
    let prod: Rendered;
    const values = () => stackValues(stack);
    const mode = () => values()["capstan:cluster"]?.mode ?? "create";
    const namespace = () => (stack.startsWith("tenant-") ? `phraseapp-${stack.slice(7)}` : "phraseapp");
    beforeAll(async () => {
        rendered = await render(stack);
        prod = await render("prod");
    });

    it("parse, and name only metrics the scraped components export", () => {
        const rules = rulesOf(rendered);
        if (mode() === "external") return expect(rules).toEqual([]);
        expect(rules.length).toBeGreaterThan(0);
        for (const { rule } of rules) {
            const { errors, metrics } = promql(rule.expr);
            expect(errors, `${rule.alert}: ${rule.expr}`).toEqual([]);
            expect(metrics.length, rule.alert).toBeGreaterThan(0);
            for (const m of metrics) expect(ALL_EXPORTED.has(m), `${rule.alert} names ${m}`).toBe(true);
        }
    });

    it("cover the failures a Rails platform meets, the app's in its namespace with its stack's labels", () => {
        const rules = rulesOf(rendered).map((r) => r.rule);
        if (mode() === "external") return expect(rules).toEqual([]);
        const alerts = new Set(rules.map((r) => r.alert));
        for (const a of APP_ALERTS) expect(alerts.has(a), a).toBe(true);
        for (const a of CLUSTER_ALERTS) expect(alerts.has(a), a).toBe(mode() === "create");
        const tenant = values()["capstan:tenant"]?.name;
        for (const r of rules.filter((x) => APP_ALERTS.includes(x.alert))) {
            expect(r.labels).toMatchObject({ stack, namespace: namespace(), ...(tenant ? { tenant } : {}) });
            expect(r.expr).toContain(`namespace="${namespace()}"`);
        }
        expect(new Set(rules.filter((r) => r.alert === "CronScheduleMissed").map((r) => r.expr)).size).toBe(
            values()["capstan:app"].cron.length,
        );
    });

    it("go to the workspace of the cluster's owner", () => {
        const own = rulesOf(rendered);
        if (mode() === "external") return expect(own).toEqual([]);
        // A stack on a shared cluster has no workspace of its own: its rules go to the owner's.
        const owner = mode() === "shared" ? prod : rendered;
        const workspaces = ofType(owner.result.resources, "aws:amp/workspace:Workspace");
        expect(workspaces).toHaveLength(1);
        for (const r of own) expect(r.workspaceId).toBe(workspaces[0].id);
        if (mode() === "shared") expect(ofType(rendered.result.resources, "aws:amp/workspace:Workspace")).toEqual([]);
    });

    it("take their thresholds from config", async () => {
        if (mode() === "external") return;
        const changed = await render(stack, {
            overrides: {
                "capstan:observability": {
                    alerts: {
                        thresholds: { errorRatio: 0.2, p95Seconds: 3, atMaximumMinutes: 45, pendingMinutes: 25 },
                    },
                },
            },
        });
        const by = (alert: string) => rulesOf(changed).find((r) => r.rule.alert === alert)!.rule;
        expect(by("HostErrorRatioHigh").expr).toMatch(/> 0\.2$/);
        expect(by("HostResponseTimeHigh").expr).toMatch(/> 3000$/);
        expect(by("AutoscalerAtMaximum").for).toBe("45m");
        expect(by("PodPending").for).toBe("25m");
        if (mode() === "create") expect(by("NodeGroupAtMaximum").for).toBe("45m");
    });
});

describe("where alerts go", () => {
    const prodWith = (route: Any) => render("prod", { overrides: { "capstan:observability": { alerts: { route } } } });
    const definitions = (r: Rendered) =>
        ofType(r.result.resources, "aws:amp/alertManagerDefinition:AlertManagerDefinition").map((d) => d.inputs as Any);

    it("nowhere by default: the rules still evaluate, no alert manager is configured", async () => {
        const r = await render("prod");
        expect(definitions(r)).toEqual([]);
        expect(rulesOf(r).length).toBeGreaterThan(0);
    });

    it("to the configured SNS topic", async () => {
        const topic = "arn:aws:sns:eu-central-1:123456789012:oncall";
        const [d] = definitions(await prodWith({ snsTopicArn: topic }));
        const config = parseYaml((parseYaml(d.definition) as Any).alertmanager_config) as Any;
        expect(config.route.receiver).toBe("sns");
        expect(config.receivers[0].sns_configs[0]).toMatchObject({
            topic_arn: topic,
            sigv4: { region: "eu-central-1" },
        });
    });

    it("to a webhook, through a topic the workspace may publish to", async () => {
        const r = await prodWith({ webhookUrl: "https://hooks.example.com/alerts" });
        const topic = ofType(r.result.resources, "aws:sns/topic:Topic")[0];
        const sub = ofType(r.result.resources, "aws:sns/topicSubscription:TopicSubscription")[0].inputs as Any;
        expect(sub).toMatchObject({ protocol: "https", endpoint: "https://hooks.example.com/alerts" });
        const policy = JSON.parse(
            (ofType(r.result.resources, "aws:sns/topicPolicy:TopicPolicy")[0].inputs as Any).policy,
        );
        expect(policy.Statement[0].Principal).toEqual({ Service: "aps.amazonaws.com" });
        const [d] = definitions(r);
        expect(d.definition).toContain((topic.state as Any).arn);
    });
});
