/**
 * Where a day-two command acts: the stack's namespace and object names, read from its outputs, and
 * its cluster (the kubeconfig output of a stack that creates or shares a cluster; the kubeconfig
 * context of an external one). Reading outputs changes nothing in the stack's state.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { KubeConfig } from "@kubernetes/client-node";
import { MISSING_TOOL_EXIT, USAGE_EXIT } from "./cli";
import { PROJECT_DIR } from "./program";
import { onPath } from "./tools";

/** A failure the user can fix from its message; `usage` ones exit 2 (a stack that does not exist, say). */
export class OpsError extends Error {
    constructor(
        message: string,
        readonly exitCode: number = 1,
    ) {
        super(message);
    }
}

/** How the stack's cluster is reached. */
export type ClusterAccess = { readonly kubeconfig: string } | { readonly context: string } | { readonly default: true };

/** What the commands need of a deployed stack. */
export interface StackTarget {
    readonly stack: string;
    readonly namespace: string;
    readonly app: string;
    /** The tag of the last update (the `imageTag` output). */
    readonly deployedTag?: string;
    readonly webDeployment: string;
    readonly migrationJob?: string;
    /** The assets Job of the last update, when the stack uploads its assets. */
    readonly assetsJob?: string;
    /** The app's CloudWatch log group, where the log shipper keeps its pods' output (with observability). */
    readonly logGroup?: string;
    readonly canaryDeployment?: string;
    readonly canary?: { readonly imageTag: string; readonly weight: number };
    readonly workers: Readonly<Record<string, string>>;
    readonly cronJobs: Readonly<Record<string, string>>;
    readonly cluster: ClusterAccess;
    /** The node groups the stack's cluster has, as its outputs say (for "at its maximum size"). */
    readonly nodeGroups?: unknown;
    /** A blue/green release as the last update left it (the `release` output). */
    readonly blueGreen?: BlueGreenState;
}

/** A blue/green release's colours, last switch and window, as the `release` output gives them. */
export interface BlueGreenState {
    readonly active: { readonly colour: string; readonly imageTag: string };
    readonly idle?: { readonly colour: string; readonly imageTag: string };
    readonly switchedAt?: string;
    readonly scaleDownDelaySeconds: number;
    readonly previewHosts: readonly string[];
}

function blueGreenState(v: unknown): BlueGreenState | undefined {
    const r = v as Partial<BlueGreenState> & { strategy?: unknown };
    return typeof v === "object" && v !== null && r.strategy === "blueGreen" && r.active
        ? {
              active: r.active,
              idle: r.idle,
              switchedAt: r.switchedAt,
              scaleDownDelaySeconds: Number(r.scaleDownDelaySeconds ?? 0),
              previewHosts: r.previewHosts ?? [],
          }
        : undefined;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const names = (v: unknown): Record<string, string> =>
    typeof v === "object" && v !== null
        ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string"))
        : {};

/** The target of a stack from its outputs; an OpsError (exit 2) when they are not those of a deployed stack. */
export function targetFromOutputs(stack: string, outputs: Readonly<Record<string, unknown>>): StackTarget {
    if (Object.keys(outputs).length === 0)
        throw new OpsError(
            `stack ${stack} has no outputs: it was never deployed (or its last update failed before the end). Deploy it with pulumi up first.`,
            2,
        );
    const app = (outputs.app ?? {}) as Record<string, unknown>;
    const namespace = str(outputs.namespace);
    const webDeployment = str(app.webDeployment);
    if (!namespace || !webDeployment)
        throw new OpsError(
            `stack ${stack}'s outputs name no namespace or web Deployment (outputs: ${Object.keys(outputs).join(", ")}); run pulumi up once with this version of Capstan`,
            2,
        );
    const canary = outputs.canary as { imageTag?: unknown; weight?: unknown } | undefined;
    const kubeconfig = str(outputs.kubeconfig);
    const context = str(outputs.kubeContext);
    return {
        stack,
        namespace,
        app: str(app.name) ?? webDeployment.replace(/-web$/, ""),
        deployedTag: str(outputs.imageTag),
        webDeployment,
        migrationJob: str(app.migrationJob),
        assetsJob: str(app.assetsJob),
        logGroup: str(app.logGroup),
        canaryDeployment: str(app.canaryDeployment),
        canary:
            canary && typeof canary.imageTag === "string"
                ? { imageTag: canary.imageTag, weight: Number(canary.weight ?? 0) }
                : undefined,
        workers: names(app.workers),
        cronJobs: names(app.cronJobs),
        cluster: kubeconfig ? { kubeconfig } : context ? { context } : { default: true },
        nodeGroups: outputs.nodeGroups,
        blueGreen: blueGreenState(outputs.release),
    };
}

/** The folder of Pulumi.yaml and the stack files: the project, or CAPSTAN_STACK_DIR. */
export function stackDir(): string {
    return path.resolve(process.env.CAPSTAN_STACK_DIR ?? PROJECT_DIR);
}

/** The stack's outputs through the Pulumi CLI (secrets shown: the kubeconfig is one). */
export async function readOutputs(stack: string): Promise<Record<string, unknown>> {
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    const ws = await LocalWorkspace.create({ workDir: stackDir() });
    const stacks = (await ws.listStacks()).map((s) => s.name);
    if (!stacks.includes(stack))
        throw new OpsError(
            `stack ${stack} has a stack file but no state in the backend the Pulumi CLI is logged in to (its stacks: ${stacks.join(", ") || "none"}): log in to the stack's backend (pulumi login ...), or deploy it first`,
            USAGE_EXIT,
        );
    const out = await ws.stackOutputs(stack);
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.value as unknown]));
}

/** The stack's target, read from its outputs. */
export async function openTarget(stack: string): Promise<StackTarget> {
    return targetFromOutputs(stack, await readOutputs(stack));
}

/** The kubeconfig file a KubeConfig's default loading reads. */
const kubeconfigFile = () => process.env.KUBECONFIG ?? "~/.kube/config";

/**
 * A KubeConfig for the stack's cluster. A context the kubeconfig does not have, no context at
 * all, or the AWS CLI that the stack's kubeconfig runs for a token is a missing tool: refused with
 * the command that adds it.
 */
export async function kubeConfigFor(access: ClusterAccess): Promise<KubeConfig> {
    const k8s = await import("@kubernetes/client-node");
    const kc = new k8s.KubeConfig();
    if ("kubeconfig" in access) {
        kc.loadFromString(access.kubeconfig);
        const execs = kc.getUsers().map((u) => (u.exec as { command?: string } | undefined)?.command);
        const missing = execs.find((c): c is string => c !== undefined && !onPath(c));
        if (missing) throw new OpsError(execMissing(missing), MISSING_TOOL_EXIT);
        return kc;
    }
    if (!hasKubeconfig())
        throw new OpsError(
            `no kubeconfig: ${kubeconfigFile()} does not exist, so the stack's cluster cannot be reached; write it (for an EKS cluster: aws eks update-kubeconfig --name CLUSTER${"context" in access ? ` --alias ${access.context}` : ""}) or point KUBECONFIG at the file that has the cluster`,
            MISSING_TOOL_EXIT,
        );
    kc.loadFromDefault();
    const contexts = kc.getContexts().map((c) => c.name);
    if ("context" in access) {
        if (!contexts.includes(access.context))
            throw new OpsError(
                `the stack's cluster is the kubeconfig context ${access.context}, which your kubeconfig (${kubeconfigFile()}) does not have (its contexts: ${contexts.join(", ") || "none"}); add it, e.g. for an EKS cluster: aws eks update-kubeconfig --name CLUSTER --alias ${access.context}, or point KUBECONFIG at the file that has it`,
                MISSING_TOOL_EXIT,
            );
        kc.setCurrentContext(access.context);
    } else if (!kc.getCurrentContext() || !contexts.includes(kc.getCurrentContext()))
        throw new OpsError(
            `the stack names no cluster of its own and your kubeconfig (${kubeconfigFile()}) selects no context (its contexts: ${contexts.join(", ") || "none"}); select one with: kubectl config use-context NAME`,
            MISSING_TOOL_EXIT,
        );
    return kc;
}

/** Whether a kubeconfig file is there to load (the client's default otherwise is a server on localhost:8080). */
function hasKubeconfig(): boolean {
    const files = process.env.KUBECONFIG
        ? process.env.KUBECONFIG.split(path.delimiter).filter(Boolean)
        : [path.join(os.homedir(), ".kube", "config")];
    return files.some((f) => fs.existsSync(f)) || process.env.KUBERNETES_SERVICE_HOST !== undefined;
}

/** What to do when the program a kubeconfig runs for its token is not installed. */
function execMissing(command: string): string {
    const install =
        command === "aws"
            ? "install the AWS CLI (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html) and configure credentials that may read the cluster"
            : `install ${command}`;
    return `the stack's kubeconfig runs \`${command}\` for a token, which is not on PATH: ${install}`;
}

/** The local user's name, for the `started-by` label. */
export function localUser(): string {
    try {
        return os.userInfo().username;
    } catch {
        return process.env.USER ?? "unknown";
    }
}
