import { z } from "zod";
import { doc, fieldType } from "./docs";
import { NODE_PORT_RANGE } from "../core/ingress";
import { quantityProblem, type QuantityKind } from "../core/quantity";
import { cidrProblem, dnsLabelProblem } from "./rules";

// A stack's config is parsed once per run: compiling zod's parsers ahead of time (its JIT) costs
// more than it saves.
z.config({ jitless: true });

/** The field types the config schema is built from (schema.ts), each with its own rule. */

export const label = (max = 63) =>
    fieldType(
        z.string().superRefine((v, ctx) => {
            const problem = dnsLabelProblem(v, max);
            if (problem) ctx.addIssue({ code: "custom", message: problem });
        }),
        {
            type: "DNS-1123 label",
            limits: `lower-case letters, digits and '-', starting and ending with a letter or digit; at most ${max} characters`,
        },
    );

export const cidr = fieldType(
    z.string().superRefine((v, ctx) => {
        const problem = cidrProblem(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
    { type: "IPv4 CIDR block", limits: "host bits zero, e.g. 10.20.0.0/16" },
);

/** An AWS ARN of one kind, with the message that names the kind. */
export const arn = (pattern: RegExp, message: string) => z.string().regex(pattern, { message });

export const int = (min: number, max: number) => z.number().int().min(min).max(max);
export const port = int(1, 65535);
export const nodePort = int(NODE_PORT_RANGE.min, NODE_PORT_RANGE.max);
/** A command as an argv list: `[bundle, exec, puma]`, never a shell string. */
export const command = fieldType(z.array(z.string().min(1)).min(1), { type: "argv list" });
/**
 * Kubernetes quantities (`500m`, `2`, `1.5Gi`, `1e9`; see quantity.ts). A number is taken as its
 * text: however YAML wrote it, a quantity means the same amount.
 */
export const quantity = (kind: QuantityKind) =>
    fieldType(
        z.preprocess(
            (v) => (typeof v === "number" ? String(v) : v),
            z.string().superRefine((v, ctx) => {
                const problem = quantityProblem(v, kind);
                if (problem) ctx.addIssue({ code: "custom", message: problem });
            }),
        ),
        { type: `${kind} quantity`, limits: "a Kubernetes quantity such as 500m, 2, 1.5Gi or 1e9; never negative" },
    );
export const cpu = quantity("CPU");
export const memory = quantity("memory");
export const storage = quantity("ephemeral storage");

/** What a container gets of the node's disk (logs, the writable paths) unless its config says otherwise. */
export const EPHEMERAL_STORAGE = { request: "256Mi", limit: "2Gi" } as const;
/**
 * Env values are text. An unquoted number or boolean is refused rather than turned into text:
 * YAML has already changed it (`1.10` arrives as 1.1), so only quoting keeps what was meant.
 */
export const envValue = fieldType(z.string(), { type: "quoted text" });
/** An environment variable name as Kubernetes takes it (IsEnvVarName): letters, digits, `_ . -`, not starting with a digit. */
export const envName = z.string().regex(/^[-._a-zA-Z][-._a-zA-Z0-9]*$/, {
    message: "must be an environment variable name (letters, digits, '_', '.', '-', not starting with a digit)",
});
export const labelValue = fieldType(
    z
        .string()
        .regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/)
        .max(63),
    { type: "label value", limits: "letters, digits, '-', '_' or '.', starting and ending with a letter or digit" },
);
/** A label key: an optional DNS-subdomain prefix (at most 253) and `/`, then a name of at most 63. */
export const labelKey = z
    .string()
    .regex(
        /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/,
        {
            message: "must be a Kubernetes label key such as role or example.com/role",
        },
    )
    .refine((k) => k.split("/").pop()!.length <= 63 && (!k.includes("/") || k.split("/")[0].length <= 253), {
        message: "is too long for a Kubernetes label key: at most 63 characters after the prefix, 253 in the prefix",
    });
fieldType(labelKey, { type: "label key", limits: "at most 63 characters after the prefix, 253 in the prefix" });
/** A container's resources, each key at its default when unset. */
const resourceFields = (d: { cpu: string; memory: string }) =>
    z.strictObject({
        cpu: doc(cpu.default(d.cpu), {
            description: "CPU request of each container.",
            rules: "above zero where an autoscaler scales on it; no more than the largest instance type of the node groups the pods may run on (m, c and r families)",
        }),
        memory: doc(memory.default(d.memory), {
            description: "Memory request of each container.",
            rules: "no more than the largest instance type of the node groups the pods may run on (m, c and r families)",
        }),
        memoryLimit: doc(memory.optional(), {
            description: "Memory limit of each container.",
            default: "the memory request: a pod never uses more than it reserved",
            rules: "at least `memory`, and at least 6Mi (a bare number is bytes)",
        }),
        ephemeralStorage: doc(storage.default(EPHEMERAL_STORAGE.request), {
            description: "Ephemeral-storage request: the node disk the scheduler reserves (logs, writable paths).",
        }),
        ephemeralStorageLimit: doc(storage.default(EPHEMERAL_STORAGE.limit), {
            description:
                "Ephemeral-storage limit: the kubelet evicts a pod that writes more, its logs and its writable paths together; each of `app.writablePaths` gets an equal share of it as its emptyDir `sizeLimit`.",
            rules: "at least `ephemeralStorage`, and at least 16Mi per entry of `app.writablePaths`",
        }),
    });

const withMemoryLimit = <R extends { memory: string; memoryLimit?: string }>(r: R) => ({
    ...r,
    memoryLimit: r.memoryLimit ?? r.memory,
});

/** A container's resources, the whole map at its defaults when unset. */
export const resources = (d: { cpu: string; memory: string }) =>
    resourceFields(d)
        .default({
            cpu: d.cpu,
            memory: d.memory,
            ephemeralStorage: EPHEMERAL_STORAGE.request,
            ephemeralStorageLimit: EPHEMERAL_STORAGE.limit,
        })
        .transform(withMemoryLimit);

/** A container's resources that stay unset when the map is (another container's are used instead). */
export const optionalResources = (d: { cpu: string; memory: string }) =>
    resourceFields(d).transform(withMemoryLimit).optional();

export const taint = z.strictObject({
    key: doc(labelKey, { description: "The taint's key." }),
    value: doc(labelValue.default(""), { description: "The taint's value." }),
    effect: doc(z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]), {
        description: "What the taint does to pods that do not tolerate it.",
    }),
});

/** An HTTP header name (RFC 9110 token characters NGINX can turn into a variable): letters, digits and `-`. */
export const headerName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/, {
    message: "must be an HTTP header name of letters, digits and '-', such as X-User-Id",
});
