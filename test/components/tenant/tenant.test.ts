import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { StagingAccess } from "../../../components/app/stagingAccess";
import { AppData } from "../../../components/aws/appData";
import { tenantSchema } from "../../../components/config";
import { RESTRICTED_POD_SECURITY } from "../../../components/platform/access";
import { Tenant, tenantNetworkPolicies } from "../../../components/tenant";
import { isKubernetesObject } from "../../../scripts/render/plan";
import { ofType, runComponents, type RecordedResource } from "../../harness";

const NAMESPACE = "phraseapp-acme";
const INGRESS_NS = "nginx-ingress";
const DEFAULTS = tenantSchema.parse({ name: "acme" });

/** A tenant as its stack declares it: the namespace, and the app's parts that live in it. */
function tenantStack(egress = DEFAULTS.egress) {
    return runComponents(() => {
        const provider = new k8s.Provider("shared-cluster", { kubeconfig: pulumi.secret("apiVersion: v1") });
        const tenant = new Tenant(
            "acme",
            {
                tenant: "acme",
                namespace: NAMESPACE,
                quota: DEFAULTS.quota,
                limits: DEFAULTS.limits,
                ingressNamespace: INGRESS_NS,
                podSecurity: RESTRICTED_POD_SECURITY,
                egress,
            },
            { provider },
        );
        new StagingAccess(
            "phraseapp-acme-access",
            { namespace: tenant.namespaceName, users: ["team"], passwords: pulumi.secret({ team: "pw" }) },
            { provider },
        );
        new AppData("phraseapp-acme", {
            namespace: NAMESPACE,
            serviceAccountName: "phraseapp",
            queues: ["mailers"],
            oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/ABC",
            oidcIssuer: "oidc.eks.eu-central-1.amazonaws.com/id/ABC",
        });
        return { namespace: tenant.namespaceName };
    });
}

const meta = (r: RecordedResource) =>
    r.inputs.metadata as { name?: string; namespace?: string; labels?: Record<string, string> };
const spec = (r: RecordedResource) => r.inputs.spec as Record<string, any>;

describe("a tenant stays in its namespace", () => {
    it("puts every namespaced object in the tenant's namespace, and no cluster-scoped object but the Namespace", async () => {
        const { resources, outputs } = await tenantStack();
        expect(outputs.namespace).toBe(NAMESPACE);
        const objects = resources.filter(isKubernetesObject);
        expect(objects.length).toBeGreaterThan(5);
        const clusterScoped = objects.filter((r) => meta(r).namespace === undefined);
        expect(clusterScoped.map((r) => r.type)).toEqual(["kubernetes:core/v1:Namespace"]);
        expect(meta(clusterScoped[0]).name).toBe(NAMESPACE);
        for (const r of objects)
            if (r !== clusterScoped[0]) expect(meta(r).namespace, `${r.type} ${r.name}`).toBe(NAMESPACE);
    });

    it("sends every Kubernetes object to the shared cluster's provider, never an ambient kubeconfig", async () => {
        const { resources } = await tenantStack();
        const [provider] = ofType(resources, "pulumi:providers:kubernetes");
        for (const r of resources.filter(isKubernetesObject))
            expect(r.provider, `${r.type} ${r.name}`).toBe(provider.urn);
    });

    it("declares no network, cluster, node group or load balancer", async () => {
        const { resources } = await tenantStack();
        const shared = resources.filter(
            (r) =>
                /^aws:(ec2|eks|autoscaling|lb|elasticloadbalancing)/.test(r.type) ||
                r.type.startsWith("kubernetes:helm.sh/"),
        );
        expect(shared).toEqual([]);
    });

    it("labels the namespace for the restricted Pod Security Standard in enforce, warn and audit modes", async () => {
        const { resources } = await tenantStack();
        const [ns] = ofType(resources, "kubernetes:core/v1:Namespace");
        for (const mode of ["enforce", "warn", "audit"])
            expect(meta(ns).labels?.[`pod-security.kubernetes.io/${mode}`]).toBe("restricted");
        expect(meta(ns).labels).toMatchObject({ "capstan.io/tenant": "acme", ...RESTRICTED_POD_SECURITY });
    });

    it("caps the namespace with a ResourceQuota from config, with no load balancers or NodePorts", async () => {
        const { resources } = await tenantStack();
        const [quota] = ofType(resources, "kubernetes:core/v1:ResourceQuota");
        expect(spec(quota).hard).toEqual({
            "requests.cpu": DEFAULTS.quota.cpu,
            "requests.memory": DEFAULTS.quota.memory,
            "limits.memory": DEFAULTS.quota.memory,
            // One runaway tenant cannot fill the nodes' disks either.
            "requests.ephemeral-storage": "100Gi",
            "limits.ephemeral-storage": "100Gi",
            pods: String(DEFAULTS.quota.pods),
            "services.loadbalancers": "0",
            "services.nodeports": "0",
        });
    });

    it("gives containers without resources the LimitRange defaults, so the quota admits them", async () => {
        const { resources } = await tenantStack();
        const [limits] = ofType(resources, "kubernetes:core/v1:LimitRange");
        expect(spec(limits).limits).toEqual([
            {
                type: "Container",
                defaultRequest: { cpu: "100m", memory: "256Mi", "ephemeral-storage": "256Mi" },
                default: { memory: "512Mi", "ephemeral-storage": "2Gi" },
            },
        ]);
    });
});

describe("the tenant's NetworkPolicies", () => {
    const policies = async (egress = DEFAULTS.egress) => {
        const { resources } = await tenantStack(egress);
        return Object.fromEntries(
            ofType(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => [meta(r).name, spec(r)]),
        ) as Record<string, Record<string, any>>;
    };

    it("deny all ingress and egress by default, for every pod", async () => {
        const p = await policies();
        expect(p["default-deny"]).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    });

    it("let in only the ingress controllers' namespace and the tenant's own pods", async () => {
        const p = await policies();
        const ingressFrom = Object.values(p).flatMap((s) =>
            (s.ingress ?? []).flatMap((i: { from: unknown[] }) => i.from),
        );
        expect(ingressFrom).toEqual([
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": INGRESS_NS } } },
            { podSelector: {} },
        ]);
    });

    it("let out DNS, the tenant's own pods and the configured networks and ports only", async () => {
        const p = await policies([{ cidr: "10.30.0.0/16", ports: [5432, 6379] }]);
        expect(p["allow-dns"].egress[0].ports).toEqual([
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
        ]);
        expect(p["allow-same-namespace"].egress).toEqual([{ to: [{ podSelector: {} }] }]);
        expect(p["allow-egress"].egress).toEqual([
            {
                to: [{ ipBlock: { cidr: "10.30.0.0/16" } }],
                ports: [
                    { protocol: "TCP", port: 5432 },
                    { protocol: "TCP", port: 6379 },
                ],
            },
        ]);
    });

    it("by default let out HTTPS only, for the AWS APIs", () => {
        const allow = tenantNetworkPolicies(INGRESS_NS, DEFAULTS.egress).find((p) => p.name === "allow-egress");
        expect(allow?.spec.egress).toEqual([
            { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] },
        ]);
    });

    it("without egress rules, let out nothing but DNS and the namespace", () => {
        expect(tenantNetworkPolicies(INGRESS_NS, []).map((p) => p.name)).toEqual([
            "default-deny",
            "allow-from-ingress-controllers",
            "allow-same-namespace",
            "allow-dns",
        ]);
    });
});
