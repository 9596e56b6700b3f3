/**
 * capstan:edge.cdn on the render: the distribution's exact behaviours and policies, the bucket that
 * admits only it, the origin locked to CloudFront, the secret origin header the public
 * VirtualServers require, and what turning the CDN on changes in an existing stack.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { CLOUDFRONT_ORIGIN_FACING } from "../../../components/aws/cdnArgs";
import { diffPlans } from "../../../scripts/render/diff";
import type { Rendered } from "../../harness";
import { ofType, render, stackValues } from "../../harness";

type Any = any;
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0d8c2a4e-1b3f-4a5c-9e7d-6f8a0b1c2d3e";
const withCdn = (stack: string, cdn: Record<string, unknown> = {}) =>
    render(stack, { overrides: { "capstan:edge": { cdn: { certificateArn: CERT, ...cdn } } } });
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
/** Inputs with Pulumi's secret wrappers taken off, to read what the engine would send. */
const unwrapped = (v: Any): Any => {
    if (Array.isArray(v)) return v.map(unwrapped);
    if (v && typeof v === "object") {
        if (SECRET_SIG in v) return unwrapped(v.value);
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapped(x)]));
    }
    return v;
};
const inputsOf = (r: Rendered, type: string): Any[] => ofType(r.result.resources, type).map((x) => unwrapped(x.inputs));
const one = (r: Rendered, type: string): Any => {
    const found = inputsOf(r, type);
    expect(found, type).toHaveLength(1);
    return found[0];
};
const CDN_TYPES = /^aws:(cloudfront|wafv2)\/|LogDelivery/;

let plain: Rendered;
let on: Rendered;
beforeAll(async () => {
    plain = await render("prod");
    on = await withCdn("prod", { waf: { ruleGroups: { AWSManagedRulesCommonRuleSet: "block" } } });
}, 120_000);

describe("the distribution", () => {
    it("sends the app's requests to the public load balancer over HTTPS, uncached, with every viewer header, cookie and query string", () => {
        const d = one(on, "aws:cloudfront/distribution:Distribution");
        const lb = ofType(on.result.resources, "aws:lb/loadBalancer:LoadBalancer").find(
            (r) => !(r.inputs as Any).internal,
        )!;
        const app = d.origins.find((o: Any) => o.originId === "app");
        expect(app.customOriginConfig).toMatchObject({
            originProtocolPolicy: "https-only",
            httpsPort: 443,
            originSslProtocols: ["TLSv1.2"],
        });
        expect(app.domainName).toBe((lb as Any).state.dnsName);
        expect(d.defaultCacheBehavior).toEqual({
            targetOriginId: "app",
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
            cachedMethods: ["GET", "HEAD"],
            cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", // CachingDisabled
            originRequestPolicyId: "216adef6-5c7f-47e4-b989-5492eafa07d3", // AllViewer
            compress: true,
        });
        expect(d).toMatchObject({ httpVersion: "http2and3", isIpv6Enabled: true, enabled: true });
    });

    it("serves each asset pattern from the bucket through Origin Access Control, cached a year, with CORS for the public hosts", () => {
        const d = one(on, "aws:cloudfront/distribution:Distribution");
        const assets = d.origins.find((o: Any) => o.originId === "assets");
        expect(assets.originAccessControlId).toBeTruthy();
        expect(assets.domainName).toMatch(/^phraseapp-assets-.*\.s3\.eu-central-1\.amazonaws\.com$/);
        expect(
            d.orderedCacheBehaviors.map((b: Any) => [b.pathPattern, b.targetOriginId, b.viewerProtocolPolicy]),
        ).toEqual([
            ["/assets/*", "assets", "redirect-to-https"],
            ["/packs/*", "assets", "redirect-to-https"],
        ]);
        const cache = one(on, "aws:cloudfront/cachePolicy:CachePolicy");
        expect([cache.minTtl, cache.defaultTtl, cache.maxTtl]).toEqual([31536000, 31536000, 31536000]);
        const cors = one(on, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy").corsConfig;
        expect(cors.accessControlAllowOrigins.items).toEqual(["https://app.example.com", "https://www.example.com"]);
        expect(cors.accessControlAllowMethods.items).toEqual(["GET", "HEAD", "OPTIONS"]);
        const oac = one(on, "aws:cloudfront/originAccessControl:OriginAccessControl");
        expect(oac).toMatchObject({
            originAccessControlOriginType: "s3",
            signingBehavior: "always",
            signingProtocol: "sigv4",
        });
    });

    it("answers for the public hosts with the us-east-1 certificate and the configured TLS floor", () => {
        const d = one(on, "aws:cloudfront/distribution:Distribution");
        expect(d.aliases).toEqual(stackValues("prod")["capstan:ingress"].public.hosts);
        expect(d.viewerCertificate).toEqual({
            acmCertificateArn: CERT,
            sslSupportMethod: "sni-only",
            minimumProtocolVersion: "TLSv1.2_2021",
        });
    });

    it("forwards the viewer's Host, so the load balancer's certificate is checked against the same public hosts it covers", () => {
        // AllViewer forwards Host: CloudFront then checks the origin's certificate against the
        // viewer's Host (one of the aliases), not against the load balancer's DNS name.
        const d = one(on, "aws:cloudfront/distribution:Distribution");
        expect(d.defaultCacheBehavior.originRequestPolicyId).toBe("216adef6-5c7f-47e4-b989-5492eafa07d3");
        const listener = ofType(on.result.resources, "aws:lb/listener:Listener").find(
            (l) => (l.inputs as Any).port === 443 && l.name.includes("-public-"),
        )!;
        const publicCert = stackValues("prod")["capstan:ingress"].public.certificateArn;
        expect((listener.inputs as Any).certificateArn).toBe(publicCert);
        // The stack's own certificate (capstan:dns), also attached to the listener, names every alias.
        const cert = ofType(on.result.resources, "aws:acm/certificate:Certificate")[0].inputs as Any;
        const names = [cert.domainName, ...(cert.subjectAlternativeNames ?? [])];
        for (const alias of d.aliases) expect(names).toContain(alias);
        const attached = ofType(on.result.resources, "aws:lb/listenerCertificate:ListenerCertificate").map(
            (c) => (c.inputs as Any).listenerArn,
        );
        expect(attached.length).toBeGreaterThan(0);
    });

    it("admits only this distribution to the bucket (its ARN as AWS:SourceArn), over TLS", () => {
        const d = ofType(on.result.resources, "aws:cloudfront/distribution:Distribution")[0];
        const policies = ofType(on.result.resources, "aws:s3/bucketPolicy:BucketPolicy").filter((p) =>
            p.name.endsWith("-cdn-assets"),
        );
        expect(policies).toHaveLength(1);
        const policy = JSON.parse((policies[0].inputs as Any).policy);
        const distributionArn = (on.result.resources.find((r) => r.urn === d.urn) as Any).outputs?.arn;
        const allow = policy.Statement.filter((s: Any) => s.Effect === "Allow");
        expect(allow).toEqual([
            {
                Sid: "ThisDistributionReads",
                Effect: "Allow",
                Principal: { Service: "cloudfront.amazonaws.com" },
                Action: "s3:GetObject",
                Resource: expect.stringMatching(/^arn:aws:s3:::phraseapp-assets-[^/]+\/\*$/),
                Condition: {
                    StringEquals: {
                        "AWS:SourceArn": expect.stringMatching(/^arn:aws:cloudfront::\d{12}:distribution\/E/),
                    },
                },
            },
        ]);
        if (distributionArn) expect(allow[0].Condition.StringEquals["AWS:SourceArn"]).toBe(distributionArn);
        const bucketSettings = ofType(
            on.result.resources,
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        ).filter((b) => b.name.includes("-assets"));
        expect(bucketSettings.map((b) => b.inputs)).toEqual([
            expect.objectContaining({ blockPublicPolicy: true, restrictPublicBuckets: true }),
        ]);
    });

    it("runs the managed rule groups in their modes and a rate rule, logging to CloudWatch with the stack's retention", async () => {
        const acl = one(on, "aws:wafv2/webAcl:WebAcl");
        expect(acl.scope).toBe("CLOUDFRONT");
        expect(acl.rules.map((r: Any) => [r.name, r.overrideAction ?? r.action])).toEqual([
            ["rate-per-client-ip", { block: {} }],
            ["AWSManagedRulesCommonRuleSet", { none: {} }],
        ]);
        const counted = one(await withCdn("prod", { waf: {} }), "aws:wafv2/webAcl:WebAcl");
        expect(counted.rules.slice(1).map((r: Any) => r.overrideAction)).toEqual(Array(4).fill({ count: {} }));
        const groups = ofType(on.result.resources, "aws:cloudwatch/logGroup:LogGroup").map((g) => g.inputs as Any);
        const retention = stackValues("prod")["capstan:observability"]?.logRetentionDays ?? 30;
        expect(groups.find((g) => g.name === "aws-waf-logs-capstan-prod")).toMatchObject({
            retentionInDays: retention,
        });
        expect(groups.find((g) => g.name === "/capstan/capstan-prod/cdn/phraseapp")).toMatchObject({
            retentionInDays: retention,
        });
        expect(one(on, "aws:cloudwatch/logDeliverySource:LogDeliverySource")).toMatchObject({ logType: "ACCESS_LOGS" });
    });
});

describe("only CloudFront reaches the origin", () => {
    const publicRules = (r: Rendered) =>
        ofType(r.result.resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
            .filter((x) => /-public-lb-/.test(x.name))
            .map((x) => x.inputs as Any);

    it("once locked, the public load balancer admits only CloudFront's origin-facing prefix list, on 443", () => {
        expect(publicRules(on)).toEqual([
            expect.objectContaining({
                prefixListId: `pl-[${CLOUDFRONT_ORIGIN_FACING}]`,
                fromPort: 443,
                toPort: 443,
                ipProtocol: "tcp",
            }),
        ]);
        expect(publicRules(plain).map((r) => [r.cidrIpv4, r.fromPort])).toEqual([
            ["0.0.0.0/0", 80],
            ["0.0.0.0/0", 443],
        ]);
    });

    it.each(["prepare", "dns"])(
        "before the switch-over (%s) the origin stays open and no header is required",
        async (switchOver) => {
            const r = await withCdn("prod", { switchOver });
            expect(publicRules(r).map((x) => x.cidrIpv4)).toEqual(["0.0.0.0/0", "0.0.0.0/0"]);
            expect(r.files["manifests.yaml"]).not.toContain("code: 403");
        },
    );

    it("DNS names the distribution from the dns step on, the load balancer before it", async () => {
        const target = (r: Rendered) =>
            ofType(r.result.resources, "aws:route53/record:Record")
                .filter((x) => (x.inputs as Any).name === "app.example.com")
                .map((x) => (x.inputs as Any).aliases[0]);
        expect(target(on)).toEqual([
            expect.objectContaining({ zoneId: "Z2FDTNDATAQYW2", evaluateTargetHealth: false }),
        ]);
        expect(target(await withCdn("prod", { switchOver: "prepare" }))).toEqual(target(plain));
    });

    it("the public VirtualServers pass a request only with the secret header and refuse others with 403; the internal one is unchanged", () => {
        const servers = inputsOf(on, "kubernetes:k8s.nginx.org/v1:VirtualServer");
        const pub = servers.filter((v) => v.metadata.name.includes("-public-"));
        const internal = servers.filter((v) => v.metadata.name.includes("-internal-"));
        expect(pub.length).toBeGreaterThan(0);
        for (const v of pub) {
            const route = v.spec.routes[0];
            expect(route.action).toEqual({ return: { code: 403, type: "text/plain", body: "Forbidden" } });
            for (const m of route.matches)
                expect(m.conditions).toContainEqual({ header: "X-Origin-Verify", value: expect.anything() });
        }
        const before = inputsOf(plain, "kubernetes:k8s.nginx.org/v1:VirtualServer");
        expect(internal).toEqual(before.filter((v) => v.metadata.name.includes("-internal-")));
    });

    it("never writes the generated secret to a rendered file or a plain output", () => {
        const text = on.files["plan.json"] + on.files["manifests.yaml"];
        expect(text).not.toMatch(/mockgenerated/);
        expect(JSON.stringify(on.result.outputs)).not.toMatch(/mockgenerated/);
    });

    it("accepts the neighbouring generation during a rotation, and only the sent one otherwise", async () => {
        const accepted = (r: Rendered) =>
            ofType(r.result.resources, "random:index/randomPassword:RandomPassword")
                .map((p) => p.name)
                .filter((n) => n.includes("-origin-"))
                .sort();
        expect(accepted(on)).toEqual(["phraseapp-origin-g1"]);
        expect(accepted(await withCdn("prod", { originHeader: { generation: 1, acceptNext: true } }))).toEqual([
            "phraseapp-origin-g1",
            "phraseapp-origin-g2",
        ]);
        expect(accepted(await withCdn("prod", { originHeader: { generation: 2, acceptPrevious: true } }))).toEqual([
            "phraseapp-origin-g1",
            "phraseapp-origin-g2",
        ]);
    });
});

describe("an existing stack", () => {
    it.each(["staging", "prod", "tenant-acme", "local"])(
        "%s without edge.cdn declares no CDN resource, and app.assets changes nothing",
        async (stack) => {
            const r = stack === "prod" ? plain : await render(stack);
            expect(
                r.result.resources.filter((x) => CDN_TYPES.test(x.type) || /-(origin|assets)\b/.test(x.name)),
            ).toEqual([]);
            const values = stackValues(stack)["capstan:app"];
            const other = await render(stack, {
                overrides: {
                    "capstan:app": {
                        ...values,
                        assets: { paths: ["/srv/public/a"], urlPrefixes: ["/a/"], keepReleases: 7, retainDays: 3 },
                    },
                },
            });
            expect(other.files).toEqual(r.files);
        },
    );

    it("turning the CDN on replaces no load balancer, node group or workload, and removes only the open listener rules", () => {
        const diff = diffPlans(plain.plan, on.plan);
        expect(diff.replace.map((c) => c.after.urn)).toEqual([]);
        const deleted = diff.delete.map((d) => d.urn.split("::").pop());
        expect(deleted.sort()).toEqual(["capstan-prod-public-lb-443-0", "capstan-prod-public-lb-80-0"]);
        const records = /route53\/record:Record$|k8s\.nginx\.org\/v1:VirtualServer$/;
        // The workloads change only in what they wait for: the new assets Jobs, no input.
        const workloads = diff.update.filter((c) => !records.test(c.after.type));
        expect(workloads.map((c) => c.after.type)).toEqual(
            expect.arrayContaining(["kubernetes:apps/v1:Deployment", "kubernetes:batch/v1:CronJob"]),
        );
        for (const c of workloads) {
            expect([c.after.type, c.paths.filter((p) => !/^dependsOn(\[|$)/.test(p))]).toEqual([c.after.type, []]);
            expect(c.after.dependsOn.filter((d) => !c.before.dependsOn.includes(d))).toEqual([
                expect.stringMatching(/AssetsJob\$kubernetes:batch\/v1:Job::phraseapp-(canary-)?assets-upload$/),
            ]);
        }
    });
});
