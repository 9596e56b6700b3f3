/**
 * The floor of the benchmark: a program with no logic at all, which registers every resource of a
 * render's plan directly, in the plan's order, with the same type, name, parent, provider,
 * dependsOn, aliases, protect, retainOnDelete, ignoreChanges, customTimeouts, deleteBeforeReplace, replaceOnChanges and inputs. Run under the same mock engine, it costs what the
 * engine itself costs for that plan, and it renders the same plan.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Program, RunResult } from "../scripts/render/engine";
import type { Plan, PlanResource } from "../scripts/render/plan";
import { SECRET_PLACEHOLDER } from "../scripts/cli/stackfile";

const PROVIDER_PREFIX = "pulumi:providers:";
const STACK_REFERENCE = "pulumi:pulumi:StackReference";

/** One resource of a plan, plus what plan.json does not say: whether a provider manages it. */
export interface ReplayResource extends PlanResource {
    readonly custom: boolean;
}

/** Outputs of the stacks a StackReference names, as the mock engine hands them out. */
export type StackOutputs = Record<string, { outputs: Record<string, unknown>; secretOutputNames: string[] }>;

/** What the floor replays: the plan's resources in registration order, and its stack outputs. */
export interface Replay {
    readonly stack: string;
    readonly resources: readonly ReplayResource[];
    readonly outputs: Record<string, unknown>;
    /** What the program's StackReferences received, so that the replayed ones receive the same. */
    readonly stackOutputs: StackOutputs;
}

/** The replay of a render: its plan, with the component/custom flag the engine recorded. */
export function toReplay(plan: Plan, result: RunResult): Replay {
    const stackOutputs: StackOutputs = {};
    for (const r of result.resources) {
        if (r.type !== STACK_REFERENCE) continue;
        const state = r.state as { name?: unknown; outputs?: Record<string, unknown>; secretOutputNames?: string[] };
        stackOutputs[String(state.name)] = {
            outputs: state.outputs ?? {},
            secretOutputNames: state.secretOutputNames ?? [],
        };
    }
    if (plan.resources.length !== result.resources.length)
        throw new Error("plan and run result disagree on the number of resources");
    return {
        stack: plan.stack,
        resources: plan.resources.map((r, i) => {
            const recorded = result.resources[i];
            if (recorded.urn !== r.urn)
                throw new Error(`plan and run result disagree at resource ${i}: ${r.urn} vs ${recorded.urn}`);
            return { ...r, custom: recorded.custom };
        }),
        outputs: plan.outputs,
        stackOutputs,
    };
}

type ResourceClass = new (name: string, args: pulumi.Inputs, opts: pulumi.CustomResourceOptions) => pulumi.Resource;

/**
 * The SDK class a type token is declared with (`aws:ec2/vpc:Vpc` -> `aws.ec2.Vpc`,
 * `kubernetes:apps/v1:Deployment` -> `k8s.apps.v1.Deployment`, a custom resource definition's
 * kind -> `k8s.apiextensions.CustomResource`), or undefined for a type outside the two SDKs. The
 * floor builds every resource with the class the program used: what a typed class costs (its
 * output properties, its input handling) is the SDK's cost, not Capstan's.
 */
export function sdkClass(type: string): ResourceClass | undefined {
    const [pkg, mod = "", name = ""] = type.split(":");
    const lookup = (root: unknown, path: string[]) =>
        path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], root) as
            ResourceClass | undefined;
    if (pkg === "aws") return lookup(aws, [mod.split("/")[0], name]);
    if (pkg === "kubernetes") {
        const [group, version] = mod.split("/");
        const typed = lookup(k8s, [group.split(".")[0], version, name]);
        if (typed) return typed;
        if (group.includes(".")) {
            return class extends k8s.apiextensions.CustomResource {
                constructor(n: string, args: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
                    super(n, args as k8s.apiextensions.CustomResourceArgs, opts);
                }
            };
        }
    }
    return undefined;
}

class ReplayedResource extends pulumi.CustomResource {
    constructor(type: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
        super(type, name, props, opts);
    }
}

class ReplayedProvider extends pulumi.ProviderResource {
    constructor(pkg: string, name: string, props: pulumi.Inputs, opts: pulumi.ResourceOptions) {
        super(pkg, name, props, opts);
    }
}

/** The plan's inputs with every redacted value made a secret again, as the program sent it. */
export function withSecrets(value: unknown): unknown {
    if (value === SECRET_PLACEHOLDER) return pulumi.secret(value);
    if (Array.isArray(value)) return value.map(withSecrets);
    if (typeof value === "object" && value !== null) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) out[k] = withSecrets(v);
        return out;
    }
    return value;
}

function register(r: ReplayResource, byUrn: ReadonlyMap<string, pulumi.Resource>): pulumi.Resource {
    const opts: pulumi.CustomResourceOptions = { parent: byUrn.get(r.parent) };
    const dependsOn = r.dependsOn.map((urn) => byUrn.get(urn)).filter((d): d is pulumi.Resource => d !== undefined);
    if (dependsOn.length > 0) opts.dependsOn = dependsOn;
    if (r.aliases.length > 0) opts.aliases = [...r.aliases];
    if (r.protect) opts.protect = true;
    if (r.retainOnDelete) opts.retainOnDelete = true;
    if (r.ignoreChanges.length > 0) opts.ignoreChanges = [...r.ignoreChanges];
    if (r.customTimeouts) opts.customTimeouts = { ...r.customTimeouts };
    if (r.deleteBeforeReplace) opts.deleteBeforeReplace = true;
    if (r.replaceOnChanges.length > 0) opts.replaceOnChanges = [...r.replaceOnChanges];
    const provider = r.provider ? byUrn.get(r.provider) : undefined;
    if (provider) opts.provider = provider as pulumi.ProviderResource;
    const inputs = withSecrets(r.inputs) as pulumi.Inputs;
    // Provider classes serialize their inputs (to JSON text) on the way in: the plan holds them
    // serialized already, so providers are replayed as the generic resource they are to the engine.
    if (r.type.startsWith(PROVIDER_PREFIX))
        return new ReplayedProvider(r.type.slice(PROVIDER_PREFIX.length), r.name, inputs, opts);
    if (r.type === STACK_REFERENCE) return new pulumi.StackReference(r.name, { name: String(r.inputs.name) }, opts);
    if (r.custom) {
        const Class = sdkClass(r.type);
        return Class ? new Class(r.name, inputs, opts) : new ReplayedResource(r.type, r.name, inputs, opts);
    }
    // A component with a provider of its own is a provider's (remote) component, such as a yaml/v2 ConfigFile.
    return new pulumi.ComponentResource(r.type, r.name, inputs, opts, provider !== undefined);
}

/** The floor program for a replay: registers each resource directly and returns the same outputs. */
export function replayProgram(replay: Replay): Program {
    return () => {
        const byUrn = new Map<string, pulumi.Resource>();
        for (const r of replay.resources) byUrn.set(r.urn, register(r, byUrn));
        const outputs: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(replay.outputs))
            outputs[k] = v === SECRET_PLACEHOLDER ? pulumi.secret(v) : v;
        return Promise.resolve(outputs);
    };
}
