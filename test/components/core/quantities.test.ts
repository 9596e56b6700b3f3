import { describe, expect, it } from "vitest";
import { parseQuantity, quantityProblem } from "../../../components/core";
import { problemsOf } from "../../harness";

describe("resource amounts follow Kubernetes' quantity grammar", () => {
    it.each<[string, number]>([
        ["1e9", 1e9],
        ["1E3", 1000],
        ["1.5Gi", 1.5 * 2 ** 30],
        ["512Mi", 512 * 2 ** 20],
        ["500m", 0.5],
        ["2", 2],
        [".5", 0.5],
        ["2.", 2],
        ["+1", 1],
        ["100k", 1e5],
        ["1Ei", 2 ** 60],
        ["0", 0],
        ["1G", 1e9],
        ["1000", 1000],
    ])("%s is a quantity worth %d", (text, value) => {
        expect(quantityProblem(text, "memory")).toBeUndefined();
        expect(parseQuantity(text)).toBe(value);
    });

    it.each(["lots", "1 Gi", "1gi", "1GB", "", "e9", "1e", "1.5.5", "--1", "1e1.5", "Gi", "1Gi ", "0x10"])(
        "%j is not a quantity",
        (text) => {
            expect(quantityProblem(text, "CPU")).toContain("is not a Kubernetes quantity");
        },
    );

    it("refuses a negative amount", () => {
        expect(quantityProblem("-1Gi", "memory")).toContain("negative");
    });
});

describe("the config takes any quantity the API server takes, and numbers as quantities", () => {
    it.each<[string, (r: Record<string, any>) => void]>([
        ["memory 1e9", (r) => (r.app.web.resources = { cpu: "500m", memory: "1e9" })],
        [
            "memory 1.5Gi with a 2Gi limit",
            (r) => (r.app.web.resources = { cpu: "1", memory: "1.5Gi", memoryLimit: "2Gi" }),
        ],
        ["cpu as the number 2", (r) => (r.app.web.resources = { cpu: 2, memory: "1Gi" })],
        ["cpu as the number 0.5", (r) => (r.app.workers[0].resources = { cpu: 0.5, memory: "512Mi" })],
        ["tenant quota cpu as a number", (r) => (r.tenant = { name: "acme", quota: { cpu: 16 } })],
    ])("%s", (_name, mutate) => {
        expect(
            problemsOf("staging", (r) => {
                mutate(r);
                if (r.tenant) {
                    r.cluster = { mode: "shared", sharedStack: "o/capstan/prod" };
                    delete r.network;
                    r.nodeGroups = [];
                }
            }),
        ).toEqual([]);
    });
});

describe("a tenant's default memory request and limit are read by the grammar their fields accept", () => {
    it.each<[string, string, boolean]>([
        ["1e9", "1Gi", false],
        ["1.1e9", "1Gi", true],
        ["1025Mi", "1Gi", true],
        ["1Gi", "1073741824", false],
        [".5Gi", "512Mi", false],
    ])("request %s against limit %s: refused %s", (memoryRequest, memoryLimit, refused) => {
        const problems = problemsOf("tenant-acme", (r) => (r.tenant.limits = { memoryRequest, memoryLimit }));
        expect(problems.filter((p) => p.path.startsWith("capstan:tenant.limits.memoryLimit"))).toEqual([]);
        const request = problems.filter((p) => p.path === "capstan:tenant.limits.memoryRequest");
        expect(request.map((p) => p.message)).toEqual(
            refused ? [expect.stringContaining(`is more than memoryLimit ${memoryLimit}`)] : [],
        );
    });
});

describe("container resources the API server or the autoscaler would refuse", () => {
    it.each<[string, (r: Record<string, any>) => void, string, string]>([
        [
            "web memory limit below its request",
            (r) => (r.app.web.resources = { cpu: "500m", memory: "1Gi", memoryLimit: "512Mi" }),
            "capstan:app.web.resources.memoryLimit",
            "is below the memory request",
        ],
        [
            "worker memory limit below its request",
            (r) => (r.app.workers[0].resources = { memory: "2Gi", memoryLimit: "1e9" }),
            "capstan:app.workers[0].resources.memoryLimit",
            "is below the memory request",
        ],
        [
            "cron memory limit below its request",
            (r) => (r.app.cron[0].resources = { memory: "1Gi", memoryLimit: "1000Mi" }),
            "capstan:app.cron[0].resources.memoryLimit",
            "is below the memory request",
        ],
        [
            "web without a CPU request, scaled on CPU",
            (r) => (r.app.web.resources = { cpu: "0", memory: "1Gi" }),
            "capstan:app.web.resources.cpu",
            "scales on CPU utilization",
        ],
        [
            "worker without a CPU request, scaled on CPU",
            (r) => (r.app.workers[0].resources = { cpu: "0m" }),
            "capstan:app.workers[0].resources.cpu",
            "scales on CPU utilization",
        ],
        [
            "web without memory",
            (r) => (r.app.web.resources = { cpu: "1", memory: "0", memoryLimit: "1Gi" }),
            "capstan:app.web.resources.memory",
            "requests no memory",
        ],
        [
            "a memory amount that is no quantity",
            (r) => (r.app.web.resources = { memory: "1 GB" }),
            "capstan:app.web.resources.memory",
            "is not a Kubernetes quantity",
        ],
        [
            "a negative CPU request",
            (r) => (r.app.web.resources = { cpu: "-1" }),
            "capstan:app.web.resources.cpu",
            "negative",
        ],
        [
            "memory as a bare number of bytes",
            (r) => (r.app.web.resources = { memory: 1.5 }),
            "capstan:app.web.resources.memory",
            "a bare number is bytes",
        ],
        [
            "a memory limit of one mebibyte",
            (r) => (r.app.workers[0].resources = { memory: "512Ki", memoryLimit: "1Mi" }),
            "capstan:app.workers[0].resources.memoryLimit",
            "too little memory",
        ],
    ])("%s", (_name, mutate, path, message) => {
        const problems = problemsOf("staging", mutate);
        expect(
            problems
                .filter((p) => p.path === path)
                .map((p) => p.message)
                .join("\n"),
        ).toContain(message);
    });

    it("a cron task may request no CPU: nothing autoscales it", () => {
        expect(problemsOf("staging", (r) => (r.app.cron[0].resources = { cpu: "0", memory: "256Mi" }))).toEqual([]);
    });
});
