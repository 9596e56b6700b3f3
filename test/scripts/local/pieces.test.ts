import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it, vi } from "vitest";
import { clusterLogs, criLine, sampleLog } from "../../../scripts/local/podLogs";
import { changeSummary } from "../../../scripts/local/stack";
import { BIN_DIR } from "../../../scripts/localCluster/layout";
import { lockedVersion, PULUMI_HOME, toolchainEnv } from "../../../scripts/local/toolchain";
import { PROJECT_DIR } from "../../harness";

describe("the local stack's update, as local up reports it", () => {
    it("counts every operation but same, and says so when nothing changed", () => {
        expect(changeSummary({ create: 31 })).toBe("create 31");
        expect(changeSummary({ same: 28, update: 3, replace: 1, delete: 0 })).toBe("update 3, replace 1");
        expect(changeSummary({ same: 31 })).toBe("no changes");
        expect(changeSummary(undefined)).toBe("no changes");
    });
});

describe("the simulated pods' log", () => {
    const at = new Date("2026-12-07T20:00:00.123Z");

    it("is written as the container runtime writes it, one full stdout line each", () => {
        expect(criLine("hello", at)).toBe("2026-12-07T20:00:00.123000000Z stdout F hello\n");
        const lines = sampleLog(at).trimEnd().split("\n");
        expect(lines.length).toBeGreaterThan(1);
        for (const l of lines) expect(l).toMatch(/^2026-12-07T20:00:00\.123000000Z stdout F \S/);
        expect(sampleLog(at)).toContain('Started GET "/up"');
    });

    it("is served by kwok for the pods of the stack's namespace only", () => {
        expect(clusterLogs("phraseapp", "/c/pod.log")).toEqual({
            apiVersion: "kwok.x-k8s.io/v1alpha1",
            kind: "ClusterLogs",
            metadata: { name: "capstan-local-logs" },
            spec: { selector: { matchNamespaces: ["phraseapp"] }, logs: [{ logsFile: "/c/pod.log" }] },
        });
    });
});

describe("the toolchain's environment", () => {
    it("puts its bin first on PATH, its plugins' home, and no plugin downloads", () => {
        const env = toolchainEnv("/usr/bin");
        expect(env.PATH).toBe(`${BIN_DIR}${path.delimiter}/usr/bin`);
        expect(env.PULUMI_HOME).toBe(PULUMI_HOME);
        expect(env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION).toBe("true");
    });

    it("reads a package's version from the lock file", () => {
        const lock = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package-lock.json"), "utf8")) as {
            packages: Record<string, { version: string }>;
        };
        expect(lockedVersion(PROJECT_DIR, "@pulumi/kubernetes")).toBe(
            lock.packages["node_modules/@pulumi/kubernetes"].version,
        );
    });
});

describe("what of the toolchain is missing", () => {
    it("names each program and plugin not built, the control plane's only where Capstan runs its own cluster", async () => {
        const saved = process.env.CAPSTAN_CACHE;
        const cache = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-tc-"));
        process.env.CAPSTAN_CACHE = cache;
        vi.resetModules();
        try {
            const { missingToolchain } = await import("../../../scripts/local/toolchain");
            const bin = path.join(cache, "toolchain", "bin");
            const all = missingToolchain("4.25.0", true);
            expect(all).toContain(`${bin}/pulumi`);
            expect(all).toContain(`${bin}/kwok`);
            expect(all.some((m) => m.includes("kubernetes resource plugin v4.25.0"))).toBe(true);
            expect(all.some((m) => m.includes("policy-nodejs analyzer plugin"))).toBe(true);
            expect(missingToolchain("4.25.0", false)).not.toContain(`${bin}/kwok`);
            fs.mkdirSync(bin, { recursive: true });
            for (const b of [
                "pulumi",
                "kubectl",
                "etcd",
                "kube-apiserver",
                "kube-controller-manager",
                "kube-scheduler",
                "kwok",
            ])
                fs.writeFileSync(path.join(bin, b), "");
            const plugins = path.join(cache, "toolchain", "pulumi-home", "plugins");
            fs.mkdirSync(path.join(plugins, "resource-kubernetes-v4.25.0"), { recursive: true });
            fs.mkdirSync(path.join(plugins, "analyzer-policy-nodejs-v1.0.0"));
            expect(missingToolchain("4.25.0", true)).toEqual([]);
            expect(missingToolchain("4.26.0", true)).toEqual([
                `the kubernetes resource plugin v4.26.0 in ${path.join(cache, "toolchain", "pulumi-home")}`,
            ]);
        } finally {
            if (saved === undefined) delete process.env.CAPSTAN_CACHE;
            else process.env.CAPSTAN_CACHE = saved;
            vi.resetModules();
        }
    });
});
