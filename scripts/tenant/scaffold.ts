import * as fs from "fs";
import YAML from "yaml";
import { dnsLabelProblem, tenantSchema, validateConfig } from "../../components/config";
import { resolvePlain } from "../cli/cliYaml";
import { configRoot, listStacks, loadProjectFile, loadStackFile, stackFilePath } from "../cli/stackfile";

/** Why a tenant cannot be scaffolded; the message names the problem and the fix. */
export class ScaffoldError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ScaffoldError";
    }
}

export interface ScaffoldOptions {
    /** The project directory. */
    readonly dir: string;
    /** The tenant's name: a DNS-1123 label; the stack is `tenant-<name>`. */
    readonly name: string;
    /** The stack whose app settings and cluster the tenant takes. */
    readonly from: string;
    /** The Pulumi organization of the source stack, for `cluster.sharedStack`. @default organization (the DIY backend's) */
    readonly org?: string;
}

export interface Scaffold {
    readonly stack: string;
    readonly file: string;
    /** The stack file's text. */
    readonly text: string;
    /** The stack file's `config:` values, keys fully qualified. */
    readonly values: Record<string, unknown>;
    /** The commands that set the secrets the file leaves out. */
    readonly secretCommands: string[];
    /** The stack that owns the cluster the tenant runs on: the source, or the source's own owner. */
    readonly sharedStack: string;
}

/** Stack file values: YAML as read, narrowed where the scaffold reads into them. */
type Values = Record<string, unknown>;

/** A mapping of the stack file, or undefined when the value is not one. */
function mapping(value: unknown): Values | undefined {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Values) : undefined;
}

/** The source's section `key` when it sets anything, copied so the tenant's edits stay its own. */
function section(src: Values, key: string): Values | undefined {
    const value = mapping(src[key]);
    return value && Object.keys(value).length > 0 ? structuredClone(value) : undefined;
}

/** `<tenant>.<domain>` for each host, where the domain is the host without its first label. */
export function tenantHosts(tenant: string, hosts: readonly string[]): string[] {
    const derived = hosts.map((h) => {
        const labels = h.split(".");
        return [tenant, ...(labels.length > 2 ? labels.slice(1) : labels)].join(".");
    });
    return [...new Set(derived)];
}

/** Env values equal to one of the source's hosts point at the tenant's first host of that entry instead. */
function rewriteEnv(env: Record<string, unknown>, hostMap: ReadonlyMap<string, string>): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(env).map(([k, v]) => [k, typeof v === "string" && hostMap.has(v) ? hostMap.get(v) : v]),
    );
}

/** Stacks of the project whose `capstan:tenant.name` is `name`. */
function stacksOfTenant(dir: string, project: string, name: string): string[] {
    return listStacks(dir).filter((s) => mapping(loadStackFile(dir, project, s)[`${project}:tenant`])?.name === name);
}

/**
 * Every problem of the generated config, as loadConfig would report it. Its secrets are not set
 * yet (the scaffold prints the commands), so the checks that need their names are left out.
 */
function validate(values: Values, project: string, stack: string): ReturnType<typeof validateConfig> {
    return validateConfig(configRoot(values, project), {}, { project, stack });
}

/** Refuses a tenant that already has a stack: a stack file of its name, or a stack of that tenant. */
function refuseExistingTenant(opts: ScaffoldOptions, project: string, stack: string, file: string): void {
    if (fs.existsSync(file))
        throw new ScaffoldError(
            `tenant ${opts.name} already exists: ${stack} has a stack file; pick another name or edit that file`,
        );
    const existing = stacksOfTenant(opts.dir, project, opts.name);
    if (existing.length > 0)
        throw new ScaffoldError(
            `tenant ${opts.name} already exists in stack ${existing.join(", ")}; pick another name`,
        );
}

/**
 * The tenant's ingress: its own hosts per entry of the source's, the internal basic auth as the
 * source has it; and each source host mapped to the tenant's first host of that entry.
 */
function tenantIngress(tenant: string, from: string, srcIngress: unknown) {
    const pub = mapping(mapping(srcIngress)?.public);
    if (!Array.isArray(pub?.hosts) || pub.hosts.length === 0)
        throw new ScaffoldError(`stack ${from} has no ingress.public.hosts to derive the tenant's hosts from`);
    const hostMap = new Map<string, string>();
    const entry = (e: Values, key: string) => {
        const srcHosts = e.hosts;
        if (!Array.isArray(srcHosts) || !srcHosts.every((h) => typeof h === "string"))
            throw new ScaffoldError(`stack ${from}: ingress.${key}.hosts must be a list of host names`);
        const hosts = tenantHosts(tenant, srcHosts);
        for (const h of srcHosts) hostMap.set(h, hosts[0]);
        return hosts;
    };
    const ingress: Values = { public: { hosts: entry(pub, "public") } };
    const internal = mapping(mapping(srcIngress)?.internal);
    if (internal) {
        const tenantInternal: Values = { hosts: entry(internal, "internal") };
        if (internal.basicAuth !== undefined) tenantInternal.basicAuth = internal.basicAuth;
        ingress.internal = tenantInternal;
    }
    return { ingress, hostMap };
}

/** The tenant's `config:` values, keys fully qualified, taken from the source stack's. */
function tenantValues(opts: ScaffoldOptions, project: string, src: Values, sharedStack: string): Values {
    const p = (key: string) => `${project}:${key}`;
    const { ingress, hostMap } = tenantIngress(opts.name, opts.from, src[p("ingress")]);
    const app = structuredClone(mapping(src[p("app")]) ?? {});
    delete app.namespace;
    const env = mapping(app.env);
    if (env) app.env = rewriteEnv(env, hostMap);
    const tenant = tenantSchema.parse({ name: opts.name });
    const values: Values = {
        "aws:region": src["aws:region"],
        [p("environment")]: src[p("environment")],
        [p("imageTag")]: src[p("imageTag")],
        [p("cluster")]: { mode: "shared", sharedStack },
        [p("ingress")]: ingress,
        [p("app")]: app,
    };
    const staging = section(src, p("staging"));
    if (staging) values[p("staging")] = staging;
    // The tenant's own database, cache and DNS, sized like the source's; its identifiers and hosts are its own.
    for (const key of ["database", "cache", "dns"]) {
        const own = section(src, p(key));
        if (own) values[p(key)] = own;
    }
    values[p("tenant")] = tenant;
    return values;
}

/** The commands that set the secrets a tenant's stack file leaves out: the app's and the basic-auth passwords. */
export function secretCommandsFor(
    stack: string,
    secretEnv: readonly string[],
    basicAuthUsers: readonly string[] = [],
): string[] {
    return [
        ...secretEnv.map((n) => `pulumi config set --stack ${stack} --secret --path 'appSecrets.${n}' <value>`),
        ...basicAuthUsers.map(
            (u) => `pulumi config set --stack ${stack} --secret --path 'basicAuthPasswords.${u}' <password>`,
        ),
    ];
}

/** The stack that owns the cluster: the source's own owner when it runs on a shared cluster, else the source. */
function ownerStack(opts: ScaffoldOptions, project: string, src: Values): string {
    const cluster = mapping(src[`${project}:cluster`]);
    if (cluster?.mode !== "shared") return `${opts.org ?? "organization"}/${project}/${opts.from}`;
    if (typeof cluster.sharedStack !== "string")
        throw new ScaffoldError(
            `stack ${opts.from} has cluster.mode shared but no cluster.sharedStack; set it to the stack that owns the cluster`,
        );
    return cluster.sharedStack;
}

/** The stack file's text: the values under `config:`, with the header as its opening comment. */
export function stackFileText(values: Values, header: readonly string[]): string {
    const doc = new YAML.Document({ config: values });
    // Lists of plain values on one line, as the other stack files write them.
    YAML.visit(doc, {
        Seq(_, node) {
            if (node.items.every((i) => YAML.isScalar(i))) node.flow = true;
        },
        // Text the CLI would read as something else unquoted (a date, 1_000) is written quoted.
        Scalar(_, node) {
            if (typeof node.value === "string" && resolvePlain(node.value) !== node.value) node.type = "QUOTE_DOUBLE";
        },
    });
    doc.commentBefore = header.map((l) => ` ${l}`).join("\n");
    return doc.toString({ lineWidth: 0 });
}

/**
 * The stack file of a new tenant: the source stack's region, environment, image tag and app; the
 * source's cluster as a shared one; the tenant's own hosts and namespace; a database, cache and
 * DNS of its own where the source has them; no secrets. Refuses a name that is not a DNS-1123
 * label, a tenant that already exists, and a result that would not pass the config checks.
 */
export function scaffoldTenant(opts: ScaffoldOptions): Scaffold {
    const nameProblem = dnsLabelProblem(opts.name);
    if (nameProblem) throw new ScaffoldError(`tenant name ${nameProblem}`);
    const project = loadProjectFile(opts.dir);
    const stack = `tenant-${opts.name}`;
    const file = stackFilePath(opts.dir, stack);
    refuseExistingTenant(opts, project.name, stack, file);
    const src = loadStackFile(opts.dir, project.name, opts.from);
    const sharedStack = ownerStack(opts, project.name, src);
    const values = tenantValues(opts, project.name, src, sharedStack);
    const { config, problems } = validate(values, project.name, stack);
    if (!config) {
        throw new ScaffoldError(
            `the tenant's config would be invalid:\n${problems.map((q) => `  - ${q.path}: ${q.message}`).join("\n")}`,
        );
    }
    const secretCommands = secretCommandsFor(stack, config.app.secretEnv, config.staging?.basicAuth?.users);
    const header = [
        `Tenant ${opts.name}: the app of stack ${opts.from}, in its own namespace on the cluster of ${sharedStack}.`,
        `Written by: npm run tenant -- new ${opts.name} --from ${opts.from}. Set its secrets with:`,
        ...secretCommands.map((c) => `  ${c}`),
    ];
    return { stack, file, text: stackFileText(values, header), values, secretCommands, sharedStack };
}
