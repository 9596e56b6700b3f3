/**
 * Stacks other than the local one's life: every committed stack through the CLI, a bad config,
 * the policy pack, a tenant, and the canary's phases.
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { check } from "../lib/app";
import { appOutputs, localStack, localStackText, TAGS, type Context, type Scenario } from "../lib/context";
import { listStacks } from "../../scripts/cli/stackfile";
import { withoutSecrets } from "../../scripts/local/stackFile";
import { REPO } from "../lib/env";
import { existing, get, list } from "../lib/kube";
import { SuiteStack, type Outcome } from "../lib/stacks";
import { DEFAULT_STICKY_COOKIE } from "../../components/config/ingressSchema";

const PLACEHOLDER = "e2e-placeholder-secret";

/**
 * A committed stack file as a newcomer sets it up (README.md and docs/operating.md, "With the Pulumi CLI"): its `secure:`
 * values, encrypted for their authors, are removed and set again with `pulumi config set --secret`.
 */
async function newcomersCopy(ctx: Context, stack: string): Promise<SuiteStack> {
    const doc = YAML.parseDocument(fs.readFileSync(path.join(REPO, `Pulumi.${stack}.yaml`), "utf8"));
    if (stack === "local") doc.setIn(["config", "capstan:cluster", "context"], ctx.kubeContext);
    // A file backend has one organization, `organization`: the owner's stack is this suite's copy of it.
    const shared = doc.getIn(["config", "capstan:cluster", "sharedStack"]);
    if (typeof shared === "string")
        doc.setIn(
            ["config", "capstan:cluster", "sharedStack"],
            `organization/capstan/committed-${shared.split("/").pop()}`,
        );
    const { text, secrets } = withoutSecrets(doc);
    const s = await SuiteStack.create(ctx.ws.stackDir, `committed-${stack}`, text);
    for (const p of secrets) await s.stack.setConfig(p, { value: PLACEHOLDER, secret: true }, true);
    return s;
}

/** What a committed stack's preview must show: where it stops, and that nothing else failed. */
function judgeCommitted(name: string, shared: boolean, preview: Outcome): string {
    const messages = preview.errors.map((e) => e.message);
    if (name === "local") {
        check(preview.ok, `local: the preview failed: ${messages.join("\n") || preview.error}`);
        return `local: ${preview.steps.length} steps`;
    }
    check(!preview.ok, `${name}: the preview passed without the AWS plugin`);
    check(
        preview.warnings.some((w) =>
            w.includes("example values of the committed stack files, which an update refuses"),
        ),
        `${name}: the preview did not warn about the example values:\n${preview.warnings.join("\n") || preview.output}`,
    );
    // The AWS provider, and random (the generated passwords of prod's database and cache), cannot
    // be built here. A tenant reads its cluster from the owner's stack, which for the same reason is
    // never updated here: it stops at the AWS plugin or at Capstan's check of that stack's outputs,
    // whichever the engine reaches first.
    const plugin = "no resource plugin 'pulumi-resource-(aws|random)' found";
    const owner = "exports no ingressClasses: name a stack with cluster.mode create that has been updated";
    const expected = new RegExp(shared ? `${plugin}|${owner}` : plugin);
    const others = messages.filter((m) => !expected.test(m) && m !== "preview failed");
    check(
        messages.some((m) => expected.test(m)) && others.length === 0,
        `${name}: did not stop at ${expected.source} alone:\n${messages.join("\n") || preview.error}`,
    );
    check(!/^\s+at .+:\d+:\d+\)?$/m.test(messages.join("\n")), `${name}: a stack trace was printed`);
    const registered = preview.steps.filter((st) => st.type !== "pulumi:pulumi:Stack").length;
    return `${name}: stopped at "${expected.exec(messages.join("\n"))?.[0] ?? ""}" after ${registered} steps`;
}

/** An update of a committed stack as it is: refused for its example values, naming each key, before anything is registered. */
async function examplesRefused(staging: SuiteStack | undefined): Promise<string> {
    check(staging !== undefined, "no committed staging stack");
    const up = await staging.up();
    const text = `${up.output}\n${up.errors.map((e) => e.message).join("\n")}`;
    check(!up.ok, "the update of the committed staging stack passed");
    for (const key of ["capstan:app.image", "capstan:ingress.public.certificateArn", "capstan:ingress.public.hosts[0]"])
        check(text.includes(`${key}: `), `the refusal does not name ${key}:\n${text}`);
    const registered = up.steps.filter((st) => st.type !== "pulumi:pulumi:Stack");
    check(registered.length === 0, `resources were registered: ${registered.map((st) => st.urn).join(", ")}`);
    return "staging's update refused for its example values";
}

const committed: Scenario = {
    id: "a",
    title: "every committed stack passes the CLI's config validation and loads; stacks with AWS resources stop at a missing provider plugin alone",
    async run(ctx) {
        const seen: string[] = [];
        const made: SuiteStack[] = [];
        try {
            for (const name of listStacks(REPO)) {
                const s = await newcomersCopy(ctx, name);
                made.push(s);
                const shared = typeof s.read(["capstan:cluster", "sharedStack"]) === "string";
                seen.push(judgeCommitted(name, shared, await s.preview()));
            }
            seen.push(await examplesRefused(made.find((s) => s.name === "committed-staging")));
        } finally {
            for (const s of made) {
                await s.stack.workspace.removeStack(s.name, { force: true });
                fs.rmSync(s.file, { force: true });
            }
        }
        return seen.join("; ");
    },
};

const badConfig: Scenario = {
    id: "l",
    title: "a stack with an invalid value fails before any resource is registered, with key path and fix and no stack trace",
    async run(ctx) {
        const doc = YAML.parseDocument(localStackText(ctx));
        doc.setIn(["config", "capstan:app", "web", "minReplicas"], 9);
        const s = await SuiteStack.create(ctx.ws.stackDir, "bad-config", String(doc));
        try {
            const preview = await s.preview();
            check(!preview.ok, "the preview passed");
            const text = `${preview.output}\n${preview.errors.map((e) => e.message).join("\n")}`;
            check(
                text.includes("capstan:app.web.minReplicas: 9 is greater than maxReplicas"),
                `no key path and value in:\n${text}`,
            );
            check(text.includes("set minReplicas <= maxReplicas"), `no fix in:\n${text}`);
            check(!/^\s+at .+:\d+:\d+\)?$/m.test(text), `a stack trace was printed:\n${text}`);
            const registered = preview.steps.filter((st) => st.type !== "pulumi:pulumi:Stack");
            check(registered.length === 0, `resources were registered: ${registered.map((st) => st.urn).join(", ")}`);
        } finally {
            await s.stack.workspace.removeStack(s.name, { force: true });
            fs.rmSync(s.file, { force: true });
        }
    },
};

const policy: Scenario = {
    id: "g",
    title: "the policy pack through the engine: a preview with it passes, and a violating edit is refused with the policy's name",
    async run(ctx) {
        const stack = localStack(ctx);
        const pack = [path.join(REPO, "policy")];
        const clean = await stack.preview(pack);
        check(clean.ok, `the preview with the policy pack failed:\n${clean.output.slice(-2000)}`);
        const tag = stack.read(["capstan:imageTag"]);
        stack.edit((c) => c.set("capstan:imageTag", "latest"));
        try {
            const violating = await stack.preview(pack);
            check(!violating.ok, "a preview with the image tag latest passed the policy pack");
            check(
                /pinned-image-tags/.test(violating.output),
                `the refusal does not name pinned-image-tags:\n${violating.output.slice(-2000)}`,
            );
        } finally {
            stack.edit((c) => c.set("capstan:imageTag", tag));
        }
    },
};

const tenant: Scenario = {
    id: "h",
    title: "a tenant-shaped stack in its own namespace: restricted Pod Security, quota, LimitRange and NetworkPolicies accepted, pods admitted under the quota",
    async run(ctx) {
        const doc = YAML.parseDocument(localStackText(ctx));
        doc.setIn(["config", "capstan:tenant"], { name: "e2e", quota: { cpu: "8", memory: "16Gi", pods: 40 } });
        doc.setIn(["config", "capstan:ingress", "public", "hosts"], ["e2e.local.example.com"]);
        doc.setIn(["config", "capstan:ingress", "internal", "hosts"], ["e2e.internal.local.example.com"]);
        const s = await SuiteStack.create(ctx.ws.stackDir, "tenant-e2e", String(doc));
        const res = await s.up();
        try {
            check(
                res.ok,
                `pulumi up of the tenant failed:\n${res.errors.map((e) => e.message).join("\n") || res.error}`,
            );
            const { namespace } = await appOutputs(s);
            const ns = await get(["namespace", namespace]);
            check(
                ns?.metadata.labels?.["pod-security.kubernetes.io/enforce"] === "restricted",
                `namespace ${namespace} is not restricted`,
            );
            const [quotas, limits, policies] = await Promise.all(
                ["resourcequotas", "limitranges", "networkpolicies"].map((k) => list([k, "-n", namespace])),
            );
            check(
                quotas.length > 0 && limits.length > 0 && policies.length > 0,
                `quota ${quotas.length}, LimitRange ${limits.length}, NetworkPolicies ${policies.length}`,
            );
            const used = Number(quotas[0].status?.used?.pods ?? 0);
            const pods = (await list(["pods", "-n", namespace])).filter((p) => p.status?.phase === "Running");
            check(used > 0 && pods.length > 0, `no pod admitted under the quota (used pods ${used})`);
            return `${namespace}: ${policies.length} NetworkPolicies, quota used pods ${used}/${quotas[0].spec?.hard?.pods}`;
        } finally {
            const gone = await s.destroy();
            await s.stack.workspace.removeStack(s.name, { force: true });
            check(gone.ok, `destroying the tenant failed: ${gone.error}`);
        }
    },
};

/** The VirtualServers of the namespace as JSON text, for the routes a phase must show. */
async function routes(ns: string): Promise<string> {
    return JSON.stringify((await list(["virtualservers.k8s.nginx.org", "-n", ns])).map((v) => v.spec));
}

/** The sticky cookie's matches and the Set-Cookie headers of the splits of a stored VirtualServer spec. */
function stickyParts(spec: unknown): { matched: string[]; setCookies: string[] } {
    type Action = { proxy?: { responseHeaders?: { add?: { name: string; value: string; always?: boolean }[] } } };
    type Route = {
        matches?: { conditions: { cookie?: string; value: string }[] }[];
        splits?: { action: Action }[];
    };
    const route = (spec as { routes: Route[] }).routes[0];
    return {
        matched: (route.matches ?? [])
            .flatMap((m) => m.conditions)
            .filter((c) => c.cookie === DEFAULT_STICKY_COOKIE)
            .map((c) => c.value),
        setCookies: (route.splits ?? [])
            .flatMap((s) => s.action.proxy?.responseHeaders?.add ?? [])
            .filter((h) => h.name === "Set-Cookie" && h.always === true && h.value.includes("HttpOnly"))
            .map((h) => h.value),
    };
}

const canary: Scenario = {
    id: "i",
    title: "canary: the cookie phase and the weight phase (with the sticky cookie's matches and Set-Cookie headers) are accepted and kept by the VirtualServer CRD; promotion deletes every canary object",
    async run(ctx) {
        const stack = localStack(ctx);
        const { namespace } = await appOutputs(stack);
        stack.edit((c) =>
            c.set("capstan:canary", { imageTag: TAGS.canary, cookie: { name: "_AUSER_TYPE", value: "canary" } }),
        );
        const cookie = await stack.up();
        check(cookie.ok, `the cookie phase failed:\n${cookie.errors.map((e) => e.message).join("\n") || cookie.error}`);
        check(
            (await routes(namespace)).includes('"cookie":"_AUSER_TYPE"'),
            "no VirtualServer routes the canary cookie",
        );
        const canaryObjects = (await stack.kubernetesObjects()).filter((o) =>
            o.object.metadata.name.includes("canary"),
        );
        check(
            canaryObjects.some((o) => o.object.kind === "Deployment"),
            "no canary Deployment",
        );
        stack.edit((c) => c.setIn(["capstan:canary", "weight"], 10));
        const weight = await stack.up();
        check(weight.ok, `the weight phase failed:\n${weight.errors.map((e) => e.message).join("\n") || weight.error}`);
        check(/"weight":10\b/.test(await routes(namespace)), "no VirtualServer splits 10% to the canary");
        // The structural schema would drop a field it does not know without a word: read the stored routes back.
        const sticky = (await list(["virtualservers.k8s.nginx.org", "-n", namespace])).map((v) => stickyParts(v.spec));
        check(
            sticky.length > 0 && sticky.every((p) => p.matched.length === 2 && p.setCookies.length === 2),
            `the API server did not keep the sticky cookie's matches and Set-Cookie headers: ${JSON.stringify(sticky)}`,
        );
        stack.edit((c) => {
            c.set("capstan:imageTag", TAGS.canary);
            c.delete("capstan:canary");
        });
        const promote = await stack.up();
        check(promote.ok, `promotion failed:\n${promote.errors.map((e) => e.message).join("\n") || promote.error}`);
        const left = await existing(canaryObjects.map((o) => o.object));
        check(
            left.length === 0,
            `canary objects left after promotion: ${left.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}`,
        );
        check(!(await routes(namespace)).includes("canary"), "a VirtualServer still routes to the canary");
        return `${canaryObjects.length} canary objects created and deleted`;
    },
};

export const STACK_SCENARIOS = { committed, badConfig, policy, tenant, canary };
