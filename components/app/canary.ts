import * as pulumi from "@pulumi/pulumi";
import { AssetsJob, type AssetsJobArgs } from "./assetsJob";
import { Migration, type MigrationArgs } from "./migration";
import type { WorkloadRun } from "./pod";
import { WebService, type WebServiceArgs } from "./web";

/** The canary runs the stable web pods and migration at its own `image` (the app's repository at the canary's tag). */
export interface CanaryArgs extends Pick<WorkloadRun, "image"> {
    /** The stable web pods' Args: the canary's pods are the same but for the tag and the replicas. */
    readonly web: Omit<WebServiceArgs, "image" | "dependsOn" | "routes">;
    /** The stable migration's Args, without its image. */
    readonly migration: Omit<MigrationArgs, "image" | "track">;
    /** The assets Job's Args, without its image. @default none: no assets Job */
    readonly assets?: Omit<AssetsJobArgs, "image" | "track">;
}

/**
 * A canary release: a second web Deployment at the canary's tag, with its own Service,
 * autoscaler (from one pod) and disruption budget, gated by a migration Job (and an assets Job)
 * for that tag. Routing to it is the stable VirtualServers' job (cookie/header matches and a
 * weighted split).
 */
export class Canary extends pulumi.ComponentResource {
    public readonly migration: Migration;
    public readonly assets?: AssetsJob;
    public readonly web: WebService;
    public readonly serviceName: pulumi.Output<string>;
    public readonly deploymentName: pulumi.Output<string>;

    constructor(name: string, args: CanaryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:app:Canary", name, {}, opts);
        this.migration = new Migration(
            `${name}-migrate`,
            { ...args.migration, image: args.image, track: "canary" },
            { parent: this },
        );
        this.assets = args.assets
            ? new AssetsJob(
                  `${name}-assets-upload`,
                  { ...args.assets, image: args.image, track: "canary" },
                  { parent: this },
              )
            : undefined;
        this.web = new WebService(
            `${name}-web`,
            {
                ...args.web,
                image: args.image,
                scaling: { ...args.web.scaling, minReplicas: 1 },
                dependsOn: [this.migration.job, ...(this.assets ? [this.assets.job] : [])],
            },
            { parent: this },
        );
        this.serviceName = this.web.serviceName;
        this.deploymentName = this.web.deploymentName;
        this.registerOutputs({ serviceName: this.serviceName, deploymentName: this.deploymentName });
    }
}
