/** A Helm chart at a pinned version: an HTTP repository, or an OCI registry (`oci://`). */
export interface ChartPin {
    readonly repo: string;
    readonly chart: string;
    readonly version: string;
}

/**
 * Pinned versions of the cluster add-ons installed with Helm. To bump one: pick the new chart
 * version from the repository's index (`helm search repo <repo>/<chart> --versions`), read its
 * release notes for changed values, change it here, and review `npm run render -- prod`.
 */
export const CHARTS = {
    /**
     * NGINX Ingress Controller (nginx/kubernetes-ingress); chart 2.7.2 ships controller 5.6.2. Bump
     * `appVersion` with `version` (the chart's `appVersion`): the CRDs are applied from that release.
     */
    nginxIngress: {
        repo: "https://helm.nginx.com/stable",
        chart: "nginx-ingress",
        version: "2.7.2",
        appVersion: "5.6.2",
    },
    /** cluster-autoscaler; the image tag is set per cluster version below, not taken from the chart. */
    clusterAutoscaler: {
        repo: "https://kubernetes.github.io/autoscaler",
        chart: "cluster-autoscaler",
        version: "9.50.0",
    },
    /** metrics-server; chart 3.13.0 ships metrics-server 0.8.0. */
    metricsServer: {
        repo: "https://kubernetes-sigs.github.io/metrics-server/",
        chart: "metrics-server",
        version: "3.13.0",
    },
    /**
     * aws-node-termination-handler (aws/aws-node-termination-handler), an OCI chart on ECR Public:
     * chart 0.27.2 ships NTH 1.25.2 (the chart's minor is the app's plus 2). List versions with
     * `crane ls public.ecr.aws/aws-ec2/helm/aws-node-termination-handler`.
     */
    nodeTerminationHandler: {
        repo: "oci://public.ecr.aws/aws-ec2/helm",
        chart: "aws-node-termination-handler",
        version: "0.27.2",
    },
    /** Fluent Bit (fluent/helm-charts); chart 0.47.0 ships Fluent Bit 3.1.0. */
    fluentBit: {
        repo: "https://fluent.github.io/helm-charts",
        chart: "fluent-bit",
        version: "0.47.0",
    },
    /** prometheus-node-exporter (prometheus-community/helm-charts); chart 4.45.3 ships node_exporter 1.9.1. */
    nodeExporter: {
        repo: "https://prometheus-community.github.io/helm-charts",
        chart: "prometheus-node-exporter",
        version: "4.45.3",
    },
    /** kube-state-metrics (prometheus-community/helm-charts); chart 5.6.2 ships kube-state-metrics 2.8.2. */
    kubeStateMetrics: {
        repo: "https://prometheus-community.github.io/helm-charts",
        chart: "kube-state-metrics",
        version: "5.6.2",
    },
} as const;

/** The NGINX Ingress Controller's CRDs of a controller release, as its upgrade guide applies them. */
export function nginxCrdsUrl(controllerVersion: string): string {
    return `https://raw.githubusercontent.com/nginx/kubernetes-ingress/v${controllerVersion}/deploy/crds.yaml`;
}

/**
 * cluster-autoscaler must run the minor version of the cluster it scales. To support a new
 * Kubernetes minor, add its latest `registry.k8s.io/autoscaling/cluster-autoscaler` patch tag.
 */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Readonly<Record<string, string>> = {
    "1.32": "v1.32.5",
    "1.33": "v1.33.3",
    "1.34": "v1.34.2",
};

/** The cluster-autoscaler image tag for a cluster version; throws for a version with none listed. */
export function clusterAutoscalerImageTag(version: string): string {
    const tag = CLUSTER_AUTOSCALER_IMAGE_TAGS[version];
    if (!tag) {
        throw new Error(
            `no cluster-autoscaler image is pinned for Kubernetes ${version}; add one to CLUSTER_AUTOSCALER_IMAGE_TAGS in components/core/versions.ts (known: ${Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS).join(", ")})`,
        );
    }
    return tag;
}

/**
 * The EKS-optimized Amazon Linux 2023 AMI release each Kubernetes minor's nodes run, unless
 * `cluster.amiRelease` says otherwise. A release is pinned, never "recommended": EC2 resolves a
 * launch template's SSM parameter at every launch, so following "recommended" would mix AMIs within
 * a group and never roll it. To move to a new release: list the releases with
 * `aws ssm get-parameters-by-path --path /aws/service/eks/optimized-ami/<minor>/amazon-linux-2023/x86_64/standard/`,
 * read the release notes of awslabs/amazon-eks-ami, change it here (or in the stack's config), and
 * `pulumi up`: the launch template changes and the instance refresh rolls the nodes.
 */
export const EKS_AMI_RELEASES: Readonly<Record<string, string>> = {
    "1.32": "v20260930",
    "1.33": "v20260930",
    "1.34": "v20260930",
};

/** The AMI release of a cluster version: the config's, else the one pinned here; throws for a version with neither. */
export function eksAmiRelease(version: string, configured?: string): string {
    const release = configured ?? EKS_AMI_RELEASES[version];
    if (!release) {
        throw new Error(
            `no EKS AMI release is pinned for Kubernetes ${version}; set capstan:cluster.amiRelease (e.g. v20260930) or add one to EKS_AMI_RELEASES in components/core/versions.ts (known: ${Object.keys(EKS_AMI_RELEASES).join(", ")})`,
        );
    }
    return release;
}
