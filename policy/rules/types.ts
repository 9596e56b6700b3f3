/**
 * The shapes the rules work on. They are what CrossGuard hands a policy (`type` and `props`, the
 * resource's inputs; for stack rules, every resource of the stack) and what `plan.json` records,
 * so the same functions run in the policy pack and in the tests.
 */

/** A rendered object (a resource's inputs or any object inside them): JSON nobody has checked. */
export type Obj = Readonly<Record<string, unknown>>;

/** Whether a value is a JSON object (not an array, not null). */
export function isObj(v: unknown): v is Obj {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The value at a path of object keys; undefined as soon as one step is not an object. */
export function at(v: unknown, ...path: readonly string[]): unknown {
    let here = v;
    for (const key of path) {
        if (!isObj(here)) return undefined;
        here = here[key];
    }
    return here;
}

/** The object at a path; an empty one when it is missing or not an object. */
export function objAt(v: unknown, ...path: readonly string[]): Obj {
    const found = at(v, ...path);
    return isObj(found) ? found : {};
}

/** The list at a path; an empty one when it is missing or not a list. */
export function listAt(v: unknown, ...path: readonly string[]): readonly unknown[] {
    const found = at(v, ...path);
    return Array.isArray(found) ? (found as unknown[]) : [];
}

/** The objects of the list at a path, each item that is not an object read as an empty one. */
export function objectsAt(v: unknown, ...path: readonly string[]): Obj[] {
    return listAt(v, ...path).map((item) => (isObj(item) ? item : {}));
}

/** A value as a message shows it: a string, number or boolean as it is, anything else as JSON. */
export function shown(v: unknown): string {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean" || typeof v === "bigint")
        return String(v);
    return JSON.stringify(v) ?? "undefined";
}

/** One resource as a rule sees it. */
export interface PolicyInput {
    readonly type: string;
    readonly props: Obj;
    /** For messages and for reporting a stack rule's finding against one resource. */
    readonly urn?: string;
    /** The logical name; Kubernetes auto-names derive from it. */
    readonly name?: string;
}

/** A rule over one resource at a time: returns one message per violation, none when it complies. */
export interface ResourceRule {
    readonly name: string;
    readonly description: string;
    /** Resource types the rule looks at; any other type always complies. */
    readonly types: readonly string[];
    readonly check: (type: string, props: Obj) => string[];
}

export interface StackViolation {
    readonly message: string;
    readonly urn?: string;
}

/** A rule over the whole stack, for invariants that relate two resources. */
export interface StackRule {
    readonly name: string;
    readonly description: string;
    readonly check: (resources: readonly PolicyInput[]) => StackViolation[];
}

export const K8S = {
    deployment: "kubernetes:apps/v1:Deployment",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    daemonSet: "kubernetes:apps/v1:DaemonSet",
    cronJob: "kubernetes:batch/v1:CronJob",
    job: "kubernetes:batch/v1:Job",
    pod: "kubernetes:core/v1:Pod",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
} as const;

export const AWS = {
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    eksCluster: "aws:eks/cluster:Cluster",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    securityGroupIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
} as const;

/** Every workload type that carries a pod template. */
export const WORKLOAD_TYPES: readonly string[] = [
    K8S.deployment,
    K8S.statefulSet,
    K8S.daemonSet,
    K8S.cronJob,
    K8S.job,
    K8S.pod,
];

/** The pod spec of a workload's inputs, wherever its kind keeps it. */
export function podSpecOf(type: string, props: Obj): Obj | undefined {
    const path =
        type === K8S.pod
            ? ["spec"]
            : type === K8S.cronJob
              ? ["spec", "jobTemplate", "spec", "template", "spec"]
              : WORKLOAD_TYPES.includes(type)
                ? ["spec", "template", "spec"]
                : undefined;
    const spec = path && at(props, ...path);
    return isObj(spec) ? spec : undefined;
}

export interface NamedContainer {
    /** `containers[0] web`, `initContainers[1] setup`: where the container sits, for messages. */
    readonly where: string;
    readonly container: Obj;
}

/** Containers and init containers of a pod spec, labelled for messages. */
export function containersOf(spec: Obj | undefined): NamedContainer[] {
    if (!spec) return [];
    return (["initContainers", "containers"] as const).flatMap((field) =>
        objectsAt(spec, field).map((c, i) => ({
            where: `${field}[${i}]${c.name ? ` ${shown(c.name)}` : ""}`,
            container: c,
        })),
    );
}

/** `metadata.name` of a Kubernetes object's inputs, or a placeholder for messages. */
export function objectName(props: Obj): string {
    const name = at(props, "metadata", "name");
    return typeof name === "string" ? name : "(auto-named)";
}
