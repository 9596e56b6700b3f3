/**
 * `capstan kube-score [<stack>...]`: kube-score (built by `npm run toolchain`) over the manifests
 * of every committed stack's render. The checks Capstan declines on purpose are listed in ACCEPTED,
 * each with the reason; any other finding (critical or warning) fails the command.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MISSING_TOOL_EXIT } from "../cli/cli";
import { defineCommand } from "../cli/define";
import { processIo, runCommand, type CommandIo } from "../cli/runCommand";
import { toolchainPieceMissing } from "../cli/tools";
import { loadProgram, PROJECT_DIR } from "../cli/program";
import { renderStack } from "../render/render";
import { listStacks } from "../cli/stackfile";

export const definition = defineCommand<{ stacks: string[] }>({
    name: "kube-score",
    summary: "check every stack's manifests with kube-score",
    description:
        'Renders each stack offline and runs kube-score (built by `capstan toolchain kube-score`) over its manifests. The checks Capstan declines on purpose are listed, each with its reason, in docs/real-engine.md ("Checked by kube-score"); any other finding, critical or warning, fails the command.',
    arguments: [
        {
            name: "stack",
            description: "the stacks to check (default: every stack with a Pulumi.<stack>.yaml)",
            variadic: true,
            stack: true,
        },
    ],
    options: [],
    examples: [
        { command: "capstan kube-score", says: "every stack's manifests" },
        { command: "capstan kube-score prod tenant-acme", says: "two stacks'" },
    ],
    exits: ["missingTool"],
    parse: (line) => ({ stacks: [...line.positionals] }),
});

/** A kube-score check that Capstan declines on purpose, for some objects or all, and why. */
export interface Accepted {
    readonly check: string;
    /** The objects it is declined for (`Kind/name`); every object when absent. */
    readonly objects?: RegExp;
    readonly reason: string;
}

/** What Capstan declines of kube-score's checks. docs/real-engine.md ("Checked by kube-score") lists the same. */
export const ACCEPTED: readonly Accepted[] = [
    // Also declined, with kube-score's own flag --ignore-container-cpu-limit: CPU limits. A limit
    // throttles a Ruby process even on an idle node; CPU requests size the pods and drive the HPA.
    {
        check: "container-image-pull-policy",
        reason: "IfNotPresent: every tag is immutable and never `latest` (config check and policy pinned-image-tags), so Always adds a registry call to every start and makes a registry outage stop pods from starting",
    },
    {
        check: "container-security-context-user-group-id",
        reason: "the app runs as its image's own user (capstan:app.runAsUser, default 1000), who owns its files; non-root is enforced by restricted Pod Security",
    },
    {
        check: "pod-probes-identical",
        reason: "web liveness and readiness both ask Rails' /up, which touches no database: readiness takes a pod out after 15 s, liveness restarts it only after 60 s, so a pod slow under load leaves the Service long before it is restarted; a TCP check would miss a Puma that accepts but never answers",
    },
    {
        check: "deployment-has-host-podantiaffinity",
        reason: "replicas spread over nodes with a topology spread constraint (ScheduleAnyway) instead: a required anti-affinity would leave a rollout's surge pod Pending on a group with as many nodes as replicas",
    },
    {
        check: "horizontalpodautoscaler-replicas",
        objects: /^HorizontalPodAutoscaler\/.*(-canary|-worker-.*)$/,
        reason: "a canary starts at one pod, and a staging worker may run one; production refuses a worker of one pod (config check)",
    },
    {
        check: "service-targets-pod",
        objects: /^Service\/nginx-(public|internal)-edge$/,
        reason: "the edge Services select the NGINX Ingress Controller's pods, which its Helm release creates and a render does not contain",
    },
];

/** Where the toolchain builds kube-score. */
function kubeScore(): string {
    const bin = path.join(
        process.env.CAPSTAN_CACHE ?? path.join(os.homedir(), ".cache", "capstan"),
        "toolchain",
        "bin",
        "kube-score",
    );
    return bin;
}

function run(command: string, args: readonly string[]): Promise<{ code: number | null; stdout: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
        let stdout = "";
        child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout }));
    });
}

/** One finding: a check that an object fails. */
export interface Finding {
    readonly object: string;
    readonly check: string;
    readonly grade: number;
    readonly comments: string;
}

interface ScoredObject {
    type_meta: { kind: string };
    object_meta: { name: string; namespace?: string };
    checks: { check: { id: string }; grade: number; skipped: boolean; comments: { summary: string }[] | null }[];
}

/** Every failed check of `kube-score score --output-format json` (grade below 10, not skipped). */
export function findingsOf(json: string): Finding[] {
    return (JSON.parse(json) as ScoredObject[]).flatMap((o) =>
        o.checks
            .filter((c) => !c.skipped && c.grade < 10)
            .map((c) => ({
                object: `${o.type_meta.kind}/${o.object_meta.name}`,
                check: c.check.id,
                grade: c.grade,
                comments: (c.comments ?? []).map((x) => x.summary).join("; "),
            })),
    );
}

/** The findings Capstan does not decline. */
export function unaccepted(findings: readonly Finding[], accepted: readonly Accepted[] = ACCEPTED): Finding[] {
    return findings.filter(
        (f) => !accepted.some((a) => a.check === f.check && (a.objects === undefined || a.objects.test(f.object))),
    );
}

async function scoreStack(stack: string, bin: string, dir: string): Promise<Finding[]> {
    const rendered = await renderStack(stack, { dir: PROJECT_DIR, program: loadProgram(PROJECT_DIR) });
    const file = path.join(dir, `${stack}.yaml`);
    fs.writeFileSync(file, rendered.files["manifests.yaml"]);
    const { stdout } = await run(bin, ["score", "--output-format", "json", "--ignore-container-cpu-limit", file]);
    return unaccepted(findingsOf(stdout));
}

/** Entry point of `capstan kube-score`. */
export function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
    return runCommand(definition, argv, io, (args) =>
        score(args.stacks.length > 0 ? args.stacks : listStacks(PROJECT_DIR), io),
    );
}

async function score(stacks: readonly string[], io: CommandIo): Promise<number> {
    const bin = kubeScore();
    if (!fs.existsSync(bin)) {
        io.stderr(`kube-score: ${toolchainPieceMissing("kube-score", bin)}\n`);
        return MISSING_TOOL_EXIT;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-kube-score-"));
    let total = 0;
    for (const stack of stacks) {
        const findings = await scoreStack(stack, bin, dir);
        total += findings.length;
        io.stdout(`${stack}: ${findings.length === 0 ? "no findings" : `${findings.length} finding(s)`}\n`);
        for (const f of findings)
            io.stdout(`  [${f.grade <= 1 ? "CRITICAL" : "WARNING"}] ${f.object}: ${f.check}: ${f.comments}\n`);
    }
    io.stdout(
        `kube-score ${total === 0 ? "passed" : "failed"} on ${stacks.length} stack(s); declined on purpose: ${[...new Set(ACCEPTED.map((a) => a.check))].join(", ")} (docs/real-engine.md, "Checked by kube-score")\n`,
    );
    return total === 0 ? 0 : 1;
}
