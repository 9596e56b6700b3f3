/**
 * The Pulumi CLI's update locks in a file backend, as the deploy finds and removes a dead holder's:
 * the lock's JSON file and the `.attrs` file the backend's blob store writes beside it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, describe, expect, it } from "vitest";
import { pulumiLocks, removePulumiLock } from "../../../scripts/deploy/locks";

/** A pid no process has: above the kernel's pid_max. */
const DEAD_PID = 4_194_304 + 17;

let backend: string;
afterEach(() => fs.rmSync(backend, { recursive: true, force: true }));

describe("a dead holder's update lock", () => {
    it("is found in the project's folder, and its removal leaves nothing of it behind", () => {
        backend = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-locks-"));
        const dir = path.join(backend, ".pulumi", "locks", "organization", "capstan", "local");
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, "0b1c2d3e.json");
        fs.writeFileSync(
            file,
            JSON.stringify({
                pid: DEAD_PID,
                username: "dev",
                hostname: os.hostname(),
                timestamp: "2026-12-07T12:00:00Z",
            }),
        );
        fs.writeFileSync(`${file}.attrs`, '{"user.cache_control":""}');
        const [holder, ...others] = pulumiLocks(backend, "capstan", "local");
        expect(others).toEqual([]);
        expect(holder).toMatchObject({ pid: DEAD_PID, user: "dev", stale: true, file });
        removePulumiLock(holder.file);
        expect(fs.readdirSync(dir)).toEqual([]);
        expect(pulumiLocks(backend, "capstan", "local")).toEqual([]);
    });
});
