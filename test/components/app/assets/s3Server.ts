/**
 * A real S3 server for the uploader's test: Versity's S3 gateway (`versitygw`) with its posix
 * backend, built by `npm run toolchain -- versitygw`, on a free loopback port with a temporary
 * folder. It verifies every request's SigV4 signature against its root keys, so the test reads the
 * bucket through the S3 API with requests signed by AWS's own signer (`@smithy/signature-v4`).
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BIN_DIR } from "../../../../scripts/localCluster/layout";
import { freePort } from "../../../../scripts/localCluster/processes";
import { onPath } from "../../../../scripts/cli/tools";
import { runCommand } from "../../../harness";

/** versitygw: $CAPSTAN_VERSITYGW, else the toolchain's; an error saying how to build it. */
export function versitygwBinary(): string {
    const file = process.env.CAPSTAN_VERSITYGW ?? path.join(BIN_DIR, "versitygw");
    if (fs.existsSync(file)) return file;
    throw new Error(
        `the uploader's test needs Versity's S3 gateway and found none at ${file}: build it with: npm run toolchain -- versitygw (as .ci/run does), or set CAPSTAN_VERSITYGW`,
    );
}

/**
 * The AWS CLI v2, the client the uploader image runs: $CAPSTAN_AWS_CLI, else Debian's /usr/bin/aws,
 * else the first `aws` on the PATH; an error saying how to install it when none is version 2.
 */
export async function awsCli(): Promise<string> {
    const candidates = [process.env.CAPSTAN_AWS_CLI, "/usr/bin/aws", onPath("aws")].filter((c): c is string => !!c);
    for (const c of candidates) {
        const version = await runCommand(c, ["--version"]).catch(() => undefined);
        if (version?.stdout.startsWith("aws-cli/2.")) return c;
    }
    throw new Error(
        `the uploader's test needs the AWS CLI v2 and found none (tried ${candidates.join(", ") || "nothing"}): install Debian's package (apt-get install -y awscli, as .ci/run does) or set CAPSTAN_AWS_CLI`,
    );
}

export interface S3Server {
    /** The server's URL, for AWS_ENDPOINT_URL. */
    readonly endpoint: string;
    readonly region: string;
    /** The only keys it accepts a signature from. */
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
    createBucket(bucket: string): Promise<void>;
    /** Sends `method` to `pathAndQuery` of the endpoint, signed with the credentials. */
    request(method: "GET" | "PUT", pathAndQuery: string): Promise<Response>;
    stop(): Promise<void>;
}

const REGION = "us-east-1";
const CREDENTIALS = { accessKeyId: "capstan-test", secretAccessKey: "capstan-test-secret" };

/** A fetch of the endpoint's `pathAndQuery`, with an empty body, signed as the AWS CLI signs for S3. */
function signedFetch(endpoint: string): S3Server["request"] {
    const signer = new SignatureV4({
        service: "s3",
        region: REGION,
        sha256: Sha256,
        credentials: CREDENTIALS,
        uriEscapePath: false,
    });
    return async (method, pathAndQuery) => {
        const url = new URL(pathAndQuery, endpoint);
        const query: Record<string, string> = {};
        for (const [k, v] of url.searchParams) query[k] = v;
        const signed = await signer.sign({
            method,
            protocol: url.protocol,
            hostname: url.hostname,
            port: Number(url.port),
            path: url.pathname,
            query,
            headers: { host: url.host },
        });
        return fetch(url, { method, headers: signed.headers });
    };
}

/** Polls `probe` every 250 ms until it is true; throws `what` after `ms`. */
async function until(probe: () => Promise<boolean>, ms: number, what: string): Promise<void> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
        if (await probe().catch(() => false)) return;
        await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(what);
}

/** Starts `versitygw posix` on a temporary folder; resolves once it answers. */
export async function startS3Server(): Promise<S3Server> {
    const binary = versitygwBinary();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-s3-"));
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    let log = "";
    // Its settings come from VGW_* and ROOT_* variables too: none but these reach it.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VGW_|ROOT_)/.test(k)));
    const args = ["--port", new URL(endpoint).host, "--region", REGION, "--quiet", "posix", dir];
    const child = spawn(binary, args, {
        stdio: ["ignore", "pipe", "pipe"],
        env: {
            ...env,
            ROOT_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
            ROOT_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        },
    });
    child.stdout.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    child.stderr.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const gone = () => child.exitCode !== null || child.signalCode !== null;
    const stop = async () => {
        if (!gone()) child.kill("SIGTERM");
        await exited;
        fs.rmSync(dir, { recursive: true, force: true });
    };
    const request = signedFetch(endpoint);
    // An unsigned request is refused with 403 once it serves; a signed one must be accepted.
    try {
        const answers = async () => gone() || (await fetch(endpoint)).status === 403;
        await until(answers, 30_000, `versitygw did not answer at ${endpoint}`);
        if (gone()) throw new Error(`versitygw exited (${child.exitCode ?? child.signalCode})`);
        const list = await request("GET", "/");
        if (!list.ok) throw new Error(`versitygw refused a signed ListBuckets: ${list.status} ${await list.text()}`);
    } catch (err) {
        await stop();
        throw new Error(`${(err as Error).message}; its log:\n${log}`);
    }
    const createBucket = async (bucket: string) => {
        const res = await request("PUT", `/${bucket}`);
        if (!res.ok) throw new Error(`versitygw did not create bucket ${bucket}: ${res.status} ${await res.text()}`);
    };
    return { endpoint, region: REGION, credentials: CREDENTIALS, createBucket, request, stop };
}
