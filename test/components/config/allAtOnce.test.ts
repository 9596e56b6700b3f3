import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { problemsOf, renderCliIn, scratchProject, stackValues } from "../../harness";

type Root = Record<string, any>;

describe("cross-field checks still run when another value of the same key has a type error", () => {
    it.each<[string, string, (r: Root) => void, string[]]>([
        [
            "a bad port beside min > max replicas",
            "prod",
            (r) => Object.assign(r.app.web, { port: "http", minReplicas: 30 }),
            ["capstan:app.web.port", "capstan:app.web.minReplicas"],
        ],
        [
            "a bad worker name beside a later worker's min > max",
            "prod",
            (r) => {
                r.app.workers[0].name = "Bad_Name";
                Object.assign(r.app.workers[1], { minReplicas: 9, maxReplicas: 2 });
            },
            ["capstan:app.workers[0].name", "capstan:app.workers[1].minReplicas"],
        ],
        [
            "an unknown key beside a memory limit below its request",
            "staging",
            (r) => {
                r.app.web.replicas = 3;
                r.app.web.resources = { memory: "1Gi", memoryLimit: "512Mi" };
            },
            ["capstan:app.web.replicas", "capstan:app.web.resources.memoryLimit"],
        ],
        [
            "a bad node-group instance type beside min > max size",
            "staging",
            (r) => {
                r.nodeGroups[0].instanceTypes = ["large"];
                Object.assign(r.nodeGroups[1], { minSize: 5, maxSize: 1 });
            },
            ["capstan:nodeGroups[0].instanceTypes[0]", "capstan:nodeGroups[1].minSize"],
        ],
        [
            "a bad NodePort beside a public host repeated internally",
            "staging",
            (r) => {
                r.ingress.public.nodePorts = { http: 80, https: 30443 };
                r.ingress.internal.hosts = ["staging.example.com"];
            },
            ["capstan:ingress.public.nodePorts.http", "capstan:ingress.internal.hosts[0]"],
        ],
    ])("%s", (_name, stack, mutate, paths) => {
        const problems = problemsOf(stack, mutate);
        expect(problems.map((p) => p.path).sort()).toEqual([...paths].sort());
    });

    it("a value replaced by its default for the cross checks is not reported a second time", () => {
        // minReplicas "five" is refused; the default that stands in for it must not yield a min > max problem of its own.
        const problems = problemsOf("staging", (r) =>
            Object.assign(r.app.web, { minReplicas: "five", maxReplicas: 1 }),
        );
        expect(problems.map((p) => p.path)).toEqual(["capstan:app.web.minReplicas"]);
    });
});

describe("checks that components made are config problems with key paths, never a stack trace", () => {
    /** Renders `stack` changed by `change`, beside the prod stack (the tenants' owner) changed by `owner`. */
    function renderWith(stack: string, change: (v: Root) => void, owner: (v: Root) => void = () => undefined) {
        const edited = (base: string, edit: (v: Root) => void) => {
            const values = stackValues(base);
            edit(values);
            return YAML.stringify({ config: values });
        };
        return renderCliIn(scratchProject({ prod: edited("prod", owner), bad: edited(stack, change) }), "bad");
    }

    it.each<[string, string, (v: Root) => void, (v: Root) => void, string]>([
        [
            "a Kubernetes version with no pinned autoscaler image",
            "staging",
            (v) => (v["capstan:cluster"].version = "1.29"),
            () => undefined,
            "capstan:cluster.version",
        ],
        [
            "an app in kube-system",
            "staging",
            (v) => (v["capstan:app"].namespace = "kube-system"),
            () => undefined,
            "capstan:app.namespace",
        ],
        [
            "an internal entry on an owner without the internal controller",
            "tenant-acme",
            (v) => (v["capstan:cluster"].sharedStack = "o/capstan/prod"),
            (v) => delete v["capstan:ingress"].internal,
            "capstan:ingress.internal",
        ],
    ])("%s", async (_name, stack, change, owner, keyPath) => {
        const { code, stderr } = await renderWith(stack, change, owner);
        expect(code).toBe(1);
        expect(stderr).toMatch(new RegExp(`^  - ${keyPath.replace(/[.[\]]/g, "\\$&")}: `, "m"));
        expect(stderr).not.toMatch(/^\s+at /m);
    });
});
