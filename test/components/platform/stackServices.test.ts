/**
 * A stack that owns its cluster, with its own database, cache and DNS: the wiring, read from the
 * plan of prod rendered with those keys.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { egressTo, sniEntries } from "../../../components/platform/services";
import { ingressSchema } from "../../../components/config";
import { isSecretValue } from "../../../scripts/render/secret";
import { ofType, render, stackValues, type RecordedResource, type Rendered } from "../../harness";

const ZONE = "Z0123456789ABCDEFGHIJ";
const inputs = (r: RecordedResource) => r.inputs as Record<string, any>;

/** prod's values with a database, a cache and DNS; `certificates: false` drops the entries' configured certificates. */
function overrides(certificates: boolean): Record<string, unknown> {
    const v = stackValues("prod");
    const app = { ...v["capstan:app"], secretEnv: ["SECRET_KEY_BASE"] };
    const ingress = structuredClone(v["capstan:ingress"]);
    if (!certificates) for (const e of Object.values<any>(ingress)) delete e.certificateArn;
    return {
        "capstan:app": app,
        "capstan:ingress": ingress,
        "capstan:database": { engine: "postgres", multiAz: true },
        "capstan:cache": { engine: "valkey", replicas: 1 },
        "capstan:dns": { zoneId: ZONE },
    };
}

/** The app's Secret, its data unwrapped. */
function appSecret(r: Rendered): { secret: boolean; data: Record<string, string> } {
    const s = ofType(r.result.resources, "kubernetes:core/v1:Secret").find((x) =>
        x.name.startsWith("phraseapp-env-secret"),
    )!;
    const stringData = inputs(s).stringData;
    return {
        secret: isSecretValue(stringData),
        data: (isSecretValue(stringData) ? stringData.value : stringData) as Record<string, string>,
    };
}

describe("a stack that owns its cluster, with database, cache and dns", () => {
    let own: Rendered;
    let sni: Rendered;
    beforeAll(async () => {
        own = await render("prod", {
            overrides: overrides(false),
            secrets: { "capstan:appSecrets": { SECRET_KEY_BASE: "skb-s3cret-1" } },
        });
        sni = await render("prod", { overrides: overrides(true) });
    });
    const of = (r: Rendered, type: string) => ofType(r.result.resources, type);
    const validated = (r: Rendered) =>
        of(r, "aws:acm/certificateValidation:CertificateValidation")[0].state.certificateArn;
    const tlsListeners = (r: Rendered) => of(r, "aws:lb/listener:Listener").filter((l) => inputs(l).port === 443);

    it("serves TLS with its own validated certificate where no certificateArn is configured", () => {
        expect(tlsListeners(own)).toHaveLength(2);
        for (const l of tlsListeners(own)) expect(inputs(l).certificateArn).toBe(validated(own));
        expect(of(own, "aws:lb/listenerCertificate:ListenerCertificate")).toEqual([]);
    });

    it("adds its certificate to listeners that keep a configured one, by SNI", () => {
        const entries = stackValues("prod")["capstan:ingress"];
        const attached = of(sni, "aws:lb/listenerCertificate:ListenerCertificate").map(inputs);
        expect(attached).toHaveLength(2);
        for (const l of tlsListeners(sni)) {
            expect([entries.public.certificateArn, entries.internal.certificateArn]).toContain(
                inputs(l).certificateArn,
            );
            expect(attached).toContainEqual({ listenerArn: l.state.arn, certificateArn: validated(sni) });
        }
    });

    it("gives every host an alias record to the load balancer of its entry", () => {
        const lbDns = (cls: string) =>
            of(own, "aws:lb/loadBalancer:LoadBalancer").find((lb) => lb.name === `capstan-prod-${cls}`)!.state.dnsName;
        const records = of(own, "aws:route53/record:Record")
            .map(inputs)
            .filter((r) => r.type === "A");
        const entries = stackValues("prod")["capstan:ingress"];
        const expected = [
            ...entries.public.hosts.map((h: string) => [h, lbDns("public")]),
            ...entries.internal.hosts.map((h: string) => [h, lbDns("internal")]),
        ];
        expect(records.map((r) => [r.name, r.aliases[0].name]).sort()).toEqual(expected.sort());
        for (const r of records) expect(r.zoneId).toBe(ZONE);
    });

    it("puts the database and cache in its private subnets, open to its nodes only", () => {
        const subnets = of(own, "aws:ec2/subnet:Subnet")
            .filter((s) => s.name.includes("-private-"))
            .map((s) => s.id)
            .sort();
        expect([...inputs(of(own, "aws:rds/subnetGroup:SubnetGroup")[0]).subnetIds].sort()).toEqual(subnets);
        expect([...inputs(of(own, "aws:elasticache/subnetGroup:SubnetGroup")[0]).subnetIds].sort()).toEqual(subnets);
        const nodes = of(own, "aws:ec2/securityGroup:SecurityGroup").find((s) => s.name === "capstan-prod-nodes")!.id;
        for (const [sgName, port] of [
            ["phraseapp-db", 5432],
            ["phraseapp-cache", 6379],
        ] as const) {
            const sg = of(own, "aws:ec2/securityGroup:SecurityGroup").find((s) => s.name === sgName)!;
            const rules = of(own, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
                .map(inputs)
                .filter((r) => r.securityGroupId === sg.id);
            expect(rules).toEqual([
                expect.objectContaining({ referencedSecurityGroupId: nodes, fromPort: port, toPort: port }),
            ]);
        }
    });

    it("hands the app DATABASE_URL and REDIS_URL in its Secret, as secrets, beside its configured ones", () => {
        const { secret, data } = appSecret(own);
        expect(secret).toBe(true);
        expect(Object.keys(data).sort()).toEqual(["DATABASE_URL", "REDIS_URL", "SECRET_KEY_BASE"]);
        const cluster = of(own, "aws:rds/cluster:Cluster")[0];
        const group = of(own, "aws:elasticache/replicationGroup:ReplicationGroup")[0];
        expect(data.DATABASE_URL).toMatch(
            new RegExp(
                `^postgres://app:[A-Za-z0-9]{40}@${cluster.state.endpoint as string}:5432/app\\?sslmode=require$`,
            ),
        );
        expect(data.REDIS_URL).toMatch(
            new RegExp(`^rediss://:[A-Za-z0-9]{64}@${group.state.primaryEndpointAddress as string}:6379/0$`),
        );
    });

    it("writes neither generated credential into plan.json or manifests.yaml", () => {
        const generated = of(own, "random:index/randomPassword:RandomPassword").map((p) => String(p.state.result));
        expect(generated).toHaveLength(2);
        const files = Object.values(own.files).join("\n");
        for (const g of generated) expect(files).not.toContain(g);
        expect(files).not.toMatch(/s3cret/);
        expect(files).toContain("capstan-prod.cluster-"); // the endpoint is there, as a plain output
    });

    it("exports its network and load balancers for the stacks on its cluster", () => {
        const platform = own.result.outputs.platform as any;
        const listeners = tlsListeners(own).map((l) => l.state.arn);
        expect([platform.entries.public.tlsListenerArn, platform.entries.internal.tlsListenerArn].sort()).toEqual(
            [...listeners].sort(),
        );
        expect(platform.network.privateSubnetCidrs).toEqual(["10.30.0.0/18", "10.30.64.0/18", "10.30.128.0/18"]);
        expect(platform.network.nodeSecurityGroupId).toBe(
            of(own, "aws:ec2/securityGroup:SecurityGroup").find((s) => s.name === "capstan-prod-nodes")!.id,
        );
    });
});

describe("which listeners take the stack's certificate by SNI", () => {
    const ingress = ingressSchema.parse({
        public: { hosts: ["app.example.com"], certificateArn: "arn:aws:acm:eu-central-1:123456789012:certificate/abc" },
        internal: { hosts: ["admin.internal.example.com"] },
    });
    it("on its own load balancers, those that keep a configured certificate", () =>
        expect(sniEntries(ingress, true)).toEqual(["public"]));
    it("on another stack's load balancers, every entry it serves", () =>
        expect(sniEntries(ingress, false)).toEqual(["public", "internal"]));
    it("egress opens each private subnet on the one port", () =>
        expect(egressTo(["10.30.0.0/18", "10.30.64.0/18"], 5432)).toEqual([
            { cidr: "10.30.0.0/18", ports: [5432] },
            { cidr: "10.30.64.0/18", ports: [5432] },
        ]));
});

describe("the app's composed secret env", () => {
    it("may not also be set as plain env or configured secret env", async () => {
        const { railsAppProblems } = await import("../../../components/app/railsAppArgs");
        const app = { ...stackValues("prod")["capstan:app"], env: { REDIS_URL: "x" }, secretEnv: ["DATABASE_URL"] };
        expect(railsAppProblems({ app, extraSecretEnv: { DATABASE_URL: "a", REDIS_URL: "b", OTHER: "c" } })).toEqual([
            "extraSecretEnv.DATABASE_URL: is also in app.secretEnv",
            "extraSecretEnv.REDIS_URL: is also a plain variable",
        ]);
    });
});
