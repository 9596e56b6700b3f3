/**
 * `cluster.mode: external`: a stack on a cluster this project neither creates nor reads from
 * another stack (Terraform's, eksctl's, a local control plane). It creates no AWS resource unless
 * the cluster's OIDC provider is given, and takes the ingress classes from config.
 */
import { describe, expect, it } from "vitest";
import { loadConfigOf, render, stackValues } from "../../harness";

const SECRETS = {
    "capstan:appSecrets": { DATABASE_URL: "postgres://db", SECRET_KEY_BASE: "k" },
    "capstan:basicAuthPasswords": { team: "pw" },
};

/** staging's app, on a cluster managed elsewhere. */
function external(
    cluster: Record<string, unknown>,
    change: (v: Record<string, any>) => void = () => {},
): Record<string, any> {
    const v = stackValues("staging");
    delete v["capstan:network"];
    delete v["capstan:nodeGroups"];
    delete v["capstan:appSecrets"];
    delete v["capstan:basicAuthPasswords"];
    v["capstan:cluster"] = { mode: "external", ...cluster };
    v["capstan:app"].queues = [];
    for (const entry of Object.values<any>(v["capstan:ingress"])) delete entry.certificateArn;
    change(v);
    return v;
}

const overridesOf = (values: Record<string, any>) => {
    const all: Record<string, unknown> = { ...values };
    for (const key of ["capstan:network", "capstan:nodeGroups", "capstan:appSecrets", "capstan:basicAuthPasswords"])
        if (!(key in values)) all[key] = undefined;
    return all;
};

describe("a stack on an external cluster", () => {
    it("creates no AWS resource without the cluster's OIDC provider, and reaches the cluster through the named context", async () => {
        const { plan } = await render("staging", {
            overrides: overridesOf(external({ context: "capstan-local" })),
            secrets: SECRETS,
        });
        expect(plan.resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
        const providers = plan.resources.filter((r) => r.type === "pulumi:providers:kubernetes");
        expect(providers).toHaveLength(1);
        expect(providers[0].inputs).toMatchObject({ context: "capstan-local" });
        expect(providers[0].inputs.kubeconfig).toBeUndefined();
        for (const r of plan.resources.filter((x) => x.type.startsWith("kubernetes:")))
            expect(r.provider, r.name).toBe(providers[0].urn);
        expect(plan.outputs.bucket).toBeUndefined();
    });

    it("routes with the ingress class names from config", async () => {
        const { manifests } = await render("staging", {
            overrides: overridesOf(
                external({ context: "ctx", ingressClasses: { public: "nginx-ext", internal: "nginx-vpn" } }),
            ),
            secrets: SECRETS,
        });
        const classes = manifests
            .filter((m) => m.kind === "VirtualServer")
            .map((m) => (m.spec as { ingressClassName: string }).ingressClassName);
        expect(classes.sort()).toEqual(["nginx-ext", "nginx-vpn"]);
    });

    it("creates the app's bucket, queues and IRSA role when the cluster's OIDC provider is given, trusting its issuer", async () => {
        const arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/ABCDEF0123456789";
        const { plan } = await render("staging", {
            overrides: overridesOf(
                external({ context: "ctx", oidcProviderArn: arn }, (v) => (v["capstan:app"].queues = ["mailers"])),
            ),
            secrets: SECRETS,
        });
        expect(
            plan.resources.filter((r) => r.type === "aws:s3/bucket:Bucket" || r.type === "aws:s3/bucketV2:BucketV2"),
        ).toHaveLength(1);
        const role = plan.resources.find((r) => r.type === "aws:iam/role:Role");
        const trust = JSON.stringify(role?.inputs.assumeRolePolicy);
        expect(trust).toContain(arn);
        expect(trust).toContain("oidc.eks.eu-central-1.amazonaws.com/id/ABCDEF0123456789:sub");
    });

    it("takes a secret kubeconfig instead of a context, and keeps it secret", async () => {
        const kubeconfig = "apiVersion: v1\nkind: Config\nclusters: []\n# s3cret-kubeconfig";
        const { plan } = await render("staging", {
            overrides: overridesOf(external({})),
            secrets: { ...SECRETS, "capstan:kubeconfig": kubeconfig },
        });
        const provider = plan.resources.find((r) => r.type === "pulumi:providers:kubernetes");
        expect(provider?.inputs.kubeconfig).toBe("[secret]");
        expect(JSON.stringify(plan)).not.toContain("s3cret-kubeconfig");
    });
});

describe("the config of an external cluster", () => {
    it.each([
        { what: "neither a context nor a kubeconfig", values: () => external({}), path: "capstan:cluster.context" },
        {
            what: "a network",
            values: () =>
                external({ context: "c" }, (v) => (v["capstan:network"] = stackValues("staging")["capstan:network"])),
            path: "capstan:network",
        },
        {
            what: "node groups",
            values: () =>
                external(
                    { context: "c" },
                    (v) => (v["capstan:nodeGroups"] = stackValues("staging")["capstan:nodeGroups"]),
                ),
            path: "capstan:nodeGroups",
        },
        {
            what: "queues but no OIDC provider",
            values: () => external({ context: "c" }, (v) => (v["capstan:app"].queues = ["mailers"])),
            path: "capstan:app.queues",
        },
        {
            what: "an internal entry but no internal class",
            values: () => external({ context: "c", ingressClasses: { public: "p" } }),
            path: "capstan:cluster.ingressClasses.internal",
        },
        {
            what: "an OIDC provider that is not one",
            values: () => external({ context: "c", oidcProviderArn: "arn:aws:iam::123456789012:role/x" }),
            path: "capstan:cluster.oidcProviderArn",
        },
        {
            what: "a database, which needs this project's network",
            values: () => external({ context: "c" }, (v) => (v["capstan:database"] = { engine: "postgres" })),
            path: "capstan:database",
        },
        {
            what: "a context on a cluster this stack creates",
            values: () => ({
                ...stackValues("staging"),
                "capstan:cluster": { ...stackValues("staging")["capstan:cluster"], context: "c" },
            }),
            path: "capstan:cluster.context",
        },
    ])("refuses $what, naming $path", async ({ values, path }) => {
        await expect(loadConfigOf(values(), SECRETS)).rejects.toSatisfy(
            (e: unknown) => (e as { problems?: { path: string }[] }).problems?.some((p) => p.path === path) === true,
        );
    });

    it("refuses a kubeconfig stored in plain text", async () => {
        await expect(
            loadConfigOf({ ...external({}), "capstan:kubeconfig": "apiVersion: v1" }, SECRETS),
        ).rejects.toSatisfy(
            (e: unknown) =>
                (e as { problems?: { path: string; message: string }[] }).problems?.some(
                    (p) => p.path === "capstan:kubeconfig" && p.message.includes("plain text"),
                ) === true,
        );
    });
});
