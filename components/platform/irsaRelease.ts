import type * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { irsaRole } from "../aws/irsa";
import type { ChartPin } from "../core/versions";

/** An add-on installed with Helm whose pods call AWS as one service account, through an IRSA role of its own. */
export interface IrsaReleaseArgs {
    /**
     * The logical names of the role, its inline policy and the Helm release. They are in the URNs:
     * a new name replaces the resource on the next update unless the old one is given as an alias.
     * The policy's @default is the role's name.
     */
    readonly names: { readonly role: string; readonly policy?: string; readonly release: string };
    /** The service account the chart creates and the role trusts; the release goes into its namespace. */
    readonly serviceAccount: { readonly namespace: string; readonly name: string };
    readonly oidcProviderArn: pulumi.Input<string>;
    readonly oidcIssuer: pulumi.Input<string>;
    /** The role's inline policy document. */
    readonly policy: pulumi.Input<string>;
    /** The Helm release's name in the cluster. */
    readonly releaseName: string;
    /** The chart, pinned in components/core/versions.ts. */
    readonly chart: ChartPin;
    /** @default the pinned version */
    readonly chartVersion?: string;
    /** The chart's values, given the role's ARN (the service account's `eks.amazonaws.com/role-arn`). */
    readonly values: (roleArn: pulumi.Output<string>) => Record<string, unknown>;
    readonly tags?: Record<string, string>;
    /** What the release waits for besides the role. @default nothing else */
    readonly dependsOn?: pulumi.Resource[];
}

/**
 * An add-on's IRSA role with its inline policy (`irsaRole`) and its Helm release, both under
 * `parent`: the chart's service account carries the role's ARN. An OCI chart is named by its full
 * reference; an HTTP one by its name and repository.
 */
export function irsaRelease(
    args: IrsaReleaseArgs,
    parent: pulumi.Resource,
): { role: aws.iam.Role; release: k8s.helm.v3.Release } {
    const sa = args.serviceAccount;
    const role = irsaRole(
        args.names.role,
        {
            oidcProviderArn: args.oidcProviderArn,
            oidcIssuer: args.oidcIssuer,
            namespace: sa.namespace,
            serviceAccount: sa.name,
            policy: args.policy,
            policyName: args.names.policy,
            tags: args.tags,
        },
        parent,
    );
    const oci = args.chart.repo.startsWith("oci://");
    const release = new k8s.helm.v3.Release(
        args.names.release,
        {
            name: args.releaseName,
            chart: oci ? `${args.chart.repo}/${args.chart.chart}` : args.chart.chart,
            version: args.chartVersion ?? args.chart.version,
            ...(oci ? {} : { repositoryOpts: { repo: args.chart.repo } }),
            namespace: sa.namespace,
            values: args.values(role.arn),
            atomic: true,
        },
        { parent, ...(args.dependsOn ? { dependsOn: args.dependsOn } : {}) },
    );
    return { role, release };
}
