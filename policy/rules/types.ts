/**
 * The shapes the rules work on. They are what CrossGuard hands a policy (`type` and `props`, the
 * resource's inputs; for stack rules, every resource of the stack) and what `plan.json` records,
 * so the same functions run in the policy pack and in the tests.
 */

/** One resource as a rule sees it. */
export interface PolicyInput {
    readonly type: string;
    readonly props: Record<string, any>;
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
    readonly check: (type: string, props: Record<string, any>) => string[];
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
export function podSpecOf(type: string, props: Record<string, any>): Record<string, any> | undefined {
    if (type === K8S.pod) return props.spec;
    if (type === K8S.cronJob) return props.spec?.jobTemplate?.spec?.template?.spec;
    if (WORKLOAD_TYPES.includes(type)) return props.spec?.template?.spec;
    return undefined;
}

export interface NamedContainer {
    /** `containers[0] web`, `initContainers[1] setup`: where the container sits, for messages. */
    readonly where: string;
    readonly container: Record<string, any>;
}

/** Containers and init containers of a pod spec, labelled for messages. */
export function containersOf(spec: Record<string, any> | undefined): NamedContainer[] {
    if (!spec) return [];
    const out: NamedContainer[] = [];
    for (const field of ["initContainers", "containers"] as const) {
        const list = Array.isArray(spec[field]) ? (spec[field] as Record<string, any>[]) : [];
        list.forEach((c, i) => out.push({ where: `${field}[${i}]${c?.name ? ` ${c.name}` : ""}`, container: c ?? {} }));
    }
    return out;
}

/** `metadata.name` of a Kubernetes object's inputs, or a placeholder for messages. */
export function objectName(props: Record<string, any>): string {
    return typeof props.metadata?.name === "string" ? props.metadata.name : "(auto-named)";
}
