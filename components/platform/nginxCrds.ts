import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, nginxCrdsUrl } from "../config/versions";

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
 * The CRDs have a provider of their own, which adopts CRDs that already exist (a cluster whose
 * first chart install put them there) and takes over the fields Helm wrote; the stack's main
 * provider keeps refusing to overwrite objects it did not create. Pulumi never deletes them
 * (`retainOnDelete`): deleting a CRD deletes every VirtualServer and Policy of every tenant.
 */
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
                upsertExistingObjects: true,
                enablePatchForce: true,
            },
            { parent: this },
        );
        new k8s.yaml.v2.ConfigFile(
            name,
            { file: this.file },
            {
                parent: this,
                provider,
                transforms: [(t) => ({ props: t.props, opts: pulumi.mergeOptions(t.opts, { retainOnDelete: true }) })],
            },
        );
        this.registerOutputs({ file: this.file });
    }
}
