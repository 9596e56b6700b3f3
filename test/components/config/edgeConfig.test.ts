/**
 * capstan:edge.cdn and capstan:app.assets: what is accepted, and each CloudFront or WAF limit a
 * config could pass, refused before anything is declared with the key path, the value and the fix.
 */
import { describe, expect, it } from "vitest";
import { problemsOf } from "../../harness";

type Root = Record<string, any>;

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0d8c2a4e-1b3f-4a5c-9e7d-6f8a0b1c2d3e";
const withCdn =
    (cdn: Root = {}, more: (r: Root) => void = () => undefined) =>
    (r: Root) => {
        r.edge = { cdn: { certificateArn: CERT, ...cdn } };
        more(r);
    };
const paths = (stack: string, mutate: (r: Root) => void) => problemsOf(stack, mutate).map((p) => p.path);

describe("capstan:edge.cdn", () => {
    it.each(["staging", "prod", "tenant-acme"])("%s with the CDN's defaults is valid", (stack) => {
        expect(problemsOf(stack, withCdn())).toEqual([]);
    });

    it("refuses a viewer certificate outside us-east-1, naming the region CloudFront reads", () => {
        const problems = problemsOf("prod", withCdn({ certificateArn: CERT.replace("us-east-1", "eu-central-1") }));
        expect(problems).toEqual([
            expect.objectContaining({
                path: "capstan:edge.cdn.certificateArn",
                message: expect.stringMatching(/is in eu-central-1.*us-east-1 only/),
            }),
        ]);
    });

    it("refuses more than 100 aliases (the public hosts) per distribution", () => {
        const hosts = Array.from({ length: 101 }, (_, i) => `h${i}.example.com`);
        const ok = hosts.slice(0, 100);
        expect(
            paths(
                "staging",
                withCdn({}, (r) => (r.ingress.public.hosts = ok)),
            ),
        ).toEqual([]);
        expect(
            paths(
                "staging",
                withCdn({}, (r) => (r.ingress.public.hosts = hosts)),
            ),
        ).toContain("capstan:ingress.public.hosts");
        // Without the CDN the limit does not apply.
        expect(paths("staging", (r) => (r.ingress.public.hosts = hosts))).not.toContain("capstan:ingress.public.hosts");
    });

    it("refuses more than 75 cache behaviours, the default one counted", () => {
        const prefixes = (n: number) => Array.from({ length: n }, (_, i) => `/a${i}/`);
        const setup = (n: number) =>
            withCdn({ assetBehaviors: prefixes(n).map((p) => `${p}*`) }, (r) => {
                r.app.assets = {
                    urlPrefixes: prefixes(n),
                    paths: prefixes(n).map((p) => `/rails/public${p.slice(0, -1)}`),
                };
            });
        expect(paths("staging", setup(74))).toEqual([]);
        const problems = problemsOf("staging", setup(75));
        expect(problems).toEqual([
            expect.objectContaining({
                path: "capstan:edge.cdn.assetBehaviors",
                message: expect.stringContaining("76 cache behaviours"),
            }),
        ]);
    });

    it.each([
        ["/assets/*.css", "URL prefix"],
        ["assets/*", "URL prefix"],
        ["/as sets/*", "path pattern"],
        ["/assets/<x>/*", "path pattern"],
        [`/${"a".repeat(255)}/*`, "longer than 255"],
    ])("refuses the asset behaviour %j (%s)", (pattern, message) => {
        const problems = problemsOf("staging", withCdn({ assetBehaviors: [pattern] }));
        expect(
            problems.some((p) => p.path === "capstan:edge.cdn.assetBehaviors[0]" && p.message.includes(message)),
        ).toBe(true);
    });

    it.each(["Host", "cookie", "X-Amz-Secret", "x-edge-origin", "Proxy-Authenticate", "Via", "Transfer-Encoding"])(
        "refuses %s as the origin header, which CloudFront will not add",
        (name) => {
            expect(problemsOf("staging", withCdn({ originHeader: { name } }))).toEqual([
                expect.objectContaining({
                    path: "capstan:edge.cdn.originHeader.name",
                    message: expect.stringContaining("CloudFront refuses"),
                }),
            ]);
        },
    );

    it("accepts an origin header name up to 256 characters, refuses a longer one", () => {
        const name = (n: number) => `X-${"a".repeat(n - 2)}`;
        expect(paths("staging", withCdn({ originHeader: { name: name(256) } }))).toEqual([]);
        expect(paths("staging", withCdn({ originHeader: { name: name(257) } }))).toContain(
            "capstan:edge.cdn.originHeader.name",
        );
    });

    it("refuses a web ACL past 1500 WCUs, with the sum and the groups", () => {
        const fits = {
            AWSManagedRulesCommonRuleSet: "block",
            AWSManagedRulesSQLiRuleSet: "count",
            AWSManagedRulesLinuxRuleSet: "count",
            AWSManagedRulesKnownBadInputsRuleSet: "count",
            AWSManagedRulesAnonymousIpList: "count",
            AWSManagedRulesAmazonIpReputationList: "count",
            AWSManagedRulesUnixRuleSet: "count",
        };
        // 700 + 200 + 200 + 200 + 50 + 25 + 100 + 2 = 1477
        expect(paths("prod", withCdn({ waf: { ruleGroups: fits } }))).toEqual([]);
        const over = { ...fits, AWSManagedRulesPHPRuleSet: "count" }; // 1577
        expect(problemsOf("prod", withCdn({ waf: { ruleGroups: over } }))).toEqual([
            expect.objectContaining({
                path: "capstan:edge.cdn.waf.ruleGroups",
                message: expect.stringContaining("need 1577 WCUs"),
            }),
        ]);
    });

    it("refuses a rule group mode other than count or block, and an unknown group", () => {
        const p = paths("prod", withCdn({ waf: { ruleGroups: { AWSManagedRulesCommonRuleSet: "allow" } } }));
        expect(p).toContain("capstan:edge.cdn.waf.ruleGroups.AWSManagedRulesCommonRuleSet");
        expect(paths("prod", withCdn({ waf: { ruleGroups: { MyOwnRules: "block" } } })).length).toBeGreaterThan(0);
    });

    it("refuses the CDN with observability off (its logs need the retention)", () => {
        expect(
            paths(
                "staging",
                withCdn({}, (r) => (r.observability = { enabled: false })),
            ),
        ).toContain("capstan:edge.cdn");
    });
});

describe("capstan:app.assets", () => {
    it("defaults to the Rails folders, three releases and thirty days", () => {
        expect(problemsOf("staging", () => undefined)).toEqual([]);
    });

    it.each([
        [{ paths: ["rails/public/assets"], urlPrefixes: ["/assets/"] }, "capstan:app.assets.paths[0]"],
        [{ urlPrefixes: ["assets/", "/packs/"] }, "capstan:app.assets.urlPrefixes[0]"],
        [{ urlPrefixes: ["/assets", "/packs/"] }, "capstan:app.assets.urlPrefixes[0]"],
        [{ urlPrefixes: ["/assets/", "/assets/js/"] }, "capstan:app.assets.urlPrefixes[1]"],
        [{ paths: ["/rails/public/assets"] }, "capstan:app.assets.urlPrefixes"],
        [{ keepReleases: 1 }, "capstan:app.assets.keepReleases"],
        [{ uploaderImage: "amazon/aws-cli" }, "capstan:app.assets.uploaderImage"],
        [{ uploaderImage: "amazon/aws-cli:latest" }, "capstan:app.assets.uploaderImage"],
        [{ uploaderImage: "registry.example.com:5000/aws-cli" }, "capstan:app.assets.uploaderImage"],
    ])("refuses %j at %s", (assets, path) => {
        expect(paths("staging", (r) => (r.app.assets = assets))).toContain(path);
    });

    it.each(["registry.example.com:5000/aws-cli:2.27.50", `amazon/aws-cli@sha256:${"0123456789abcdef".repeat(4)}`])(
        "accepts the uploader image %s, pinned by a tag or a digest",
        (uploaderImage) => {
            expect(paths("staging", (r) => (r.app.assets = { uploaderImage }))).toEqual([]);
        },
    );

    it("takes a bucket of an S3-compatible store without the CDN, and refuses one beside it or its keys without it", () => {
        const store = {
            bucket: "capstan-local-assets",
            keyPrefix: "staging/app",
            endpointUrl: "https://s3.example.com",
        };
        expect(problemsOf("local", (r) => (r.app.assets = store))).toEqual([]);
        expect(
            paths(
                "staging",
                withCdn({}, (r) => (r.app.assets = store)),
            ),
        ).toEqual(["capstan:app.assets.bucket"]);
        expect(
            paths("local", (r) => (r.app.assets = { keyPrefix: "a", endpointUrl: "https://s3.example.com" })),
        ).toEqual(["capstan:app.assets.keyPrefix", "capstan:app.assets.endpointUrl"]);
        expect(paths("local", (r) => (r.app.assets = { bucket: "Capstan_Assets", keyPrefix: "/a/" }))).toEqual([
            "capstan:app.assets.bucket",
            "capstan:app.assets.keyPrefix",
        ]);
    });

    it("counts the assets Job's pod in a tenant's quota", () => {
        const needed = (cdn: boolean) => {
            const [p] = problemsOf("tenant-acme", (r) => {
                r.tenant.quota = { ...r.tenant.quota, pods: 1 };
                if (cdn) withCdn()(r);
            }).filter((x) => x.path === "capstan:tenant.quota.pods");
            return { pods: Number(/less than the (\d+) pods/.exec(p.message)?.[1]), message: p.message };
        };
        const plain = needed(false);
        const cdn = needed(true);
        expect(cdn.pods).toBe(plain.pods + 1);
        expect(cdn.message).toContain("the migration and assets Jobs;");
        expect(plain.message).not.toContain("assets");
    });

    it("requires the CDN's asset behaviours and the URL prefixes to agree, both ways", () => {
        const missing = problemsOf("staging", withCdn({ assetBehaviors: ["/assets/*"] }));
        expect(missing).toEqual([
            expect.objectContaining({
                path: "capstan:edge.cdn.assetBehaviors",
                message: expect.stringContaining('no "/packs/*"'),
            }),
        ]);
        const extra = problemsOf("staging", withCdn({ assetBehaviors: ["/assets/*", "/packs/*", "/fonts/*"] }));
        expect(extra).toEqual([
            expect.objectContaining({
                path: "capstan:edge.cdn.assetBehaviors",
                message: expect.stringContaining('"/fonts/*" serves'),
            }),
        ]);
    });
});
