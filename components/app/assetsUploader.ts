import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ASSETS_POD, workloadNames } from "../core";
import type { AssetsJobArgs, AssetsJobBase, AssetsTarget } from "./assetsJob";
import type { PodBase } from "./pod";
import { appImage, type RailsAppArgs } from "./railsAppArgs";

/** The uploader script the assets Jobs run, kept beside this file and mounted from a ConfigMap. */
export const UPLOADER_SCRIPT = path.join(__dirname, "assets", "uploader.sh");

/** The uploader script's text; read only where a stack has assets to upload. */
export function uploaderScript(): string {
    return fs.readFileSync(UPLOADER_SCRIPT, "utf8");
}

/** The app's uploader: the assets Jobs' ServiceAccount (with its IRSA role) and the script's ConfigMap. */
export class AssetsUploader extends pulumi.ComponentResource {
    public readonly serviceAccountName: pulumi.Output<string>;
    public readonly scriptConfigMapName: pulumi.Output<string>;

    constructor(
        name: string,
        args: { readonly app: string; readonly namespace: pulumi.Input<string>; readonly target: AssetsTarget },
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("capstan:app:AssetsUploader", name, {}, opts);
        const labels = { "app.kubernetes.io/name": args.app, "app.kubernetes.io/component": "assets" };
        const account = new k8s.core.v1.ServiceAccount(
            name,
            {
                metadata: {
                    name: workloadNames.assetsInstance(args.app),
                    namespace: args.namespace,
                    labels,
                    annotations: args.target.roleArn ? { "eks.amazonaws.com/role-arn": args.target.roleArn } : {},
                },
                automountServiceAccountToken: false,
            },
            { parent: this },
        );
        // Auto-named: a new script is a new ConfigMap, which replaces the Job that mounts it.
        const script = new k8s.core.v1.ConfigMap(
            `${name}-script`,
            { metadata: { namespace: args.namespace, labels }, data: { "uploader.sh": uploaderScript() } },
            { parent: this },
        );
        this.serviceAccountName = account.metadata.name;
        this.scriptConfigMapName = script.metadata.name;
        this.registerOutputs({ serviceAccountName: this.serviceAccountName });
    }
}

/**
 * What the stable and the canary assets Job share: the app's pod base, run as the uploader's
 * ServiceAccount, with the script and the Job's own small resources (not the web pod's: copying
 * and uploading files needs little, and a tenant's quota counts them).
 */
export function assetsBaseArgs(
    args: Pick<RailsAppArgs, "app" | "namespace">,
    target: AssetsTarget,
    pod: PodBase,
    uploader: Pick<AssetsUploader, "serviceAccountName" | "scriptConfigMapName">,
): AssetsJobBase {
    return {
        app: args.app.name,
        namespace: args.namespace,
        pod: { ...pod, serviceAccountName: uploader.serviceAccountName },
        resources: ASSETS_POD,
        assets: args.app.assets,
        target,
        scriptConfigMapName: uploader.scriptConfigMapName,
    };
}

/** The assets Job of `imageTag`: its files and the previous tag's are kept by every cleanup. */
export function assetsJobArgs(
    args: Pick<RailsAppArgs, "app" | "imageTag" | "previousImageTag">,
    base: AssetsJobBase,
): AssetsJobArgs {
    const protect = [args.imageTag, ...(args.previousImageTag ? [args.previousImageTag] : [])];
    return { ...base, image: appImage(args.app, args.imageTag), protect };
}
