/**
 * The assets Job's uploader (components/app/assets/uploader.sh), run for real: the script itself,
 * under `sh`, with the AWS CLI v2 (Debian's awscli in CI), against Versity's S3 gateway started by
 * the test, which verifies every request's signature. Three releases are uploaded in turn, then
 * cleaned up; the bucket is read back through the S3 API with signed requests. The age rule is shown by setting the script's clock (ASSETS_NOW) ahead.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCommand, type Finished } from "../../../harness";
import { awsCli, startS3Server, type S3Server } from "./s3Server";

const SCRIPT = path.resolve(__dirname, "../../../../components/app/assets/uploader.sh");
const BUCKET = "assets";
const PREFIX = "acme";
const DAY = 86_400;
const CACHE_CONTROL = "public, max-age=31536000, immutable";

/** Each release's files, by path under the asset folders; a fingerprinted file has the same body in every release. */
const RELEASES: Record<string, string[]> = {
    v1: [
        "assets/logo-5e1f.png",
        "assets/application-1a.css",
        "assets/icons/arrow-1b.svg",
        "assets/inter-1c.woff2",
        "packs/js/app-1d.js",
        "packs/js/app-1d.js.map",
    ],
    v2: ["assets/logo-5e1f.png", "assets/application-2a.css", "assets/inter-1c.woff2", "packs/js/app-2d.js"],
    // No packs folder: an image without Webpacker.
    v3: ["assets/logo-5e1f.png", "assets/application-3a.css", "assets/inter-3c.woff2"],
    v4: ["assets/logo-5e1f.png", "assets/application-4a.css"],
};
const body = (file: string) => `the body of ${file}\n`;
const keyOf = (file: string) => `${PREFIX}/${file}`;
const keysOf = (...tags: string[]) => [...new Set(tags.flatMap((t) => RELEASES[t].map(keyOf)))].sort();

let s3: S3Server;
let aws: string;
let work: string;

/** Why the server or the CLI could not be had: every test fails with it (none is skipped). */
let missing: Error | undefined;

beforeAll(async () => {
    try {
        aws = await awsCli();
        s3 = await startS3Server();
        await s3.createBucket(BUCKET);
    } catch (err) {
        missing = err as Error;
    }
    work = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-uploader-"));
}, 120_000);

beforeEach(() => {
    if (missing) throw missing;
});

afterAll(async () => {
    await s3?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** The folder the assets Job's init container fills for `tag`: one folder per URL prefix. */
function source(tag: string): string {
    const dir = path.join(work, "source", tag);
    for (const file of RELEASES[tag]) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), body(file));
    }
    return dir;
}

/** Runs the uploader for `tag` with the environment the assets Job gives it, and `env` on top. */
function upload(tag: string, env: Record<string, string>): Promise<Finished> {
    const home = path.join(work, "home");
    fs.mkdirSync(home, { recursive: true });
    return runCommand("sh", [SCRIPT], {
        env: {
            PATH: `${path.dirname(aws)}:${process.env.PATH}`,
            HOME: home,
            AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
            AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
            AWS_REGION: s3.region,
            AWS_CONFIG_FILE: path.join(home, "no-config"),
            AWS_SHARED_CREDENTIALS_FILE: path.join(home, "no-credentials"),
            AWS_EC2_METADATA_DISABLED: "true",
            AWS_ENDPOINT_URL: s3.endpoint,
            ASSETS_BUCKET: BUCKET,
            ASSETS_PREFIX: PREFIX,
            ASSETS_RELEASE: tag,
            ASSETS_KEEP: "2",
            ASSETS_RETAIN_DAYS: "30",
            ASSETS_PROTECT: "",
            ASSETS_SOURCE: source(tag),
            ASSETS_URL_PREFIXES: "/assets /packs",
            ...env,
        },
    });
}

/** Like upload, and fails the test with the script's output unless it succeeds. */
async function uploadOk(tag: string, env: Record<string, string>): Promise<string> {
    const r = await upload(tag, env);
    expect(r.status, `the uploader failed:\n${r.stdout}${r.stderr}`).toBe(0);
    return r.stdout;
}

/** Seconds since the epoch, `days` from now: the script's clock. */
const inDays = (days: number) => String(Math.floor(Date.now() / 1000) + days * DAY);

/** Every key under `prefix`, through the S3 API (ListObjectsV2). */
async function keys(prefix: string): Promise<string[]> {
    const res = await s3.request("GET", `/${BUCKET}?list-type=2&prefix=${encodeURIComponent(prefix)}`);
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).not.toContain("<IsTruncated>true</IsTruncated>");
    return [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]).sort();
}

/** The asset keys in the bucket: what CloudFront could serve. */
const assetKeys = async () => [...(await keys(`${PREFIX}/assets/`)), ...(await keys(`${PREFIX}/packs/`))].sort();

/** GETs one object through the S3 API. */
const get = (key: string) => s3.request("GET", `/${BUCKET}/${key}`);

/** Asserts that every file of `tags` is served with its body. */
async function expectServed(...tags: string[]): Promise<void> {
    for (const tag of tags)
        for (const file of RELEASES[tag]) {
            const res = await get(keyOf(file));
            expect(res.status, `${keyOf(file)} of ${tag}`).toBe(200);
            expect(await res.text()).toBe(body(file));
        }
}

describe.sequential("the assets uploader against a real S3 server", () => {
    it("uploads every file under the prefix with a year-long immutable Cache-Control and the Content-Type of its extension", async () => {
        const out = await uploadOk("v1", {});
        expect(out).toContain("uploaded 4 files to /assets/");
        expect(out).toContain("uploaded 2 files to /packs/");
        expect(await assetKeys()).toEqual(keysOf("v1"));
        const types: Record<string, string> = {
            "assets/logo-5e1f.png": "image/png",
            "assets/application-1a.css": "text/css",
            "assets/icons/arrow-1b.svg": "image/svg+xml",
            "assets/inter-1c.woff2": "font/woff2",
            "packs/js/app-1d.js": "text/javascript",
            "packs/js/app-1d.js.map": "application/json",
        };
        for (const [file, type] of Object.entries(types)) {
            const res = await get(keyOf(file));
            expect(res.headers.get("content-type"), file).toBe(type);
            expect(res.headers.get("cache-control"), file).toBe(CACHE_CONTROL);
        }
        const record = await get(`${PREFIX}/_releases/v1`);
        expect((await record.text()).split("\n").filter(Boolean)).toEqual(keysOf("v1"));
    });

    it("uploads two more releases in turn and removes nothing while the running and previous releases use the files", async () => {
        await uploadOk("v2", { ASSETS_PROTECT: "v1" });
        const out = await uploadOk("v3", { ASSETS_PROTECT: "v2 v1" });
        expect(out).toContain("keeping the files of releases v3 v2 v1");
        expect(out).toContain("removed 0 files");
        expect(await assetKeys()).toEqual(keysOf("v1", "v2", "v3"));
        await expectServed("v1", "v2", "v3");
    }, 240_000);

    it("running the same release again leaves every asset in place, and keeps an unused file younger than ASSETS_RETAIN_DAYS", async () => {
        const before = await assetKeys();
        const out = await uploadOk("v3", { ASSETS_PROTECT: "v3 v2" });
        expect(out).toContain("keeping the files of releases v3 v2");
        // v1's own four files are used by no kept release now, but were uploaded moments ago.
        expect(out).toContain("removed 0 files no kept release uses; kept 4 such files younger than 30 days");
        expect(await assetKeys()).toEqual(before);
        await expectServed("v1", "v2", "v3");
        expect(await keys(`${PREFIX}/_releases/`)).toEqual([`${PREFIX}/_releases/v2`, `${PREFIX}/_releases/v3`]);
    }, 120_000);

    it("removes the files no kept release uses once older than ASSETS_RETAIN_DAYS (the script's clock set 31 days ahead), and every kept release's file is still served", async () => {
        const out = await uploadOk("v3", { ASSETS_PROTECT: "v3 v2", ASSETS_NOW: inDays(31) });
        expect(out).toContain("removed 4 files");
        expect(await assetKeys()).toEqual(keysOf("v2", "v3"));
        await expectServed("v2", "v3");
        expect((await get(keyOf("assets/application-1a.css"))).status).toBe(404);
    }, 120_000);

    it("never removes a protected release's files, however old, beyond ASSETS_KEEP (the clock set 1000 days ahead)", async () => {
        const out = await uploadOk("v4", { ASSETS_KEEP: "1", ASSETS_PROTECT: "v2", ASSETS_NOW: inDays(1000) });
        expect(out).toContain("keeping the files of releases v4 v2");
        expect(out).toContain("removed 2 files");
        expect(await assetKeys()).toEqual(keysOf("v2", "v4"));
        await expectServed("v2", "v4");
    }, 120_000);

    it("removes nothing while a protected release has no record of its files", async () => {
        const before = await assetKeys();
        const out = await uploadOk("v4", { ASSETS_KEEP: "1", ASSETS_PROTECT: "v0", ASSETS_NOW: inDays(2000) });
        expect(out).toContain("release v0 is protected but has no record of its files: nothing is removed");
        expect(await assetKeys()).toEqual(before);
        await expectServed("v2", "v4");
    }, 120_000);

    it.each([
        [{ ASSETS_BUCKET: "no-such-bucket" }, /^uploader: recording release v4 failed: .+$/],
        [{ ASSETS_KEEP: "0" }, /^uploader: ASSETS_KEEP "0" is not a whole number of releases of at least 1$/],
        [{ ASSETS_PROTECT: "v2 ../v1" }, /^uploader: ASSETS_PROTECT names "..\/v1", which is not an image tag$/],
    ])(
        "fails with one line on stderr for %j",
        async (env, reason) => {
            const r = await upload("v4", env);
            expect(r.status).not.toBe(0);
            expect(r.stderr.trimEnd()).toMatch(reason);
        },
        120_000,
    );
});
