/**
 * A full tenant stack from one stack file: the committed tenant-acme, scaffolded from prod, renders
 * with its own database, cache, records and certificate on prod's load balancers, and its app gets
 * their URLs as secrets, with its egress open to exactly those endpoints.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { AWS_NAME_LIMITS, isAwsName } from "../../../components/aws/names";
import { parsePlatformExports } from "../../../components/platform/exports";
import { renderStack } from "../../../scripts/render/render";
import { isSecretValue } from "../../../scripts/render/secret";
import { tenantCli } from "../../../scripts/commands/tenant";
import {
    capstanProgram,
    ofType,
    PROJECT_DIR,
    render,
    stackValues,
    type RecordedResource,
    type Rendered,
} from "../../harness";

type Any = Record<string, any>;
const inputs = (r: RecordedResource) => r.inputs as Any;
const unwrap = (v: unknown) => (isSecretValue(v) ? v.value : v);

/** A throwaway copy of the project's stack files, for scaffolds. */
function scratch(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-full-tenant-"));
    for (const f of fs.readdirSync(PROJECT_DIR).filter((f) => /^Pulumi\..*ya?ml$/.test(f) || f === "Pulumi.yaml"))
        fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(dir, f));
    return dir;
}

function scaffold(dir: string, name: string) {
    let stderr = "";
    const code = tenantCli(["new", name, "--from", "prod", "--org", "acme-corp"], {
        dir,
        stdout: () => {},
        stderr: (t) => (stderr += t),
    });
    return { code, stderr };
}

describe("the committed tenant acme, scaffolded from prod", () => {
    let tenant: Rendered;
    let prod: Rendered;
    beforeAll(async () => {
        tenant = await render("tenant-acme");
        prod = await render("prod");
    });
    const of = (r: Rendered, type: string) => ofType(r.result.resources, type);
    const platform = () => prod.result.outputs.platform as Any;

    it("has prod's database, cache and dns settings", () => {
        const [acme, source] = [stackValues("tenant-acme"), stackValues("prod")];
        for (const key of ["capstan:database", "capstan:cache", "capstan:dns"])
            expect(acme[key], key).toEqual(source[key]);
    });

    it("renders its own database, cache, host records, certificate and listener attachments, and nothing of prod's", () => {
        expect(of(tenant, "aws:rds/cluster:Cluster")).toHaveLength(1);
        expect(of(tenant, "aws:rds/clusterInstance:ClusterInstance")).toHaveLength(2);
        expect(of(tenant, "aws:elasticache/replicationGroup:ReplicationGroup")).toHaveLength(1);
        expect(of(tenant, "aws:acm/certificateValidation:CertificateValidation")).toHaveLength(1);
        for (const t of [
            "aws:ec2/vpc:Vpc",
            "aws:ec2/subnet:Subnet",
            "aws:lb/loadBalancer:LoadBalancer",
            "aws:lb/listener:Listener",
            "aws:eks/cluster:Cluster",
        ])
            expect(of(tenant, t), t).toEqual([]);
        expect(inputs(of(tenant, "aws:rds/cluster:Cluster")[0]).clusterIdentifier).toBe("capstan-tenant-acme");
    });

    it("places its database and cache in prod's private subnets, open to prod's nodes", () => {
        const net = platform().network;
        expect(inputs(of(tenant, "aws:rds/subnetGroup:SubnetGroup")[0]).subnetIds).toEqual(net.privateSubnetIds);
        expect(inputs(of(tenant, "aws:elasticache/subnetGroup:SubnetGroup")[0]).subnetIds).toEqual(
            net.privateSubnetIds,
        );
        const rules = of(tenant, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(inputs);
        expect(rules.map((r) => [r.referencedSecurityGroupId, r.fromPort])).toEqual([
            [net.nodeSecurityGroupId, 5432],
            [net.nodeSecurityGroupId, 6379],
        ]);
        expect(of(tenant, "aws:rds/clusterInstance:ClusterInstance").map((i) => inputs(i).availabilityZone)).toEqual(
            net.availabilityZones.slice(0, 2),
        );
    });

    it("points each of its hosts at the prod load balancer of its entry, and adds its certificate to prod's TLS listeners", () => {
        const acme = stackValues("tenant-acme")["capstan:ingress"];
        const records = of(tenant, "aws:route53/record:Record")
            .map(inputs)
            .filter((r) => r.type === "A");
        expect(records.map((r) => [r.name, r.aliases[0].name, r.aliases[0].zoneId])).toEqual([
            ...acme.public.hosts.map((h: string) => [
                h,
                platform().entries.public.dnsName,
                platform().entries.public.zoneId,
            ]),
            ...acme.internal.hosts.map((h: string) => [
                h,
                platform().entries.internal.dnsName,
                platform().entries.internal.zoneId,
            ]),
        ]);
        const validated = of(tenant, "aws:acm/certificateValidation:CertificateValidation")[0].state.certificateArn;
        const attached = of(tenant, "aws:lb/listenerCertificate:ListenerCertificate").map(inputs);
        expect(attached).toEqual([
            { listenerArn: platform().entries.public.tlsListenerArn, certificateArn: validated },
            { listenerArn: platform().entries.internal.tlsListenerArn, certificateArn: validated },
        ]);
        // Those ARNs are prod's real listeners, not a guess.
        const prodTls = of(prod, "aws:lb/listener:Listener")
            .filter((l) => inputs(l).port === 443)
            .map((l) => l.state.arn);
        for (const a of attached) expect(prodTls).toContain(a.listenerArn);
        expect(inputs(of(tenant, "aws:acm/certificate:Certificate")[0]).domainName).toBe("acme.example.com");
    });

    it("hands its app DATABASE_URL and REDIS_URL as secrets, pointing at its own database and cache", () => {
        const s = of(tenant, "kubernetes:core/v1:Secret").find((x) => x.name.startsWith("phraseapp-env-secret"))!;
        expect(isSecretValue(inputs(s).stringData)).toBe(true);
        const data = unwrap(inputs(s).stringData) as Record<string, string>;
        expect(Object.keys(data).sort()).toEqual(["DATABASE_URL", "REDIS_URL", "SECRET_KEY_BASE"]);
        expect(new URL(data.DATABASE_URL).host).toBe(
            `${of(tenant, "aws:rds/cluster:Cluster")[0].state.endpoint as string}:5432`,
        );
        expect(new URL(data.REDIS_URL).host).toBe(
            `${of(tenant, "aws:elasticache/replicationGroup:ReplicationGroup")[0].state.primaryEndpointAddress as string}:6379`,
        );
        expect(new URL(data.REDIS_URL).protocol).toBe("rediss:");
        const manifest = (tenant.manifests as Any[]).find((o) => o.kind === "Secret");
        expect(manifest?.stringData).toEqual({
            DATABASE_URL: "[secret]",
            REDIS_URL: "[secret]",
            SECRET_KEY_BASE: "[secret]",
        });
    });

    it("opens its egress to exactly prod's private subnets on the database and cache ports, besides its configured egress", () => {
        const policy = of(tenant, "kubernetes:networking.k8s.io/v1:NetworkPolicy").find(
            (p) => inputs(p).metadata.name === "allow-egress",
        )!;
        const egress = inputs(policy).spec.egress.map((e: Any) => [
            e.to[0].ipBlock.cidr,
            e.ports.map((p: Any) => p.port),
        ]);
        const cidrs: string[] = platform().network.privateSubnetCidrs;
        expect(cidrs).toHaveLength(3);
        expect(egress).toEqual([
            ["0.0.0.0/0", [443]],
            ...cidrs.map((c) => [c, [5432]]),
            ...cidrs.map((c) => [c, [6379]]),
        ]);
    });

    it("writes neither generated credential into its rendered files", () => {
        const generated = of(tenant, "random:index/randomPassword:RandomPassword").map((p) => String(p.state.result));
        expect(generated).toHaveLength(2);
        for (const g of generated) for (const text of Object.values(tenant.files)) expect(text).not.toContain(g);
    });
});

describe("a tenant with a long name", () => {
    it("gets identifiers within RDS's and ElastiCache's limits", async () => {
        const dir = scratch();
        // The longest name the app's bucket allows ("phraseapp-<name>-bucket" plus Pulumi's suffix).
        const name = "t".repeat(38);
        expect(scaffold(dir, name).code).toBe(0);
        const r = await renderStack(`tenant-${name}`, {
            dir,
            program: capstanProgram(),
            secrets: { "capstan:appSecrets": { SECRET_KEY_BASE: "x" } },
        });
        const ids = [
            ...ofType(r.result.resources, "aws:rds/cluster:Cluster").map((c) => [
                inputs(c).clusterIdentifier,
                AWS_NAME_LIMITS.rdsIdentifier,
            ]),
            ...ofType(r.result.resources, "aws:rds/clusterInstance:ClusterInstance").map((c) => [
                inputs(c).identifier,
                AWS_NAME_LIMITS.rdsIdentifier,
            ]),
            ...ofType(r.result.resources, "aws:elasticache/replicationGroup:ReplicationGroup").map((c) => [
                inputs(c).replicationGroupId,
                AWS_NAME_LIMITS.elastiCacheReplicationGroup,
            ]),
        ] as [string, number][];
        expect(ids).toHaveLength(4);
        for (const [id, max] of ids) expect(isAwsName(id, max), `${id} within ${max}`).toBe(true);
        expect(ids.map(([id]) => id).some((id) => id.length === AWS_NAME_LIMITS.elastiCacheReplicationGroup)).toBe(
            true,
        );
    });

    it("is refused when its hosts are too long for the certificate's first name, naming the key", () => {
        const dir = scratch();
        const { code, stderr } = scaffold(dir, "t".repeat(53));
        expect(code).toBe(1);
        expect(stderr).toContain("capstan:ingress.public.hosts");
        expect(stderr).toContain("ACM allows 64");
    });
});

describe("what a tenant reads of its owner", () => {
    const prodPlatform = async () => (await render("prod")).result.outputs.platform;

    it("accepts prod's platform output", async () => {
        expect(parsePlatformExports(await prodPlatform(), true).problem).toBeUndefined();
    });

    it.each<[string, (p: Any) => void, RegExp]>([
        ["no platform output", (p) => delete p.network, /exports no platform output/],
        ["a network without subnets", (p) => delete p.network.privateSubnetIds, /another shape/],
        [
            "no internal load balancer for an internal entry",
            (p) => delete p.entries.internal,
            /no internal load balancer/,
        ],
    ])("refuses %s, saying what is missing", async (_what, mutate, message) => {
        const p = structuredClone(await prodPlatform()) as Any;
        mutate(p);
        expect(parsePlatformExports(p, true).problem).toMatch(message);
    });

    it("fails a tenant with a database when its owner exports no platform, and a tenant without one does not ask", async () => {
        const dir = scratch();
        // An owner rendered by an older Capstan: the same stack without the platform output.
        const files = path.join(dir, "Pulumi.tenant-acme.yaml");
        const values = YAML.parse(fs.readFileSync(files, "utf8"));
        const program = capstanProgram();
        const withoutPlatform = async () => {
            const out = (await program()) as Any;
            if (out && "platform" in out) delete out.platform;
            return out;
        };
        await expect(renderStack("tenant-acme", { dir, program: withoutPlatform })).rejects.toThrow(
            /acme-corp\/capstan\/prod exports no platform output/,
        );
        for (const key of ["capstan:database", "capstan:cache", "capstan:dns"]) delete values.config[key];
        values.config["capstan:app"].secretEnv = ["SECRET_KEY_BASE"];
        fs.writeFileSync(files, YAML.stringify(values));
        await expect(renderStack("tenant-acme", { dir, program: withoutPlatform })).resolves.toBeDefined();
    });
});
