/**
 * The checks' Job of a blue/green release, made from the idle colour's pod template, and the
 * checks' script run by a real Ruby against a real HTTP server that answers as the ingress
 * controller does for the preview host.
 */
import { execFile } from "child_process";
import * as http from "http";
import type { AddressInfo } from "net";
import { promisify } from "util";
import type { V1Deployment } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RELEASE_CHECK_LABEL } from "../../../components/core/networkPolicies";
import { CHECKS_DEADLINE_SECONDS, checksCommand, checksJob } from "../../../scripts/ops/releaseChecks";

const run = promisify(execFile);

describe("the checks' Job", () => {
    const green: V1Deployment = {
        metadata: { name: "phraseapp-web-green", namespace: "phraseapp-staging" },
        spec: {
            selector: {},
            template: {
                metadata: { labels: { "app.kubernetes.io/name": "phraseapp" } },
                spec: {
                    serviceAccountName: "phraseapp",
                    containers: [
                        { name: "web", image: "registry.example.com/phraseapp:2026.11.21-9a8b7c6", command: ["puma"] },
                    ],
                },
            },
        },
    };

    it("runs the green pods' image with the checks' script, carries the label its NetworkPolicy selects, and stops by its deadline", () => {
        const command = checksCommand(
            "http://nginx-public-edge.nginx-ingress.svc.cluster.local:8443",
            "preview.example.com",
            [
                { path: "/up", status: 200 },
                { path: "/login", status: 302 },
            ],
        );
        const job = checksJob(green, command, { app: "phraseapp", now: new Date(0), random: "ab12", user: "dev" });
        const pod = job.spec!.template;
        expect(pod.spec!.containers[0].image).toBe("registry.example.com/phraseapp:2026.11.21-9a8b7c6");
        expect(pod.spec!.containers[0].command!.slice(0, 2)).toEqual(["ruby", "-e"]);
        expect(pod.spec!.containers[0].command!.slice(3)).toEqual([
            "http://nginx-public-edge.nginx-ingress.svc.cluster.local:8443",
            "preview.example.com",
            "/up",
            "200",
            "/login",
            "302",
        ]);
        expect(pod.metadata!.labels).toMatchObject({
            [RELEASE_CHECK_LABEL]: "true",
            "app.kubernetes.io/component": "check",
            "app.kubernetes.io/name": "phraseapp",
        });
        expect(job.spec!.backoffLimit).toBe(0);
        expect(job.spec!.activeDeadlineSeconds).toBe(CHECKS_DEADLINE_SECONDS);
        expect(job.metadata!.name).toMatch(/^phraseapp-check-/);
    });
});

describe("the checks' script, run by Ruby", () => {
    const seen: { path?: string; host?: string; proto?: string }[] = [];
    let server: http.Server;
    let entry = "";
    beforeAll(async () => {
        // The controller as the checks meet it: the preview host's routes answer, any other host gets 404.
        server = http.createServer((req, res) => {
            seen.push({ path: req.url, host: req.headers.host, proto: String(req.headers["x-forwarded-proto"]) });
            if (req.headers.host !== "preview.example.com") return void res.writeHead(404).end();
            if (req.url === "/up") return void res.writeHead(200).end("ok");
            if (req.url === "/login") return void res.writeHead(302, { location: "/session" }).end();
            res.writeHead(500).end();
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        entry = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    async function checks(host: string, pairs: [string, number][]) {
        const argv = checksCommand(
            entry,
            host,
            pairs.map(([p, s]) => ({ path: p, status: s })),
        );
        try {
            const { stdout } = await run(argv[0], argv.slice(1), { timeout: 30_000 });
            return { code: 0, stdout };
        } catch (err) {
            const e = err as { code?: number | string; stdout?: string; message: string };
            if (e.code === "ENOENT")
                throw new Error("Ruby is missing: install it (apt-get install ruby) to run this test");
            return { code: Number(e.code), stdout: e.stdout ?? "" };
        }
    }

    it("passes when every path answers its status through the preview host, a redirect not followed", async () => {
        const r = await checks("preview.example.com", [
            ["/up", 200],
            ["/login", 302],
        ]);
        expect(r.stdout).toContain("pass GET https://preview.example.com/up: 200 (expected 200)");
        expect(r.stdout).toContain("pass GET https://preview.example.com/login: 302 (expected 302)");
        expect(r.stdout).toContain("2 of 2 checks passed");
        expect(r.code).toBe(0);
        expect(seen.at(-1)).toEqual({ path: "/login", host: "preview.example.com", proto: "https" });
    });

    it("fails, naming each path that answered otherwise", async () => {
        const r = await checks("preview.example.com", [
            ["/up", 200],
            ["/broken", 200],
        ]);
        expect(r.stdout).toContain("FAIL GET https://preview.example.com/broken: 500 (expected 200)");
        expect(r.stdout).toContain("1 of 2 checks passed");
        expect(r.code).toBe(1);
    });

    it("fails when the entry cannot be reached", async () => {
        const argv = checksCommand("http://127.0.0.1:1", "preview.example.com", [{ path: "/up", status: 200 }]);
        const r = await run(argv[0], argv.slice(1)).catch((e: { code: number; stdout: string }) => e);
        expect(r.stdout).toMatch(/FAIL GET https:\/\/preview\.example\.com\/up: .*Connection refused/);
        expect("code" in r ? r.code : 0).toBe(1);
    });
});
