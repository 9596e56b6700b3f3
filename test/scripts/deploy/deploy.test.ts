import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { factsFromState, findPulumiCli, updateHistory } from "../../../scripts/deploy/automation";
import { handChanges } from "../../../scripts/deploy/drift";
import { DeployLock, type Holder } from "../../../scripts/deploy/locks";
import type { Serving } from "../../../scripts/deploy/serving";
import { deployCli } from "../../../scripts/commands/deploy";
import { findRollbackTarget } from "../../../scripts/deploy/history";
import { lineWriter } from "../../../scripts/deploy/lines";
import {
    EXIT,
    urnName,
    type DeployBackend,
    type DeployStack,
    type HistoryEntry,
    type PendingOperation,
    type PreviewStep,
    type UpOutcome,
} from "../../../scripts/deploy/types";
import { runCommand } from "../../harness";

/** A pid no process has: above the kernel's pid_max. */
const DEAD_PID = 4_194_304 + 17;
const REPO = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/phraseapp";
const urn = (type: string, name: string) => `urn:pulumi:staging::capstan::capstan:app:RailsApp$${type}::${name}`;

function podInputs(tag: string, extra: Record<string, unknown> = {}) {
    return {
        metadata: { name: "phraseapp-web", labels: { "app.kubernetes.io/version": tag } },
        spec: { template: { spec: { containers: [{ name: "web", image: `${REPO}:${tag}`, ...extra }] } } },
    };
}

/** The preview of a clean deploy from `from` to `to`: the web Deployment, a CronJob and the migration Job. */
function deploySteps(from: string, to: string): PreviewStep[] {
    const cron = (tag: string) => ({
        spec: {
            jobTemplate: { spec: { template: { spec: { containers: [{ name: "cron", image: `${REPO}:${tag}` }] } } } },
        },
    });
    return [
        {
            op: "same",
            urn: "urn:pulumi:staging::capstan::pulumi:pulumi:Stack::capstan-staging",
            type: "pulumi:pulumi:Stack",
        },
        {
            op: "same",
            urn: urn("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "phraseapp-web"),
            type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
        },
        {
            op: "update",
            urn: urn("kubernetes:apps/v1:Deployment", "phraseapp-web"),
            type: "kubernetes:apps/v1:Deployment",
            oldInputs: podInputs(from),
            newInputs: podInputs(to),
        },
        {
            op: "update",
            urn: urn("kubernetes:batch/v1:CronJob", "phraseapp-cron-cleanup"),
            type: "kubernetes:batch/v1:CronJob",
            oldInputs: cron(from),
            newInputs: cron(to),
        },
        {
            op: "create",
            urn: urn("kubernetes:batch/v1:Job", `phraseapp-migrate-${to}`),
            type: "kubernetes:batch/v1:Job",
        },
        {
            op: "delete",
            urn: urn("kubernetes:batch/v1:Job", `phraseapp-migrate-${from}`),
            type: "kubernetes:batch/v1:Job",
        },
    ];
}

interface FakeOptions {
    /** The tag the stack file says and, unless `deployed` says otherwise, the one the stack runs. */
    tag?: string;
    previous?: string;
    /** The tag of the stack's last complete update (its imageTag output). */
    deployed?: string;
    steps?: (from: string, to: string) => PreviewStep[];
    up?: UpOutcome;
    upOutput?: string[];
    history?: HistoryEntry[];
    lastUpdate?: HistoryEntry;
    pending?: PendingOperation[];
    holders?: Holder[];
    serving?: Serving | string;
    drift?: string[] | string;
    cli?: boolean;
    interactive?: boolean;
    answer?: string;
    /** Runs during the update, as another terminal would. */
    duringUp?: (stackFile: string) => void;
}

/** A stack file's config value. */
function fileValue(file: string, key: string): string | undefined {
    const doc = YAML.parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, string> };
    return doc.config?.[key];
}

function fake(opts: FakeOptions = {}) {
    const calls: string[] = [];
    const upTargets: string[] = [];
    const upOpts: ({ stateAtEnd?: boolean } | undefined)[] = [];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-deploy-test-"));
    const stackFile = path.join(dir, "Pulumi.staging.yaml");
    const deployed = opts.deployed ?? opts.tag ?? "v1";
    fs.writeFileSync(
        stackFile,
        YAML.stringify({
            config: {
                "capstan:imageTag": opts.tag ?? "v1",
                ...(opts.previous ? { "capstan:previousImageTag": opts.previous } : {}),
            },
        }),
    );
    const removed: Holder[] = [];
    const stack: DeployStack = {
        name: "staging",
        stackFile,
        facts: async () => ({
            deployedTag: deployed,
            pending: calls.some((c) => c.startsWith("settle")) ? [] : (opts.pending ?? []),
            lastUpdate: opts.lastUpdate ?? { version: 1, kind: "update", result: "succeeded", imageTag: deployed },
        }),
        lockHolders: () => (opts.holders ?? []).filter((h) => !removed.includes(h)),
        removeLock: (h) => void removed.push(h),
        settlePending: async (pending) => (
            calls.push(`settle ${pending.map((p) => `${p.type} ${urnName(p.urn)}`).join(", ")}`),
            ["refreshed 1 resource(s) from the cluster"]
        ),
        drift: async () => opts.drift ?? [],
        removeOrphan: async (op) => (calls.push(`orphan ${op.urn}`), `removed ${op.object?.name}`),
        serving: async () =>
            opts.serving ?? { tags: [{ tag: deployed, ready: 2 }], notReady: 0, deployment: "ns/phraseapp-web" },
        preview: async (configFile) => {
            calls.push("preview");
            return (opts.steps ?? deploySteps)(deployed, fileValue(configFile, "capstan:imageTag") ?? "");
        },
        up: async (configFile, targets, onOutput, _signal, upOptions) => {
            calls.push(`up ${fileValue(configFile, "capstan:imageTag")}`);
            upTargets.push(...targets);
            upOpts.push(upOptions);
            opts.duringUp?.(stackFile);
            for (const chunk of opts.upOutput ?? []) onOutput(chunk);
            return opts.up ?? { ok: true, failures: [] };
        },
        history: async () => opts.history ?? [],
    };
    const backend: DeployBackend = {
        cliAvailable: () => opts.cli ?? true,
        stacks: async () => ["staging", "prod"],
        open: async () => stack,
        lockDir: () => path.join(dir, "locks"),
    };
    const out: string[] = [];
    const err: string[] = [];
    const questions: string[] = [];
    const io = {
        stdout: (t: string) => out.push(t),
        stderr: (t: string) => err.push(t),
        interactive: opts.interactive ?? false,
        ask: async (q: string) => {
            questions.push(q);
            return opts.answer ?? "";
        },
    };
    return {
        backend,
        io,
        calls,
        out,
        err,
        questions,
        upTargets,
        upOpts,
        removed,
        stackFile,
        lockDir: path.join(dir, "locks"),
        tag: () => fileValue(stackFile, "capstan:imageTag"),
        previous: () => fileValue(stackFile, "capstan:previousImageTag"),
        stdout: () => out.join(""),
        stderr: () => err.join(""),
    };
}

describe("npm run deploy", () => {
    it("sets the tag, previews, shows what rolls, updates with --yes and prints the result", async () => {
        const f = fake({
            upOutput: ["Updating (staging)\n  ~ phraseapp-web upd", "ating\n  ~ phraseapp-web updated\n"],
        });
        const code = await deployCli(["staging", "v2", "--yes"], f.io, f.backend);
        expect(code, f.stderr()).toBe(EXIT.ok);
        expect(f.calls).toEqual(["preview", "up v2"]);
        expect(f.stdout()).toContain(`phraseapp-web: ${REPO}:v1 -> ${REPO}:v2`);
        expect(f.stdout()).toContain("CronJob phraseapp-cron-cleanup");
        expect(f.stdout()).toContain("Migration: create phraseapp-migrate-v2, delete phraseapp-migrate-v1");
        expect(f.stdout()).toContain("Changes: 2 to update, 1 to create, 1 to delete, 2 unchanged");
        expect(f.stdout()).toMatch(/\(preview: \d+\.\d s\)/);
        expect(f.stdout()).toMatch(
            /Deployed v2 to stack staging in \d+\.\d s: 2 workloads rolled \(phraseapp-web, phraseapp-cron-cleanup\)/,
        );
        expect(f.out).toContain("  ~ phraseapp-web updating\n"); // a line split across chunks arrives whole
        // The update touches what rolls and the migration, and nothing the preview showed unchanged.
        expect([...f.upTargets].sort()).toEqual(
            [
                urn("kubernetes:apps/v1:Deployment", "phraseapp-web"),
                urn("kubernetes:batch/v1:CronJob", "phraseapp-cron-cleanup"),
                urn("kubernetes:batch/v1:Job", "phraseapp-migrate-v2"),
                urn("kubernetes:batch/v1:Job", "phraseapp-migrate-v1"),
            ].sort(),
        );
        expect(f.tag()).toBe("v2");
    });

    it("refuses a stack file that still holds example values before its preview, naming each key", async () => {
        const f = fake();
        const text = fs.readFileSync(f.stackFile, "utf8");
        fs.writeFileSync(
            f.stackFile,
            `${text}  capstan:app:\n    image: ${REPO}\n    env: { APP_HOST: staging.example.com }\n`,
        );
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.refused);
        expect(f.calls).toEqual([]);
        expect(f.stderr()).toContain("capstan:app.image:");
        expect(f.stderr()).toContain("capstan:app.env.APP_HOST:");
        expect(f.tag()).toBe("v1");
    });

    it("accepts the migration Job shown as a replacement", async () => {
        const steps = (from: string, to: string) => [
            ...deploySteps(from, to).filter((s) => s.type !== "kubernetes:batch/v1:Job"),
            {
                op: "replace",
                urn: urn("kubernetes:batch/v1:Job", "phraseapp-migrate"),
                type: "kubernetes:batch/v1:Job",
            },
        ];
        const f = fake({ steps });
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.ok);
    });

    it("writes the tag it replaces beside the new one, so that an older stack file is refused later", async () => {
        const f = fake({ tag: "v1", previous: "v0" });
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.ok);
        expect([f.tag(), f.previous()]).toEqual(["v2", "v1"]);
    });

    it("leaves the stack file as it was when it stops", async () => {
        const refusedSteps = (from: string, to: string) => [
            ...deploySteps(from, to),
            { op: "create", urn: "urn:pulumi:staging::capstan::aws:s3/bucket:Bucket::x", type: "aws:s3/bucket:Bucket" },
        ];
        const f = fake({ tag: "v1", previous: "v0", steps: refusedSteps });
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.refused);
        expect([f.tag(), f.previous()]).toEqual(["v1", "v0"]);
        const first = fake({ tag: "v1", steps: refusedSteps });
        await deployCli(["staging", "v2", "--yes"], first.io, first.backend);
        expect([first.tag(), first.previous()]).toEqual(["v1", undefined]);
    });

    it("stops when the preview changes anything besides the image tag, naming what and where, and restores the tag", async () => {
        const steps = (from: string, to: string) => [
            ...deploySteps(from, to),
            {
                op: "update",
                urn: urn("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "phraseapp-worker-default"),
                type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
                oldInputs: { spec: { maxReplicas: 2 } },
                newInputs: { spec: { maxReplicas: 5 } },
            },
            {
                op: "create",
                urn: "urn:pulumi:staging::capstan::aws:ec2/securityGroup:SecurityGroup::extra",
                type: "aws:ec2/securityGroup:SecurityGroup",
            },
        ];
        const f = fake({ steps });
        const code = await deployCli(["staging", "v2", "--yes"], f.io, f.backend);
        expect(code).toBe(EXIT.refused);
        expect(f.calls).toEqual(["preview"]);
        expect(f.tag()).toBe("v1");
        expect(f.stderr()).toContain("HorizontalPodAutoscaler phraseapp-worker-default: spec.maxReplicas");
        expect(f.stderr()).toContain("create   aws:ec2/securityGroup:SecurityGroup extra");
        expect(f.stderr()).toContain("--allow-infra-changes");
    });

    it("stops when a workload changes more than its image", async () => {
        const steps = (from: string, to: string) =>
            deploySteps(from, to).map((s) =>
                s.type === "kubernetes:apps/v1:Deployment"
                    ? { ...s, newInputs: podInputs(to, { command: ["bundle", "exec", "puma"] }) }
                    : s,
            );
        const f = fake({ steps });
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.refused);
        expect(f.stderr()).toContain("Deployment phraseapp-web: spec.template.spec.containers[0].command");
        expect(f.stderr()).not.toContain(".image");
    });

    it("deploys infrastructure changes too with --allow-infra-changes, listing them", async () => {
        const steps = (from: string, to: string) => [
            ...deploySteps(from, to),
            {
                op: "update",
                urn: urn("kubernetes:core/v1:Service", "phraseapp-web"),
                type: "kubernetes:core/v1:Service",
                diffKeys: ["spec.ports"],
            },
        ];
        const f = fake({ steps });
        expect(await deployCli(["staging", "v2", "--yes", "--allow-infra-changes"], f.io, f.backend)).toBe(EXIT.ok);
        expect(f.stdout()).toContain(
            "Also changing (--allow-infra-changes):\n  update   kubernetes:core/v1:Service phraseapp-web: spec.ports",
        );
        expect(f.calls).toContain("up v2");
        expect(f.upTargets).toContain(urn("kubernetes:core/v1:Service", "phraseapp-web"));
        // Other changes may be anything (an AWS resource too): the state is written after every step.
        expect(f.upOpts).toEqual([{ stateAtEnd: false }]);
    });

    it("writes the state once at the end of an update that only rolls workloads and replaces the migration", async () => {
        const f = fake();
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.ok);
        expect(f.upOpts).toEqual([{ stateAtEnd: true }]);
    });

    it("refuses to prompt without a terminal and without --yes", async () => {
        const f = fake({ interactive: false });
        expect(await deployCli(["staging", "v2"], f.io, f.backend)).toBe(EXIT.refused);
        expect(f.questions).toEqual([]);
        expect(f.calls).not.toContain("up v2");
        expect(f.tag()).toBe("v1");
        expect(f.stderr()).toContain("Pass --yes");
    });

    it.each([
        ["y", EXIT.ok, true],
        ["yes", EXIT.ok, true],
        ["", EXIT.refused, false],
        ["n", EXIT.refused, false],
    ])("asks on a terminal; answer %j exits %i", async (answer, code, updated) => {
        const f = fake({ interactive: true, answer });
        expect(await deployCli(["staging", "v2"], f.io, f.backend)).toBe(code);
        expect(f.questions).toEqual(["\nDeploy v2 to stack staging? [y/N] "]);
        expect(f.calls.includes("up v2")).toBe(updated);
        expect(f.tag()).toBe(updated ? "v2" : "v1");
    });

    it("a failed migration exits non-zero, names the Job and says the previous version is still serving", async () => {
        const up = {
            ok: false,
            failures: [
                {
                    urn: urn("kubernetes:batch/v1:Job", "phraseapp-migrate-v2"),
                    type: "kubernetes:batch/v1:Job",
                    message: "Job has reached the specified backoff limit",
                },
            ],
            error: "update failed",
        };
        const f = fake({ up });
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.failed);
        expect(f.stderr()).toContain(
            "failed: kubernetes:batch/v1:Job phraseapp-migrate-v2: Job has reached the specified backoff limit",
        );
        expect(f.stderr()).toContain(
            "failed: the migration Job phraseapp-migrate-v2 failed, so no workload was rolled",
        );
        expect(f.stderr()).toContain("Serving now, read from the cluster: v1 (2 ready web pods)");
        expect(f.stderr()).toContain("capstan logs staging migration");
        expect(f.tag()).toBe("v1");
    });

    it("a failed assets upload exits non-zero, names the assets Job and points at its log", async () => {
        const assetsUrn = urn("capstan:app:AssetsJob$kubernetes:batch/v1:Job", "phraseapp-assets-upload");
        const up = {
            ok: false,
            failures: [
                {
                    urn: assetsUrn,
                    type: "kubernetes:batch/v1:Job",
                    message: "Job has reached the specified backoff limit",
                },
            ],
            error: "update failed",
        };
        const f = fake({ up });
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.failed);
        expect(f.stderr()).toContain(
            "failed: the assets Job phraseapp-assets-upload failed to upload the release's assets, so no workload was rolled",
        );
        expect(f.stderr()).toContain("Serving now, read from the cluster: v1 (2 ready web pods)");
        expect(f.stderr()).toContain("capstan logs staging assets");
        expect(f.tag()).toBe("v1");
    });

    it("a failed rollout exits non-zero and names the Deployment", async () => {
        const up = {
            ok: false,
            failures: [
                {
                    urn: urn("kubernetes:apps/v1:Deployment", "phraseapp-web"),
                    type: "kubernetes:apps/v1:Deployment",
                    message: "timed out waiting to be Ready",
                },
            ],
        };
        const f = fake({ up });
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.failed);
        expect(f.stderr()).toContain(
            "failed: kubernetes:apps/v1:Deployment phraseapp-web: timed out waiting to be Ready",
        );
        expect(f.stderr()).toContain("failed: a rollout did not become ready before its deadline");
        expect(f.stderr()).toContain("Serving now, read from the cluster: v1 (2 ready web pods)");
    });

    it("does nothing when the state and the cluster say the stack runs the tag", async () => {
        const f = fake({ tag: "v1" });
        expect(await deployCli(["staging", "v1", "--yes"], f.io, f.backend)).toBe(EXIT.ok);
        expect(f.calls).toEqual([]);
        expect(f.stdout()).toContain("already runs v1: its last update completed with it and the cluster serves v1");
    });

    it("decides 'already runs' from the state, not the stack file: a file left at the new tag by a killed deploy still deploys", async () => {
        const f = fake({ tag: "v2", deployed: "v1" });
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.ok);
        expect(f.calls).toEqual(["preview", "up v2"]);
        expect(f.stdout()).not.toContain("already runs");
    });

    it("deploys again when the last update with the tag did not complete, or the cluster does not serve it", async () => {
        const failedLast = fake({
            tag: "v2",
            lastUpdate: { version: 2, kind: "update", result: "failed", imageTag: "v2" },
        });
        expect(await deployCli(["staging", "v2", "--yes"], failedLast.io, failedLast.backend)).toBe(EXIT.ok);
        expect(failedLast.calls).toContain("preview");
        const mixed = fake({
            tag: "v2",
            serving: {
                tags: [
                    { tag: "v1", ready: 2 },
                    { tag: "v2", ready: 1 },
                ],
                notReady: 0,
                deployment: "ns/web",
            },
        });
        expect(await deployCli(["staging", "v2", "--yes"], mixed.io, mixed.backend)).toBe(EXIT.ok);
        expect(mixed.calls).toContain("preview");
    });

    it("writes the stack file only once the update succeeded", async () => {
        let during: string | undefined;
        const f = fake({ duringUp: (file) => (during = fileValue(file, "capstan:imageTag")) });
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.ok);
        expect(during).toBe("v1");
        expect(f.tag()).toBe("v2");
    });

    it("rolls back to the tag of the last successful update before the current one", async () => {
        const history: HistoryEntry[] = [
            { version: 9, kind: "update", result: "failed", imageTag: "v4" },
            { version: 8, kind: "update", result: "succeeded", imageTag: "v3" },
            { version: 7, kind: "update", result: "succeeded", imageTag: "v3" },
            { version: 6, kind: "refresh", result: "succeeded", imageTag: "v1" },
            { version: 5, kind: "update", result: "failed", imageTag: "v2" },
            { version: 4, kind: "update", result: "succeeded", imageTag: "v1" },
        ];
        const f = fake({ tag: "v3", history });
        expect(await deployCli(["staging", "--rollback", "--yes"], f.io, f.backend)).toBe(EXIT.ok);
        expect(f.stdout()).toContain("Rolling back stack staging from v3 to v1 (the tag of update 4)");
        expect(f.calls).toEqual(["preview", "up v1"]);
    });

    it("rollback with no earlier tag exits non-zero without changing anything", async () => {
        const f = fake({ history: [{ version: 1, kind: "update", result: "succeeded", imageTag: "v1" }] });
        expect(await deployCli(["staging", "--rollback", "--yes"], f.io, f.backend)).toBe(EXIT.failed);
        expect(f.stderr()).toContain("nothing to roll back to");
        expect(f.calls).toEqual([]);
    });

    it.each([
        [[], "name the stack"],
        [["staging"], "name the image tag"],
        [["staging", "v2", "--rollback"], "either an image tag or --rollback"],
        [["staging", "v2", "--forse"], "unknown option --forse"],
        [["staging", "bad tag!"], "not a valid image tag"],
    ])("says how to call it when called as %j", async (argv, message) => {
        const f = fake();
        expect(await deployCli(argv, f.io, f.backend)).toBe(EXIT.usage);
        expect(f.stderr()).toContain(message);
        expect(f.stderr()).toContain("usage: capstan deploy <stack> <imageTag>");
    });

    it("a stack that cannot be opened exits non-zero with the reason", async () => {
        const f = fake();
        const backend: DeployBackend = {
            ...f.backend,
            open: async () => Promise.reject(new Error("error: failed to decrypt\n    at Stack.open (x.js:1:1)")),
        };
        expect(await deployCli(["staging", "v2"], f.io, backend)).toBe(EXIT.failed);
        expect(f.stderr()).toBe("deploy: cannot read stack staging: error: failed to decrypt\n");
    });

    it("a stack name with no stack file is a usage error, checked first, that lists the stacks there are", async () => {
        const f = fake();
        expect(await deployCli(["stagign", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.usage);
        expect(f.stderr()).toContain("no stack named stagign: there is no Pulumi.stagign.yaml");
        expect(f.stderr()).toContain("did you mean staging?");
        expect(f.calls).toEqual([]);
    });

    it("a stack the backend does not have is a usage error that lists the backend's stacks", async () => {
        const f = fake();
        expect(await deployCli(["local", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.usage);
        expect(f.stderr()).toContain("no stack named local in this backend (stacks: staging, prod)");
        expect(f.calls).toEqual([]);
    });

    it("without the Pulumi CLI, says how to install it", async () => {
        const f = fake({ cli: false });
        expect(await deployCli(["staging", "v2"], f.io, f.backend)).toBe(EXIT.noCli);
        expect(f.stderr()).toContain("https://www.pulumi.com/docs/install/");
        expect(f.calls).toEqual([]);
    });

    it("npm run deploy on a machine without the CLI fails with an install hint", async () => {
        const pathWithoutPulumi = (process.env.PATH ?? "")
            .split(path.delimiter)
            .filter((d) => !fs.existsSync(path.join(d, "pulumi")))
            .join(path.delimiter);
        const env = { ...process.env, PATH: pathWithoutPulumi };
        expect(findPulumiCli(env)).toBeUndefined();
        const run = await runCommand("npm", ["run", "--silent", "deploy", "--", "staging", "abc123"], { env });
        expect(run.status).toBe(EXIT.noCli);
        expect(run.stderr).toContain("the Pulumi CLI is not installed");
        expect(run.stderr).toContain("curl -fsSL https://get.pulumi.com | sh");
    });

    it("finds the CLI on PATH", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-cli-"));
        fs.writeFileSync(path.join(dir, "pulumi"), "#!/bin/sh\n", { mode: 0o755 });
        expect(findPulumiCli({ PATH: dir })).toBe(path.join(dir, "pulumi"));
    });
});

describe("a deploy tells the truth when things go wrong", () => {
    const holder = (pid: number, host = os.hostname()): Holder => ({
        user: "ci",
        host,
        pid,
        since: "2026-12-07T12:00:00.000Z",
        file: "/state/.pulumi/locks/organization/capstan/staging/x.json",
        stale: host === os.hostname() && pid === DEAD_PID,
    });

    it("a second deploy while one runs is refused at once, naming the holder, and changes nothing", async () => {
        const f = fake();
        const first = DeployLock.take(f.lockDir, "staging", "capstan deploy v3 from /src");
        expect("lock" in first).toBe(true);
        try {
            expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.refused);
        } finally {
            if ("lock" in first) first.lock.release();
        }
        expect(f.calls).toEqual([]);
        expect(f.stderr()).toContain(
            `stack staging is being deployed by ${os.userInfo().username}@${os.hostname()} (pid ${process.pid}) since `,
        );
        expect(f.stderr()).toContain("capstan deploy v3 from /src");
        expect(f.tag()).toBe("v1");
    });

    it("clears the deploy lock of a process that is gone, and says so", async () => {
        const f = fake();
        fs.mkdirSync(f.lockDir, { recursive: true });
        const lockFile = path.join(f.lockDir, "staging.json");
        fs.writeFileSync(
            lockFile,
            JSON.stringify({
                pid: DEAD_PID,
                username: "ci",
                hostname: os.hostname(),
                timestamp: "2026-12-07T12:00:00Z",
            }),
        );
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.ok);
        expect(f.stdout()).toContain(`Removed the deploy lock left by ci@${os.hostname()} (pid ${DEAD_PID})`);
        expect(fs.existsSync(lockFile)).toBe(false); // released at the end
    });

    it("keeps a deploy lock taken on another host: its process cannot be proven gone", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-lock-"));
        fs.writeFileSync(
            path.join(dir, "staging.json"),
            JSON.stringify({ pid: DEAD_PID, username: "ci", hostname: "runner-7", timestamp: "2026-12-07T12:00:00Z" }),
        );
        const taken = DeployLock.take(dir, "staging", "x");
        expect("heldBy" in taken && taken.heldBy.host).toBe("runner-7");
    });

    it("refuses while the backend's update lock is held by a live process, with the command for a dead one", async () => {
        const f = fake({ holders: [holder(process.pid, "runner-7")] });
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.refused);
        expect(f.stderr()).toContain("stack staging is locked by another update: ci@runner-7");
        expect(f.stderr()).toContain("pulumi cancel --stack staging");
        expect(f.calls).toEqual([]);
    });

    it("removes the backend's update lock of a dead process on this host, says so, and deploys", async () => {
        const stale = holder(DEAD_PID);
        const f = fake({ holders: [stale] });
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.ok);
        expect(f.removed).toEqual([stale]);
        expect(f.stdout()).toContain(`Removed the stack's update lock left by ci@${os.hostname()} (pid ${DEAD_PID})`);
    });

    it("settles what a dead update left (its half-run migration Job, its pending operations) before the preview", async () => {
        const pending: PendingOperation[] = [
            {
                type: "creating",
                urn: urn("kubernetes:batch/v1:Job", "phraseapp-migrate-v2"),
                object: { kind: "Job", name: "phraseapp-migrate-v2", namespace: "phraseapp" },
            },
            { type: "updating", urn: urn("kubernetes:apps/v1:Deployment", "phraseapp-web") },
        ];
        const f = fake({ tag: "v1", pending });
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.ok);
        // Every operation the dead update left goes to the settling, the orphaned Job first removed.
        expect(f.calls).toEqual([
            `orphan ${pending[0].urn}`,
            "settle creating phraseapp-migrate-v2, updating phraseapp-web",
            "preview",
            "up v2",
        ]);
        expect(f.stdout()).toContain(
            "The last update of stack staging stopped before it finished (its process died) while:",
        );
        expect(f.stdout()).toContain("creating kubernetes:batch/v1:Job phraseapp-migrate-v2");
    });

    it("a stack file changed while the deploy runs is named and not deployed; the change is kept", async () => {
        const f = fake({
            duringUp: (file) =>
                fs.writeFileSync(
                    file,
                    fs.readFileSync(file, "utf8").replace("capstan:imageTag: v1", "capstan:imageTag: v9"),
                ),
        });
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.ok);
        expect(f.calls).toEqual(["preview", "up v2"]);
        expect(f.stdout()).toContain("Deployed v2");
        expect(f.stdout()).toContain("The stack file was changed while the deploy ran (capstan:imageTag)");
        expect(f.tag()).toBe("v2");
    });

    it.each([
        [
            "the backend's lock",
            "error: the stack is currently locked by 1 lock(s). Either wait",
            "another update holds the stack's lock",
            "pulumi cancel --stack staging",
        ],
        [
            "an API server that went away",
            'error: Get "https://127.0.0.1:6443/apis/apps/v1": dial tcp 127.0.0.1:6443: connect: connection refused',
            "the cluster's API server could not be reached",
            "kubectl get --raw /readyz",
        ],
        [
            "a quota",
            'pods "web-5d8" is forbidden: exceeded quota: phraseapp, requested: pods=1, used: pods=10, limited: pods=10',
            "the API server refused a pod: the namespace's ResourceQuota phraseapp is exhausted (requested pods=1, used pods=10, limited pods=10)",
            "capstan:tenant.quota",
        ],
        [
            "a rollout's deadline",
            "Deployment exceeded its progress deadline (ProgressDeadlineExceeded)",
            "a rollout did not become ready before its deadline",
            "capstan status staging",
        ],
    ])("names the real cause of a failed update: %s", async (_, error, what, recovery) => {
        const f = fake({ up: { ok: false, failures: [], error } });
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.failed);
        expect(f.stderr()).toContain(`failed: ${what}`);
        expect(f.stderr()).toContain(recovery);
        expect(f.stderr()).toContain("Serving now, read from the cluster: v1 (2 ready web pods)");
        expect(f.stderr()).not.toMatch(/err\?:|Command failed with exit code|^\s+at /m);
        expect(f.tag()).toBe("v1");
    });

    it("names a quota the cluster's ReplicaSets met when the engine reports only the rollout's deadline", async () => {
        const refused =
            'phraseapp-web-7c9: pods "phraseapp-web-7c9-x2" is forbidden: exceeded quota: phraseapp, requested: limits.memory=768Mi, used: limits.memory=3776Mi, limited: limits.memory=4Gi';
        const f = fake({
            up: {
                ok: false,
                failures: [],
                error: "Deployment exceeded its progress deadline (ProgressDeadlineExceeded)",
            },
            serving: {
                tags: [{ tag: "v1", ready: 2 }],
                notReady: 0,
                deployment: "ns/phraseapp-web",
                refused: [refused],
            },
        });
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.failed);
        expect(f.stderr()).toContain(
            "failed: the API server refused a pod: the namespace's ResourceQuota phraseapp is exhausted",
        );
        expect(f.stderr()).toContain(`Refused: ${refused}`);
        expect(f.stderr()).toContain("capstan:tenant.quota");
    });

    it("names what was changed in the cluster by hand, and updates only what the preview showed", async () => {
        const f = fake({
            drift: ["HorizontalPodAutoscaler phraseapp-web: changed by kubectl-edit at 2026-12-07T12:30:01.000Z"],
        });
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.ok);
        expect(f.stdout()).toContain(
            "Changed in the cluster by hand since Pulumi last wrote it, and left as it is by this deploy, whose update changes only what its preview showed:\n  HorizontalPodAutoscaler phraseapp-web: changed by kubectl-edit",
        );
        // The hand-changed HPA shows unchanged in the preview (it reads the state): the update targets only what rolls.
        expect([...f.upTargets].sort()).toEqual(
            [
                urn("kubernetes:apps/v1:Deployment", "phraseapp-web"),
                urn("kubernetes:batch/v1:CronJob", "phraseapp-cron-cleanup"),
                urn("kubernetes:batch/v1:Job", "phraseapp-migrate-v2"),
                urn("kubernetes:batch/v1:Job", "phraseapp-migrate-v1"),
            ].sort(),
        );
    });

    it("says so when what serves cannot be read, instead of guessing", async () => {
        const f = fake({
            up: { ok: false, failures: [], error: "dial tcp: connection refused" },
            serving: "the cluster could not be read (connect ECONNREFUSED)",
        });
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.failed);
        expect(f.stderr()).toContain(
            "What serves could not be read: the cluster could not be read (connect ECONNREFUSED)",
        );
        expect(f.stderr()).not.toContain("still serving");
    });
});

describe("hand changes in the cluster", () => {
    const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 12, 0, s)).toISOString();
    it("are the writes of a person's tool after Pulumi's newest write of the object, not the machinery's or status", () => {
        const entries = [
            { manager: "pulumi-kubernetes-1a2b", operation: "Apply", time: at(10) },
            { manager: "kubectl-edit", operation: "Update", time: at(5) }, // before Pulumi's write: Pulumi's view includes it
            { manager: "kubectl-patch", operation: "Update", time: at(20) },
            { manager: "kube-controller-manager", operation: "Update", time: at(30) },
            { manager: "kubectl-edit", operation: "Update", time: at(40), subresource: "status" },
        ];
        expect(handChanges("HorizontalPodAutoscaler", "phraseapp-web", entries)).toEqual([
            { kind: "HorizontalPodAutoscaler", name: "phraseapp-web", manager: "kubectl-patch", time: at(20) },
        ]);
    });

    it("are none on an object Pulumi never wrote", () => {
        expect(handChanges("ConfigMap", "x", [{ manager: "kubectl-edit", time: at(1) }])).toEqual([]);
    });
});

describe("the rollback target", () => {
    it("ignores previews and updates without a tag", () => {
        const target = findRollbackTarget([
            { version: 3, kind: "update", result: "succeeded", imageTag: "b" },
            { version: 2, kind: "preview", result: "succeeded", imageTag: "x" },
            { version: 1, kind: "update", result: "succeeded", imageTag: "a" },
        ]);
        expect(target).toEqual({ current: "b", previous: "a", update: "update 1" });
    });

    it("on a file backend, where every version is 0 and start times tie, follows the history's own order, newest first", () => {
        const at = "2026-12-04T10:00:00.000Z";
        const target = findRollbackTarget([
            { version: 0, kind: "update", result: "succeeded", imageTag: "t3", startTime: at },
            { version: 0, kind: "update", result: "succeeded", imageTag: "t2", startTime: at },
            { version: 0, kind: "update", result: "succeeded", imageTag: "t1", startTime: at },
        ]);
        expect(target).toEqual({ current: "t3", previous: "t2", update: `the update started ${at}` });
    });
});

describe("the guard judges by the provider's property diff", () => {
    const service = (diffKeys: string[] | undefined): PreviewStep => ({
        op: "update",
        urn: urn("kubernetes:core/v1:Service", "phraseapp-web"),
        type: "kubernetes:core/v1:Service",
        oldInputs: { spec: { ports: [{ port: 80, targetPort: 3000 }] } },
        newInputs: { spec: { ports: [{ port: 80, targetPort: "http" }] } },
        diffKeys,
    });

    it("lets a tag deploy through when an update reports no changed property (after a refresh)", async () => {
        const steps = (from: string, to: string) => [...deploySteps(from, to), service([])];
        const f = fake({ steps });
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.ok);
        expect(f.stdout()).toContain("3 unchanged");
    });

    it("stops at a property the provider reports, with its path", async () => {
        const steps = (from: string, to: string) => [...deploySteps(from, to), service(["spec.ports[0].targetPort"])];
        const f = fake({ steps });
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.refused);
        expect(f.stderr()).toContain("kubernetes:core/v1:Service phraseapp-web: spec.ports[0].targetPort");
    });

    it("reads the old and new image at each path of the diff, quoted keys included", async () => {
        const steps = (from: string, to: string) =>
            deploySteps(from, to).map((s) =>
                s.type === "kubernetes:apps/v1:Deployment"
                    ? {
                          ...s,
                          diffKeys: [
                              "spec.template.spec.containers[0].image",
                              'metadata.labels["app.kubernetes.io/version"]',
                          ],
                      }
                    : s,
            );
        const f = fake({ steps });
        expect(await deployCli(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.ok);
        expect(f.stdout()).toContain(`Deployment phraseapp-web: ${REPO}:v1 -> ${REPO}:v2`);
    });
});

describe("line-by-line output", () => {
    it("writes whole lines whatever the chunks, and the rest on flush", () => {
        const lines: string[] = [];
        const w = lineWriter((l) => lines.push(l));
        for (const chunk of ["a", "b\nc\nd", "", "e\n", "tail"]) w.push(chunk);
        w.flush();
        expect(lines).toEqual(["ab\n", "c\n", "de\n", "tail\n"]);
    });
});

describe("what deploy reads from the stack", () => {
    it("reads the deployed tag from the state's root outputs, and the operations a dead update left", () => {
        const facts = factsFromState({
            resources: [
                {
                    type: "pulumi:pulumi:Stack",
                    outputs: {
                        imageTag: "v1",
                        kubeconfig: {
                            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                            ciphertext: "x",
                        },
                    },
                },
            ],
            pending_operations: [
                {
                    type: "creating",
                    resource: {
                        urn: "urn:pulumi:local::capstan::kubernetes:batch/v1:Job::phraseapp-migrate-v2",
                        type: "kubernetes:batch/v1:Job",
                        inputs: { kind: "Job", metadata: { name: "phraseapp-migrate-v2", namespace: "phraseapp" } },
                    },
                },
            ],
        });
        expect(facts).toEqual({
            deployedTag: "v1",
            pending: [
                {
                    type: "creating",
                    urn: "urn:pulumi:local::capstan::kubernetes:batch/v1:Job::phraseapp-migrate-v2",
                    object: { kind: "Job", name: "phraseapp-migrate-v2", namespace: "phraseapp" },
                },
            ],
        });
        expect(factsFromState({})).toEqual({ deployedTag: undefined, pending: [] });
    });

    it("reads the update history without --show-secrets, so no passphrase is needed for a plain tag", async () => {
        const asked: unknown[][] = [];
        const stack = {
            history: async (...args: unknown[]) => (
                asked.push(args),
                [
                    {
                        version: 3,
                        kind: "update",
                        result: "succeeded",
                        startTime: "2026-11-20T10:00:00Z",
                        config: { "capstan:imageTag": { value: "t3", secret: false } },
                    },
                ]
            ),
        };
        expect(await updateHistory(stack as never)).toEqual([
            { version: 3, kind: "update", result: "succeeded", imageTag: "t3", startTime: "2026-11-20T10:00:00.000Z" },
        ]);
        // The Automation API adds --show-secrets unless the third argument is false.
        expect(asked).toEqual([[undefined, undefined, false]]);
    });
});
