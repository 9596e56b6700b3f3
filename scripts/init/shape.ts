/**
 * A new stack's config from the shape of a committed one: its app, sizes and settings, with every
 * value that belongs to an account (region, account, cluster, hosts, certificates, image, tag)
 * taken from the answers, its secrets left out, and the example values of the committed stacks
 * gone. What cannot be carried over (another mode's keys, the example hosted zone) is left out,
 * each with a note.
 */
import { validateConfig, type ConfigProblem } from "../../components/config";
import { EXAMPLE_ACCOUNT } from "../../components/config/exampleValues";
import { configRoot } from "../cli/stackfile";

export type ClusterMode = "create" | "external" | "shared";

/** What `capstan init` asks for, or takes from its flags. */
export interface Answers {
    readonly region: string;
    readonly account: string;
    readonly cluster: ClusterMode;
    /** `shared`: the stack that owns the cluster, org/project/stack. */
    readonly owner?: string;
    /** `external`: the kubeconfig context; without it, the secret `capstan:kubeconfig`. */
    readonly context?: string;
    /** `create`: the networks that may reach the cluster's API endpoint. */
    readonly apiAccess?: readonly string[];
    readonly publicHosts: readonly string[];
    readonly publicCert?: string;
    /** The VPN-only entry's hosts; none means no internal entry. */
    readonly vpnHosts?: readonly string[];
    readonly vpnCert?: string;
    /** The image repository, without a tag. */
    readonly image: string;
    readonly imageTag: string;
    readonly backend: string;
    readonly secretsProvider: string;
}

type Values = Record<string, unknown>;

function mapping(value: unknown): Values | undefined {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Values) : undefined;
}

function isSecure(value: unknown): boolean {
    const m = mapping(value);
    if (!m) return Array.isArray(value) && value.some(isSecure);
    return "secure" in m || Object.values(m).some(isSecure);
}

/** The keys only a stack that creates its cluster has. */
const CREATE_ONLY = ["version", "amiRelease", "publicAccessCidrs", "addons", "adminRoleArns"];

/** The cluster of the answers, keeping what the base's cluster of the same mode sets. */
function clusterOf(base: Values | undefined, a: Answers): Values {
    if (a.cluster === "shared") return { mode: "shared", sharedStack: a.owner };
    if (a.cluster === "external") return { mode: "external", ...(a.context ? { context: a.context } : {}) };
    const kept = Object.fromEntries(Object.entries(base ?? {}).filter(([k]) => CREATE_ONLY.includes(k)));
    delete kept.adminRoleArns; // roles of the example account
    return { mode: "create", ...kept, publicAccessCidrs: [...(a.apiAccess ?? [])] };
}

/** An entry of the ingress: the base's settings with the answers' hosts and certificate. */
function entryOf(base: unknown, hosts: readonly string[], cert: string | undefined): Values {
    const { certificateArn: _cert, hosts: _hosts, ...rest } = mapping(base) ?? {};
    return { hosts: [...hosts], ...(cert ? { certificateArn: cert } : {}), ...rest };
}

/** Every base host mapped to the answers' host at the same place of its entry (or the entry's first). */
function hostMap(baseIngress: Values | undefined, a: Answers): Map<string, string> {
    const map = new Map<string, string>();
    const add = (entry: unknown, to: readonly string[] | undefined) => {
        const hosts = mapping(entry)?.hosts;
        if (!Array.isArray(hosts) || !to?.length) return;
        hosts.forEach((h, i) => typeof h === "string" && map.set(h, to[i] ?? to[0]));
    };
    add(baseIngress?.public, a.publicHosts);
    add(baseIngress?.internal, a.vpnHosts?.length ? a.vpnHosts : a.publicHosts);
    return map;
}

/** Strings of the base rewritten: its hosts to the new ones, its account and region to the answers'. */
function rewrite(value: unknown, hosts: ReadonlyMap<string, string>, from: { region: string }, a: Answers): unknown {
    if (typeof value === "string") {
        if (hosts.has(value)) return hosts.get(value);
        if (value.startsWith(`${from.region}`) && /^[a-z]+-[a-z]+-\d[a-z]$/.test(value))
            return `${a.region}${value.slice(from.region.length)}`;
        return value.split(EXAMPLE_ACCOUNT).join(a.account);
    }
    if (Array.isArray(value)) return value.map((v) => rewrite(v, hosts, from, a));
    const m = mapping(value);
    return m ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, rewrite(v, hosts, from, a)])) : value;
}

/** The keys a stack of each mode cannot have. */
const NOT_IN_MODE: Record<ClusterMode, string[]> = {
    create: [],
    shared: ["network", "nodeGroups"],
    external: ["network", "nodeGroups", "database", "cache", "dns"],
};

/**
 * The new stack's `config:` values, keys fully qualified, from the base stack's values and the
 * answers; with the notes of what was left out.
 */
export function shapeStack(base: Values, a: Answers, stack: string): { values: Values; notes: string[] } {
    const p = (key: string) => `capstan:${key}`;
    const notes: string[] = [];
    const baseCluster = mapping(base[p("cluster")]);
    if (a.cluster === "create" && baseCluster?.mode !== undefined && baseCluster.mode !== "create")
        throw new Error(
            `its cluster is of mode ${JSON.stringify(baseCluster.mode)}, so it has no network and node groups for mode create; copy a stack of mode create (--from staging or --from prod)`,
        );
    const region = base["aws:region"];
    const from = { region: typeof region === "string" ? region : "" };
    const hosts = hostMap(mapping(base[p("ingress")]), a);
    const values: Values = {};
    for (const [key, value] of Object.entries(base)) {
        if (isSecure(value) || key === p("previousImageTag") || key === p("kubeconfig")) continue;
        if (NOT_IN_MODE[a.cluster].some((k) => key === p(k))) {
            notes.push(`${key} left out: a stack of cluster mode ${a.cluster} has none`);
            continue;
        }
        values[key] = rewrite(value, hosts, from, a);
    }
    if (mapping(values[p("dns")])) {
        delete values[p("dns")];
        notes.push(
            "capstan:dns left out: it names the example's hosted zone; set dns.zoneId to your Route 53 zone to have Capstan make the records and the certificate",
        );
    }
    values["aws:region"] = a.region;
    values[p("imageTag")] = a.imageTag;
    values[p("cluster")] = clusterOf(baseCluster, a);
    const ingress = mapping(base[p("ingress")]) ?? {};
    const { public: _pub, internal: baseInternal, ...ingressRest } = ingress;
    values[p("ingress")] = {
        ...ingressRest,
        public: entryOf(ingress.public, a.publicHosts, a.publicCert),
        ...(a.vpnHosts?.length ? { internal: entryOf(baseInternal, a.vpnHosts, a.vpnCert) } : {}),
    };
    values[p("app")] = { ...(mapping(values[p("app")]) ?? {}), ...appName(a.image), image: a.image };
    if (a.cluster === "shared" && !mapping(values[p("tenant")])) values[p("tenant")] = { name: tenantName(stack) };
    return { values, notes };
}

/** The app is named after its repository, when that name is a DNS label (else it keeps the base's name). */
function appName(image: string): { name?: string } {
    const name = image.split("/").pop() ?? "";
    return /^[a-z]([-a-z0-9]{0,28}[a-z0-9])?$/.test(name) ? { name } : {};
}

/** A tenant's name from its stack's: `tenant-acme` gives `acme`. */
function tenantName(stack: string): string {
    return stack.replace(/^tenant-/, "");
}

/** The shaped stack's config as the program checks it, its secrets taken as set (init prints their commands). */
export function checkShaped(
    values: Values,
    stack: string,
    kubeconfig: boolean,
): { root: Record<string, unknown>; secretEnv: string[]; users: string[]; problems: ConfigProblem[] } {
    const root = configRoot(values);
    const secretEnv = (root.app as { secretEnv?: string[] } | undefined)?.secretEnv ?? [];
    const users = (root.staging as { basicAuth?: { users?: string[] } } | undefined)?.basicAuth?.users ?? [];
    const { problems } = validateConfig(
        root,
        { appSecrets: secretEnv, basicAuthPasswords: users, kubeconfig },
        { project: "capstan", stack },
    );
    return { root, secretEnv, users, problems };
}
