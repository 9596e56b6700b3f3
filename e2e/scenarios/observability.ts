/**
 * The Kubernetes objects observability adds outside the Helm releases, as the render sends them,
 * accepted by the real API server: the NetworkPolicy that admits the metrics collector to the
 * app's pods (of the app's own namespace and of a tenant's) and the Deployments whose pods carry
 * the scrape annotations. The policies are applied and read back; the Deployments are applied
 * with a server-side dry run (their images, ServiceAccount and env objects are not there).
 */
import { check } from "../lib/app";
import type { Scenario } from "../lib/context";
import { kubectl, type KubeObject } from "../lib/kube";
import { renderStack } from "../../scripts/render/render";
import { loadProgram } from "../../scripts/cli/program";
import { loadProjectFile, loadStackFile } from "../../scripts/cli/stackfile";
import { REPO } from "../lib/env";

const NAMESPACE = "capstan-e2e-observability";
const METRICS = { port: 9394, path: "/metrics" };
const POLICY = "allow-metrics-from-collector";

/** A committed stack's render with `app.metrics` set: what observability adds to its namespace. */
async function renderWithMetrics(stack: string): Promise<KubeObject[]> {
    const project = loadProjectFile(REPO);
    const app = loadStackFile(REPO, project.name, stack)["capstan:app"] as Record<string, unknown>;
    const rendered = await renderStack(stack, {
        dir: REPO,
        program: loadProgram(REPO),
        overrides: { "capstan:app": { ...app, metrics: METRICS } },
    });
    return rendered.manifests as unknown as KubeObject[];
}

/** An object moved into the scenario's namespace, as the API server gets it. */
function moved(o: KubeObject, suffix: string): KubeObject {
    return { ...o, metadata: { ...o.metadata, name: `${o.metadata.name}-${suffix}`, namespace: NAMESPACE } };
}

const applyArgs = ["apply", "--server-side", "--field-manager=capstan-e2e", "-o", "json", "-f", "-"];

async function apply(objects: readonly KubeObject[], dryRun: boolean): Promise<KubeObject[]> {
    const input = JSON.stringify({ apiVersion: "v1", kind: "List", items: objects });
    const out = await kubectl([...applyArgs, ...(dryRun ? ["--dry-run=server"] : [])], input);
    const parsed = JSON.parse(out) as KubeObject | { items: KubeObject[] };
    return "items" in parsed ? parsed.items : [parsed];
}

export const observabilityObjects: Scenario = {
    id: "s",
    title: "the collector's NetworkPolicies and the annotated Deployments of app.metrics are accepted by the API server",
    async run(ctx) {
        const objects: KubeObject[] = [];
        for (const stack of ["prod", "tenant-acme"]) {
            const manifests = await renderWithMetrics(stack);
            const policies = manifests.filter((m) => m.kind === "NetworkPolicy" && m.metadata.name === POLICY);
            check(policies.length === 1, `${stack}: the render has ${policies.length} ${POLICY} NetworkPolicies`);
            const annotated = manifests.filter(
                (m) =>
                    m.kind === "Deployment" &&
                    (m.spec?.template?.metadata?.annotations ?? {})["prometheus.io/port"] === String(METRICS.port),
            );
            check(annotated.length > 1, `${stack}: ${annotated.length} Deployments carry the scrape annotations`);
            objects.push(...[...policies, ...annotated].map((o) => moved(o, stack)));
        }
        await kubectl(["create", "namespace", NAMESPACE]);
        try {
            const policies = objects.filter((o) => o.kind === "NetworkPolicy");
            const stored = await apply(policies, false);
            for (const [i, p] of stored.entries()) {
                const sent = policies[i].spec;
                check(
                    JSON.stringify(p.spec?.ingress) === JSON.stringify(sent.ingress),
                    `${p.metadata.name}: the API server stored ingress ${JSON.stringify(p.spec?.ingress)}, the render sent ${JSON.stringify(sent.ingress)}`,
                );
            }
            const deployments = await apply(
                objects.filter((o) => o.kind === "Deployment"),
                true,
            );
            for (const d of deployments)
                check(
                    d.spec?.template?.metadata?.annotations?.["prometheus.io/scrape"] === "true",
                    `${d.metadata.name}: the scrape annotation did not survive the API server`,
                );
            ctx.log(`applied ${stored.length} NetworkPolicies, dry-ran ${deployments.length} Deployments`);
            return `${stored.length} NetworkPolicies stored as sent, ${deployments.length} annotated Deployments accepted`;
        } finally {
            await kubectl(["delete", "namespace", NAMESPACE, "--wait=false"]);
        }
    },
};
