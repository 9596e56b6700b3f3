import { describe, expect, it } from "vitest";
import { writablePathSizeLimit } from "../../../components/app/pod";
import { problemsOf, render, stackValues } from "../../harness";

type Obj = Record<string, any>;

describe("no pod of the app fills a node's disk", () => {
    it("requests and limits ephemeral storage, and sizes each writable path at an equal share of the limit", async () => {
        const app = { ...stackValues("staging")["capstan:app"] };
        app.writablePaths = ["/tmp", "/rails/tmp", "/rails/log", "/rails/storage"];
        app.web = {
            ...app.web,
            resources: { ...app.web.resources, ephemeralStorage: "1Gi", ephemeralStorageLimit: "4Gi" },
        };
        const { manifests } = await render("staging", { overrides: { "capstan:app": app } });
        const web = (manifests as Obj[]).find((o) => o.kind === "Deployment" && o.metadata.name === "phraseapp-web")!;
        const spec = web.spec.template.spec;
        expect(spec.containers[0].resources.requests["ephemeral-storage"]).toBe("1Gi");
        expect(spec.containers[0].resources.limits["ephemeral-storage"]).toBe("4Gi");
        expect(spec.volumes.map((v: Obj) => v.emptyDir.sizeLimit)).toEqual(["1024Mi", "1024Mi", "1024Mi", "1024Mi"]);
    });

    it.each([
        ["2Gi", 2, "1024Mi"],
        ["1G", 3, "317Mi"],
        ["100Mi", 1, "100Mi"],
    ])("a limit of %s over %i paths gives each %s, never more than its share", (limit, paths, share) => {
        expect(writablePathSizeLimit(limit, paths)).toBe(share);
    });

    it.each<[string, string, (r: Obj) => void, string, RegExp]>([
        [
            "a limit below the request",
            "staging",
            (r) => (r.app.web.resources = { ephemeralStorage: "4Gi", ephemeralStorageLimit: "1Gi" }),
            "capstan:app.web.resources.ephemeralStorageLimit",
            /below the request/,
        ],
        [
            "a limit too small to share among the writable paths",
            "prod",
            (r) => (r.app.workers[0].resources = { ephemeralStorage: "0", ephemeralStorageLimit: "20Mi" }),
            "capstan:app.workers[0].resources.ephemeralStorageLimit",
            /at least 32Mi/,
        ],
        [
            "a tenant quota that cannot hold the app's limits",
            "tenant-acme",
            (r) => (r.tenant.quota = { ...r.tenant.quota, ephemeralStorage: "4Gi" }),
            "capstan:tenant.quota.ephemeralStorage",
            /raise it to at least \d+Gi/,
        ],
        [
            "a tenant default request above its default limit",
            "tenant-acme",
            (r) => (r.tenant.limits = { ephemeralStorageRequest: "4Gi", ephemeralStorageLimit: "1Gi" }),
            "capstan:tenant.limits.ephemeralStorageRequest",
            /must fit in its default limit/,
        ],
        [
            "an ephemeral-storage amount that is no quantity",
            "staging",
            (r) => (r.app.cron[0].resources = { ephemeralStorage: "2 GB" }),
            "capstan:app.cron[0].resources.ephemeralStorage",
            /not a Kubernetes quantity/,
        ],
    ])("refuses %s", (_name, stack, mutate, path, message) => {
        const problems = problemsOf(stack, mutate);
        expect(problems.map((p) => p.path)).toEqual([path]);
        expect(problems[0].message).toMatch(message);
    });
});
