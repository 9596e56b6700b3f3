import type * as pulumi from "@pulumi/pulumi";
import type { LogHeaders } from "./accessLog";
import type { AlertThresholds } from "./observability/alertRules";
import type { AlertRoute } from "./observability/routing";

/** One entry's load balancer. */
export interface EntryArgs {
    /** The TLS listener's certificate: the configured ARN, or the stack's own from capstan:dns. */
    readonly certificateArn: pulumi.Input<string>;
    readonly nodePorts: { readonly http: number; readonly https: number; readonly healthCheck: number };
    /** Internal entry only: the networks that may connect to its load balancer. @default the VPC's block */
    readonly sourceCidrs?: readonly string[];
}

export interface PlatformArgs {
    /** The EKS cluster name, also the prefix of every resource name. */
    readonly clusterName: string;
    /** The stack's environment, as the cluster's `capstan:environment` tag (the policy pack reads it). */
    readonly environment: "production" | "staging";
    readonly region: string;
    readonly network: {
        readonly cidrBlock: string;
        readonly availabilityZones: readonly string[];
        readonly natGateways: "perZone" | "single";
    };
    readonly cluster: {
        readonly version: string;
        /** The EKS AMI release of every node group. @default the release pinned for the version in versions.ts */
        readonly amiRelease?: string;
        readonly publicAccessCidrs: readonly string[];
        readonly adminRoleArns: readonly string[];
        readonly addons: { readonly vpcCni?: string; readonly coreDns?: string; readonly kubeProxy?: string };
    };
    readonly nodeGroups: readonly {
        readonly name: string;
        readonly instanceTypes: readonly string[];
        readonly minSize: number;
        readonly maxSize: number;
        readonly labels: Readonly<Record<string, string>>;
        readonly taints: readonly {
            key: string;
            value: string;
            effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
        }[];
        readonly volumeSizeGiB: number;
    }[];
    readonly ingress: { readonly public: EntryArgs; readonly internal?: EntryArgs };
    /** The load balancers' deregistration delay; the controllers shut down more slowly than this. @default 30 */
    readonly deregistrationDelaySeconds?: number;
    /**
     * The public load balancer admits CloudFront's origin-facing addresses only, on 443 (a stack
     * behind its CDN, switched over). @default false: the whole internet on 80 and 443
     */
    readonly publicOriginLocked?: boolean;
    readonly tags?: Record<string, string>;
    /** The controllers' JSON access log: the headers it adds, the query parameters it redacts. @default NGINX's own log */
    readonly accessLog?: { readonly headers: LogHeaders; readonly redactQueryParams: readonly string[] };
    /** Log shipping, metrics and alerts of the cluster. @default none */
    readonly observability?: PlatformObservability;
}

/** What the platform's observability takes from config. */
export interface PlatformObservability {
    /** Days the cluster's log groups keep their events. */
    readonly logRetentionDays: number;
    /** The stack, as the cluster alerts' `stack` label. */
    readonly stack: string;
    readonly thresholds: AlertThresholds;
    readonly route: AlertRoute;
}
