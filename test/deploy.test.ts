import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { currentImageTag, findPulumiCli, updateHistory } from "../scripts/deploy/automation";
import { runDeploy } from "../scripts/deploy/flow";
import { findRollbackTarget } from "../scripts/deploy/history";
import { lineWriter } from "../scripts/deploy/lines";
import {
    EXIT,
    type DeployBackend,
    type DeployStack,
    type HistoryEntry,
    type PreviewStep,
    type UpOutcome,
} from "../scripts/deploy/types";
import { runCommand } from "./harness";

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
    tag?: string;
    steps?: (from: string, to: string) => PreviewStep[];
    up?: UpOutcome;
    upOutput?: string[];
    history?: HistoryEntry[];
    cli?: boolean;
    interactive?: boolean;
    answer?: string;
}

function fake(opts: FakeOptions = {}) {
    const calls: string[] = [];
    const upTargets: string[] = [];
    let tag = opts.tag ?? "v1";
    const stack: DeployStack = {
        name: "staging",
        imageTag: async () => tag,
        setImageTag: async (t) => {
            calls.push(`set ${t}`);
            tag = t;
        },
        preview: async () => {
            calls.push("preview");
            return (opts.steps ?? deploySteps)(opts.tag ?? "v1", tag);
        },
        up: async (targets, onOutput) => {
            calls.push("up");
            upTargets.push(...targets);
            for (const chunk of opts.upOutput ?? []) onOutput(chunk);
            return opts.up ?? { ok: true, failures: [] };
        },
        history: async () => opts.history ?? [],
    };
    const backend: DeployBackend = { cliAvailable: () => opts.cli ?? true, open: async () => stack };
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
        tag: () => tag,
        stdout: () => out.join(""),
        stderr: () => err.join(""),
    };
}

describe("npm run deploy", () => {
    it("sets the tag, previews, shows what rolls, updates with --yes and prints the result", async () => {
        const f = fake({
            upOutput: ["Updating (staging)\n  ~ phraseapp-web upd", "ating\n  ~ phraseapp-web updated\n"],
        });
        const code = await runDeploy(["staging", "v2", "--yes"], f.io, f.backend);
        expect(code, f.stderr()).toBe(EXIT.ok);
        expect(f.calls).toEqual(["set v2", "preview", "up"]);
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
        expect(await runDeploy(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.ok);
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
        const code = await runDeploy(["staging", "v2", "--yes"], f.io, f.backend);
        expect(code).toBe(EXIT.refused);
        expect(f.calls).toEqual(["set v2", "preview", "set v1"]);
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
        expect(await runDeploy(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.refused);
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
        expect(await runDeploy(["staging", "v2", "--yes", "--allow-infra-changes"], f.io, f.backend)).toBe(EXIT.ok);
        expect(f.stdout()).toContain(
            "Also changing (--allow-infra-changes):\n  update   kubernetes:core/v1:Service phraseapp-web: spec.ports",
        );
        expect(f.calls).toContain("up");
        expect(f.upTargets).toContain(urn("kubernetes:core/v1:Service", "phraseapp-web"));
    });

    it("refuses to prompt without a terminal and without --yes", async () => {
        const f = fake({ interactive: false });
        expect(await runDeploy(["staging", "v2"], f.io, f.backend)).toBe(EXIT.refused);
        expect(f.questions).toEqual([]);
        expect(f.calls).not.toContain("up");
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
        expect(await runDeploy(["staging", "v2"], f.io, f.backend)).toBe(code);
        expect(f.questions).toEqual(["\nDeploy v2 to stack staging? [y/N] "]);
        expect(f.calls.includes("up")).toBe(updated);
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
        expect(await runDeploy(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.failed);
        expect(f.stderr()).toContain(
            "failed: kubernetes:batch/v1:Job phraseapp-migrate-v2: Job has reached the specified backoff limit",
        );
        expect(f.stderr()).toContain(
            "The previous version (v1) is still serving: the migration failed, so no workload was rolled",
        );
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
        expect(await runDeploy(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.failed);
        expect(f.stderr()).toContain(
            "failed: kubernetes:apps/v1:Deployment phraseapp-web: timed out waiting to be Ready",
        );
        expect(f.stderr()).toContain("The previous version (v1) is still serving");
    });

    it("does nothing when the stack already runs the tag", async () => {
        const f = fake({ tag: "v1" });
        expect(await runDeploy(["staging", "v1", "--yes"], f.io, f.backend)).toBe(EXIT.ok);
        expect(f.calls).toEqual([]);
        expect(f.stdout()).toContain("already runs v1");
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
        expect(await runDeploy(["staging", "--rollback", "--yes"], f.io, f.backend)).toBe(EXIT.ok);
        expect(f.stdout()).toContain("Rolling back stack staging from v3 to v1 (the tag of update 4)");
        expect(f.calls).toEqual(["set v1", "preview", "up"]);
    });

    it("rollback with no earlier tag exits non-zero without changing anything", async () => {
        const f = fake({ history: [{ version: 1, kind: "update", result: "succeeded", imageTag: "v1" }] });
        expect(await runDeploy(["staging", "--rollback", "--yes"], f.io, f.backend)).toBe(EXIT.failed);
        expect(f.stderr()).toContain("nothing to roll back to");
        expect(f.calls).toEqual([]);
    });

    it.each([
        [[], "name the stack"],
        [["staging"], "name the image tag"],
        [["staging", "v2", "--rollback"], "either an image tag or --rollback"],
        [["staging", "v2", "--force"], "unknown option --force"],
        [["staging", "bad tag!"], "not a valid image tag"],
    ])("says how to call it when called as %j", async (argv, message) => {
        const f = fake();
        expect(await runDeploy(argv, f.io, f.backend)).toBe(EXIT.usage);
        expect(f.stderr()).toContain(message);
        expect(f.stderr()).toContain("usage: npm run deploy -- <stack> <imageTag>");
    });

    it("a stack that cannot be opened exits non-zero with the reason", async () => {
        const f = fake();
        const backend: DeployBackend = {
            cliAvailable: () => true,
            open: async () => Promise.reject(new Error("no stack named 'staging' found")),
        };
        expect(await runDeploy(["staging", "v2"], f.io, backend)).toBe(EXIT.failed);
        expect(f.stderr()).toContain("deploy: cannot read stack staging: no stack named 'staging' found");
    });

    it("without the Pulumi CLI, says how to install it", async () => {
        const f = fake({ cli: false });
        expect(await runDeploy(["staging", "v2"], f.io, f.backend)).toBe(EXIT.noCli);
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
        expect(await runDeploy(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.ok);
        expect(f.stdout()).toContain("3 unchanged");
    });

    it("stops at a property the provider reports, with its path", async () => {
        const steps = (from: string, to: string) => [...deploySteps(from, to), service(["spec.ports[0].targetPort"])];
        const f = fake({ steps });
        expect(await runDeploy(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.refused);
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
        expect(await runDeploy(["staging", "v2", "--yes"], f.io, f.backend)).toBe(EXIT.ok);
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
    it("reads the current tag with `pulumi config get` of that one plain key, never the decrypted config", async () => {
        const asked: unknown[][] = [];
        const stack = {
            getConfig: async (...args: unknown[]) => (asked.push(args), { value: "2026.11.20-4f2c9e1", secret: false }),
        };
        expect(await currentImageTag(stack as never)).toBe("2026.11.20-4f2c9e1");
        expect(asked).toEqual([["capstan:imageTag"]]);
    });

    it("takes an unset tag as none", async () => {
        const stack = {
            getConfig: async () =>
                Promise.reject(
                    new Error(
                        "code: 255\n stderr: error: configuration key 'capstan:imageTag' not found for stack 'local'",
                    ),
                ),
        };
        expect(await currentImageTag(stack as never)).toBeUndefined();
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
