import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, nginxCrdsUrl } from "../core/versions";

export interface NginxCrdsArgs {
    /** The cluster's kubeconfig: the CRDs get a provider of their own (see below). */
    readonly kubeconfig: pulumi.Input<string>;
    /** The controller release whose CRDs to apply. @default the pinned chart's (`CHARTS.nginxIngress.appVersion`) */
    readonly controllerVersion?: string;
}

/**
 * The NGINX Ingress Controller's CRDs (VirtualServer, Policy, GlobalConfiguration, ...), applied
 * by Pulumi from the controller release's `deploy/crds.yaml`, at the version of the pinned chart.
 * Helm installs a chart's CRDs once and never upgrades them, so the controller releases install
 * none (`skipCrds`) and wait for these: a chart bump changes the file's version, and the update
 * applies the new CRDs before the new controller starts.
 *
 * The CRDs have a provider of their own. A CRD that already exists (a cluster whose first chart
 * install put it there) is adopted: server-side apply turns the create into a patch, and the
 * `pulumi.com/patchForce` annotation takes over the fields Helm wrote, which the stack's other
 * objects never force. Pulumi never deletes them
 * (`retainOnDelete`): deleting a CRD deletes every VirtualServer and Policy of every tenant.
 */
/** The annotation with which pulumi-kubernetes forces a server-side apply over other field managers. */
export const PATCH_FORCE_ANNOTATION = "pulumi.com/patchForce";

/** Each CRD of the file: forced over Helm's field manager, and never deleted by Pulumi. */
export function adoptAndRetain(t: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult {
    const metadata = (t.props.metadata ?? {}) as { annotations?: Record<string, string> };
    const annotations = { ...metadata.annotations, [PATCH_FORCE_ANNOTATION]: "true" };
    return {
        props: { ...t.props, metadata: { ...metadata, annotations } },
        opts: pulumi.mergeOptions(t.opts, { retainOnDelete: true }),
    };
}

export class NginxCrds extends pulumi.ComponentResource {
    /** The applied file, with the controller version in its URL. */
    public readonly file: string;

    constructor(name: string, args: NginxCrdsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:platform:NginxCrds", name, {}, opts);
        this.file = nginxCrdsUrl(args.controllerVersion ?? CHARTS.nginxIngress.appVersion);
        const provider = new k8s.Provider(
            `${name}-crds`,
            {
                kubeconfig: args.kubeconfig,
                enableServerSideApply: true,
            },
            { parent: this },
        );
        new k8s.yaml.v2.ConfigFile(
            name,
            { file: this.file },
            {
                parent: this,
                provider,
                transforms: [adoptAndRetain],
            },
        );
        this.registerOutputs({ file: this.file });
    }
}
