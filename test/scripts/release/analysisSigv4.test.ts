/**
 * The analysis signs its queries to the stack's Prometheus workspace with AWS's own SigV4 signer:
 * checked against AWS's published SigV4 test suite (aws-sig-v4-test-suite), and end to end against
 * a server that plays the workspace, re-derives the signature from the request as it arrived and
 * answers only a request whose signature matches.
 */
import { createHash, createHmac } from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prometheusClient } from "../../../scripts/release/prometheus";
import { sigv4Signer, workspaceRegion } from "../../../scripts/release/sigv4";

/** The test suite's fixed credentials, scope and time. */
const SUITE = {
    service: "service",
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
    now: () => new Date("2015-08-30T12:36:00Z"),
    signPayloadHash: false,
};
const CREDENTIAL = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";

describe("the signer against AWS's SigV4 test suite", () => {
    it.each([
        ["get-vanilla", "/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"],
        [
            "get-vanilla-query-order-key-case",
            "/?Param2=value2&Param1=value1",
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
        ],
        [
            "get-unreserved",
            "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f",
        ],
    ])("%s: the Authorization header the suite publishes", async (_name, target, signature) => {
        const headers = await sigv4Signer(SUITE)(new URL(`https://example.amazonaws.com${target}`));
        expect(headers["x-amz-date"]).toBe("20150830T123600Z");
        expect(headers.authorization).toBe(`${CREDENTIAL}, SignedHeaders=host;x-amz-date, Signature=${signature}`);
    });
});

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const hmac = (key: string | Buffer, text: string) => createHmac("sha256", key).update(text).digest();
const rfc3986 = (v: string) =>
    encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The signature a server derives from a request as it arrived, with the secret it knows; or why it cannot. */
function serverSignature(req: http.IncomingMessage, secret: string): { ok: boolean; why: string } {
    const auth =
        /^AWS4-HMAC-SHA256 Credential=[^/]+\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
            String(req.headers.authorization),
        );
    if (!auth) return { ok: false, why: `no SigV4 Authorization header: ${req.headers.authorization}` };
    const [, date, region, service, signedHeaders, signature] = auth;
    const [path, raw = ""] = (req.url ?? "/").split("?");
    // A server reads `+` as itself, not as a space: only %20 round-trips a space.
    const query = raw
        .split("&")
        .filter(Boolean)
        .map((p) => p.split("=").map((x) => rfc3986(decodeURIComponent(x ?? ""))) as [string, string])
        .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
        .map(([k, v]) => `${k}=${v ?? ""}`)
        .join("&");
    const names = signedHeaders.split(";");
    const canonical = [
        req.method,
        path,
        query,
        ...names.map((h) => `${h}:${String(req.headers[h]).trim()}`),
        "",
        signedHeaders,
        sha256(""),
    ].join("\n");
    const amzDate = String(req.headers["x-amz-date"]);
    const toSign = ["AWS4-HMAC-SHA256", amzDate, `${date}/${region}/${service}/aws4_request`, sha256(canonical)].join(
        "\n",
    );
    let key = hmac(`AWS4${secret}`, date);
    for (const part of [region, service, "aws4_request"]) key = hmac(key, part);
    const expected = hmac(key, toSign).toString("hex");
    return { ok: expected === signature, why: `signature ${signature}, expected ${expected}` };
}

describe("a query to the stack's workspace", () => {
    const SECRET = "workspace-secret-key";
    const received: http.IncomingMessage[] = [];
    let server: http.Server;
    let base = "";
    beforeAll(async () => {
        server = http.createServer((req, res) => {
            received.push(req);
            const verdict = serverSignature(req, SECRET);
            if (!verdict.ok) {
                res.writeHead(403, { "Content-Type": "application/json" });
                res.end(
                    JSON.stringify({ message: `The request signature we calculated does not match: ${verdict.why}` }),
                );
                return;
            }
            res.writeHead(200, { "Content-Type": "application/json" });
            res.end(
                JSON.stringify({
                    status: "success",
                    data: { resultType: "vector", result: [{ metric: {}, value: [0, "0.25"] }] },
                }),
            );
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/workspaces/ws-1/`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const client = (secretAccessKey: string) =>
        prometheusClient(
            base,
            sigv4Signer({
                service: "aps",
                region: "eu-central-1",
                credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey, sessionToken: "session-token" },
            }),
        );
    const QUERY = 'sum(rate(x_total{code=~"5.."}[60s])) / sum(rate(x_total[60s]))';

    it("is signed for service aps in the workspace's region, with the session token and the payload hash signed, and answered", async () => {
        expect(await client(SECRET)(QUERY, new Date("2026-12-07T10:00:00Z"))).toBe(0.25);
        const req = received.at(-1)!;
        expect(String(req.headers.authorization)).toMatch(
            /^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE\/\d{8}\/eu-central-1\/aps\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, /,
        );
        expect(req.headers["x-amz-security-token"]).toBe("session-token");
        // The query's spaces travel as %20, the way they were signed.
        expect(req.url).toContain("%20%2F%20sum");
        expect(req.url).not.toContain("+");
    });

    it("signed with the wrong key is refused by the workspace, and the analysis says what it answered", async () => {
        await expect(client("another-key")(QUERY, new Date())).rejects.toThrow(
            /answered 403 .*signature we calculated does not match/,
        );
    });

    it("finds the region in the workspace's endpoint", () => {
        expect(workspaceRegion("https://aps-workspaces.eu-central-1.amazonaws.com/workspaces/ws-1/")).toBe(
            "eu-central-1",
        );
        expect(workspaceRegion("https://prometheus.example.com/")).toBeUndefined();
    });
});
