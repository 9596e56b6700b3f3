/**
 * What `capstan init` asks, in order, each with its flag, its default and its check. A value is
 * checked as it is given, in the config check's own words: the answer is put into the new stack's
 * config and the config check runs on it; its problems at the answer's keys are the answer's.
 */
import { EXAMPLE_ACCOUNT, exampleFix } from "../../components/config/exampleValues";
import { type Answers, checkShaped, type ClusterMode, shapeStack } from "./shape";

type Draft = { -readonly [K in keyof Answers]?: Answers[K] };

export interface Question {
    readonly key: keyof Answers;
    readonly flag: string;
    /** What its option's value is called in help (`HOSTS`). */
    readonly value: string;
    /** The question, as asked on a terminal. */
    readonly prompt: string;
    /** Whether it is asked for these answers. @default always */
    readonly when?: (a: Draft) => boolean;
    /** The answer taken when none is given; undefined: one must be given. */
    readonly fallback?: (a: Draft) => string | undefined;
    /** Whether an empty answer is allowed (it means none). */
    readonly optional?: boolean;
    /** The value of an answer's text. */
    readonly parse?: (text: string, a: Draft) => Answers[keyof Answers];
    /** What is wrong with the value, in the config check's words; undefined when it is fine. */
    readonly check?: (value: never, a: Draft, base: Record<string, unknown>, stack: string) => string | undefined;
}

const list = (text: string) =>
    text
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean);

/** The problems the config check finds at `path` (and below) with the draft's answers, filled in where missing. */
function configProblems(a: Draft, base: Record<string, unknown>, stack: string, path: string): string[] {
    const filled: Answers = {
        region: "eu-central-1",
        account: "000000000000",
        cluster: "create",
        publicHosts: ["app.invalid"],
        image: "registry.invalid/app",
        imageTag: "v1",
        backend: "",
        secretsProvider: "",
        ...a,
    };
    let values: Record<string, unknown>;
    try {
        values = shapeStack(base, filled, stack).values;
    } catch {
        return [];
    }
    return checkShaped(values, stack, true)
        .problems.filter((p) => p.path === path || p.path.startsWith(`${path}[`))
        .map((p) =>
            p.message.startsWith('"') || p.path !== path ? p.message : `${JSON.stringify(value(a, path))} ${p.message}`,
        );
}

/** The answer a config path takes its value from, as text. */
function value(a: Draft, path: string): unknown {
    const byPath: Record<string, unknown> = {
        "capstan:cluster.sharedStack": a.owner,
        "capstan:ingress.public.certificateArn": a.publicCert,
        "capstan:ingress.internal.certificateArn": a.vpnCert,
        "capstan:app.image": a.image,
        "capstan:imageTag": a.imageTag,
    };
    return byPath[path];
}

/** Each value of a list, checked for the example values. */
function examples(values: readonly string[]): string | undefined {
    for (const v of values) {
        const fix = exampleFix(v);
        if (fix) return `${JSON.stringify(v)} ${fix}`;
    }
    return undefined;
}

/** An ARN's account against the stack's. */
function accountOf(arn: string, a: Draft, what: string): string | undefined {
    const account = arn.split(":")[4];
    return account && a.account && account !== a.account
        ? `${JSON.stringify(arn)} is ${what} of account ${account}, but the stack's account is ${a.account}; give one of ${a.account}`
        : undefined;
}

const first = (...problems: (string | string[] | undefined)[]) =>
    problems.flat().find((p): p is string => p !== undefined);

const KMS =
    /^awskms:\/\/(arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(key|alias)\/[^?]+|alias\/[^?]+|[0-9a-f-]{36})(\?region=[a-z0-9-]+)?$/;

export const QUESTIONS: readonly Question[] = [
    {
        key: "region",
        flag: "--region",
        value: "REGION",
        prompt: "AWS region (aws:region)",
        fallback: () => process.env.AWS_REGION,
        check: (v: string) =>
            /^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(v)
                ? undefined
                : `${JSON.stringify(v)} is not an AWS region such as eu-central-1`,
    },
    {
        key: "account",
        flag: "--account",
        value: "ID",
        prompt: "AWS account ID (12 digits)",
        check: (v: string) =>
            v === EXAMPLE_ACCOUNT
                ? `${v} is the example account of the committed stack files; give your own (aws sts get-caller-identity)`
                : /^\d{12}$/.test(v)
                  ? undefined
                  : `${JSON.stringify(v)} is not an AWS account ID: 12 digits`,
    },
    {
        key: "cluster",
        flag: "--cluster",
        value: "MODE",
        prompt: "cluster mode: create (this stack owns its EKS cluster), external (a cluster managed elsewhere), shared (another stack's)",
        fallback: () => "create",
        check: (v: string) =>
            ["create", "external", "shared"].includes(v)
                ? undefined
                : `${JSON.stringify(v)} is not a cluster mode: create, external or shared`,
    },
    {
        key: "owner",
        flag: "--owner",
        value: "ORG/PROJECT/STACK",
        prompt: "the stack that owns the cluster (org/project/stack)",
        when: (a) => a.cluster === "shared",
        check: (v: string, a, base, stack) =>
            first(configProblems({ ...a, owner: v }, base, stack, "capstan:cluster.sharedStack")),
    },
    {
        key: "context",
        flag: "--context",
        value: "CONTEXT",
        prompt: "the kubeconfig context of the cluster (empty: set the secret capstan:kubeconfig instead)",
        when: (a) => a.cluster === "external",
        optional: true,
    },
    {
        key: "apiAccess",
        flag: "--api-access",
        value: "CIDRS",
        prompt: "the networks that may reach the cluster's API endpoint, comma-separated (your office or VPN egress, a.b.c.d/32)",
        when: (a) => a.cluster === "create",
        parse: list,
        check: (v: string[], a, base, stack) =>
            first(
                examples(v),
                configProblems({ ...a, apiAccess: v }, base, stack, "capstan:cluster.publicAccessCidrs"),
            ),
    },
    {
        key: "publicHosts",
        flag: "--public-hosts",
        value: "HOSTS",
        prompt: "the public hosts, comma-separated",
        parse: list,
        check: (v: string[], a, base, stack) =>
            first(examples(v), configProblems({ ...a, publicHosts: v }, base, stack, "capstan:ingress.public.hosts")),
    },
    {
        key: "publicCert",
        flag: "--public-cert",
        value: "ARN",
        prompt: "the ACM certificate ARN of the public hosts, in the stack's region",
        optional: true,
        when: (a) => a.cluster === "create",
        check: (v: string, a, base, stack) =>
            first(
                examples([v]),
                configProblems({ ...a, publicCert: v }, base, stack, "capstan:ingress.public.certificateArn"),
                accountOf(v, a, "a certificate"),
            ),
    },
    {
        key: "vpnHosts",
        flag: "--vpn-hosts",
        value: "HOSTS",
        prompt: "the VPN-only hosts, comma-separated (empty: no VPN entry)",
        optional: true,
        parse: list,
        check: (v: string[], a, base, stack) =>
            first(examples(v), configProblems({ ...a, vpnHosts: v }, base, stack, "capstan:ingress.internal.hosts")),
    },
    {
        key: "vpnCert",
        flag: "--vpn-cert",
        value: "ARN",
        prompt: "the ACM certificate ARN of the VPN hosts, in the stack's region",
        optional: true,
        when: (a) => a.cluster === "create" && (a.vpnHosts?.length ?? 0) > 0,
        check: (v: string, a, base, stack) =>
            first(
                examples([v]),
                configProblems({ ...a, vpnCert: v }, base, stack, "capstan:ingress.internal.certificateArn"),
                accountOf(v, a, "a certificate"),
            ),
    },
    {
        key: "image",
        flag: "--image",
        value: "REPOSITORY",
        prompt: "the ECR repository: its name in the stack's account and region, or the whole <account>.dkr.ecr.<region>.amazonaws.com/<name>",
        parse: (text, a) =>
            text.includes("/") || text.includes(".") ? text : `${a.account}.dkr.ecr.${a.region}.amazonaws.com/${text}`,
        check: (v: string, a, base, stack) =>
            first(examples([v]), configProblems({ ...a, image: v }, base, stack, "capstan:app.image")),
    },
    {
        key: "imageTag",
        flag: "--image-tag",
        value: "TAG",
        prompt: "the image tag to deploy first (it must be in the repository)",
        check: (v: string, a, base, stack) =>
            first(configProblems({ ...a, imageTag: v }, base, stack, "capstan:imageTag")),
    },
    {
        key: "backend",
        flag: "--backend",
        value: "URL",
        prompt: "the state backend: s3://<bucket> (versioned, encrypted), or cloud (Pulumi Cloud)",
        parse: (text) => (text === "cloud" ? "https://api.pulumi.com" : text),
        check: (v: string) =>
            /^(s3|gs|azblob|file):\/\/.+$|^https:\/\/.+$/.test(v)
                ? undefined
                : `${JSON.stringify(v)} is not a state backend: s3://<bucket>, cloud (Pulumi Cloud), or a URL pulumi login takes`,
    },
    {
        key: "secretsProvider",
        flag: "--secrets-provider",
        value: "PROVIDER",
        prompt: "the secrets provider: awskms://alias/<name>?region=<region>, a key ARN as awskms://arn:..., or passphrase",
        fallback: (a) => (a.backend?.startsWith("https://") ? "default" : undefined),
        check: (v: string, a) => {
            if (v === "passphrase" || (v === "default" && a.backend?.startsWith("https://"))) return undefined;
            const kms = KMS.exec(v);
            if (!kms)
                return `${JSON.stringify(v)} is not a secrets provider: awskms://alias/<name>?region=<region>, awskms://<key ARN>, passphrase${a.backend?.startsWith("https://") ? ", or default (Pulumi Cloud's)" : ""}`;
            return first(examples([v]), kms[3] ? accountOf(v.slice("awskms://".length), a, "a KMS key") : undefined);
        },
    },
];

/** The cluster mode a base stack file has. */
export function baseMode(base: Record<string, unknown>): ClusterMode | undefined {
    const mode = (base["capstan:cluster"] as { mode?: unknown } | undefined)?.mode;
    return mode === "create" || mode === "external" || mode === "shared" ? mode : undefined;
}
