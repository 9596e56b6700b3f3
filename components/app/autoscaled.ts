import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** Replica bounds and CPU target of an autoscaled Deployment. */
export interface Scaling {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    /** Average CPU utilization, in percent of the request, that the autoscaler keeps. */
    readonly targetCPUUtilization: number;
    /** How long an update waits for a rollout; also the Deployment's progress deadline. @default computed by rolloutTimeoutSeconds */
    readonly rolloutTimeoutSeconds?: number;
}

/** Problems with scaling Args, each naming the field, all at once. */
export function scalingProblems(s: Scaling): string[] {
    const problems: string[] = [];
    if (!Number.isInteger(s.minReplicas) || s.minReplicas < 1)
        problems.push(`minReplicas: ${s.minReplicas} must be an integer of at least 1`);
    if (!Number.isInteger(s.maxReplicas) || s.maxReplicas < 1)
        problems.push(`maxReplicas: ${s.maxReplicas} must be an integer of at least 1`);
    if (s.minReplicas > s.maxReplicas)
        problems.push(`minReplicas: ${s.minReplicas} must be less than or equal to maxReplicas (${s.maxReplicas})`);
    if (!(s.targetCPUUtilization >= 1 && s.targetCPUUtilization <= 100))
        problems.push(`targetCPUUtilization: ${s.targetCPUUtilization} must be between 1 and 100`);
    return problems;
}

export interface AutoscaledArgs {
    /** The Deployment's name, also the autoscaler's and the disruption budget's. */
    readonly workload: string;
    readonly namespace: pulumi.Input<string>;
    /** Labels of the objects and the pods. */
    readonly labels: Record<string, string>;
    /** The labels the Deployment and the budget select pods by. */
    readonly selector: Record<string, string>;
    readonly template: k8s.types.input.core.v1.PodTemplateSpec;
    readonly scaling: Scaling;
    /** Resources that must be ready before the Deployment rolls, e.g. the migration Job. */
    readonly dependsOn: pulumi.Input<pulumi.Resource>[];
    /** Seconds one new pod may take to become ready; sizes how long Pulumi waits for a rollout. */
    readonly podReadySeconds: number;
}

/** The rolling update's surge: a quarter of the pods, at least one. */
const MAX_SURGE_PERCENT = 25;

/**
 * How long Pulumi waits for a rollout, in seconds: at `maxReplicas`, the rollout replaces pods in
 * waves of `maxSurge` (Kubernetes rounds the percentage up), each wave waiting for its pods to be
 * ready, plus a minute for the controller to notice; never less than Pulumi's own default of 10
 * minutes, which alone fails a large or slow-booting rollout that is still progressing.
 */
export function rolloutTimeoutSeconds(maxReplicas: number, podReadySeconds: number): number {
    const surge = Math.max(1, Math.ceil((maxReplicas * MAX_SURGE_PERCENT) / 100));
    return Math.max(600, Math.ceil(maxReplicas / surge) * podReadySeconds + 60);
}

/**
 * The Deployment spec of an autoscaled workload. It never sets `replicas`: the autoscaler owns
 * it, and a value here would reset the live count on every update. A rollout adds pods before it
 * removes any (`maxUnavailable: 0`).
 */
export function deploymentSpec(
    args: Pick<AutoscaledArgs, "selector" | "template">,
): k8s.types.input.apps.v1.DeploymentSpec {
    return {
        selector: { matchLabels: args.selector },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: `${MAX_SURGE_PERCENT}%` } },
        revisionHistoryLimit: 5,
        template: args.template,
    };
}

/** The autoscaler of a Deployment: `autoscaling/v2`, CPU utilization. */
export function hpaSpec(
    deploymentName: pulumi.Input<string>,
    s: Scaling,
): k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec {
    return {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deploymentName },
        minReplicas: s.minReplicas,
        maxReplicas: s.maxReplicas,
        metrics: [
            {
                type: "Resource",
                resource: { name: "cpu", target: { type: "Utilization", averageUtilization: s.targetCPUUtilization } },
            },
        ],
    };
}

/**
 * The disruption budget: at most one pod of the workload is evicted at a time. It always lets a
 * node drain, also when the workload runs a single pod (a `minAvailable` equal to the replica
 * count would block every drain).
 */
export function pdbSpec(selector: Record<string, string>): k8s.types.input.policy.v1.PodDisruptionBudgetSpec {
    return { maxUnavailable: 1, selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: "AlwaysAllow" };
}

/** A Deployment, its HorizontalPodAutoscaler and its PodDisruptionBudget, children of `parent`. */
export function autoscaledDeployment(name: string, args: AutoscaledArgs, parent: pulumi.Resource) {
    const problems = scalingProblems(args.scaling);
    if (problems.length > 0) throw new Error(`${name}: ${problems.join("; ")}`);
    const metadata = { name: args.workload, namespace: args.namespace, labels: args.labels };
    const deadline = args.scaling.rolloutTimeoutSeconds;
    const wait = `${deadline ?? rolloutTimeoutSeconds(args.scaling.maxReplicas, args.podReadySeconds)}s`;
    const spec = deploymentSpec(args);
    const deployment = new k8s.apps.v1.Deployment(
        name,
        { metadata, spec: deadline === undefined ? spec : { ...spec, progressDeadlineSeconds: deadline } },
        { parent, dependsOn: args.dependsOn, customTimeouts: { create: wait, update: wait } },
    );
    const hpa = new k8s.autoscaling.v2.HorizontalPodAutoscaler(
        name,
        { metadata, spec: hpaSpec(deployment.metadata.name, args.scaling) },
        { parent },
    );
    const pdb = new k8s.policy.v1.PodDisruptionBudget(name, { metadata, spec: pdbSpec(args.selector) }, { parent });
    return { deployment, hpa, pdb };
}
