/**
 * A blue/green release of the web pods: each colour that has pods is a WebService of its own
 * (Deployment, Service, autoscaler, disruption budget) at its own tag; the app's VirtualServers
 * route every request to the active colour, and the preview hosts' VirtualServers to the idle one.
 * A switch changes only the route of `/` (which upstream it proxies to); the workers and cron tasks
 * run `imageTag` throughout and follow once the release is finished.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { colourPods, type Colour, type ColourPods, type ReleaseConfig } from "../config";
import { workloadNames } from "../core";
import { AssetsJob, type AssetsJobBase } from "./assetsJob";
import { Migration } from "./migration";
import { workloadLabels } from "./pod";
import {
    appImage,
    migrationBaseArgs,
    routesArgs,
    webBaseArgs,
    type RailsAppArgs,
    type WorkloadBase,
} from "./railsAppArgs";
import { COLOUR_UPSTREAMS, createVirtualServers, type ColourRouting } from "./routes";
import { WebService, type WebServiceArgs } from "./web";

/** The colour's Deployment and Service: blue is the rolling strategy's web Deployment, so turning blue/green on keeps it. */
export function colourWorkload(app: string, colour: Colour): string {
    return colour === "blue" ? workloadNames.web(app) : workloadNames.green(app);
}

/** The colour's Pulumi name: blue's is the rolling web's, so its objects keep their URNs. */
export function colourResourceName(name: string, colour: Colour): string {
    return colour === "blue" ? `${name}-web` : `${name}-web-green`;
}

/** A colour's web pods: the stable web Args at the colour's tag, held at its replicas when it has some. */
export function colourWebArgs(
    args: Pick<RailsAppArgs, "app" | "namespace">,
    base: WorkloadBase,
    c: ColourPods,
    gate: pulumi.Input<pulumi.Resource>[],
): WebServiceArgs {
    const web = webBaseArgs(args, base.pod);
    const held = c.replicas ?? 0;
    return {
        ...web,
        workload: colourWorkload(args.app.name, c.colour),
        image: appImage(args.app, c.imageTag),
        // Full size from the start: the autoscaler never goes below the count it takes over from.
        scaling: {
            ...web.scaling,
            minReplicas: Math.max(web.scaling.minReplicas, held),
            maxReplicas: Math.max(web.scaling.maxReplicas, held),
        },
        dependsOn: gate,
    };
}

/** A colour at a tag other than `imageTag`: its own migration (and assets Job) gates its pods. */
function colourGate(
    name: string,
    args: RailsAppArgs,
    base: WorkloadBase,
    c: ColourPods,
    parent: pulumi.ComponentResource,
    assets: AssetsJobBase | undefined,
    serving: string[],
): pulumi.Resource[] {
    const image = appImage(args.app, c.imageTag);
    const migration = new Migration(
        `${name}-migrate-${c.colour}`,
        { ...migrationBaseArgs(args, base.pod), image, track: c.colour },
        { parent },
    );
    const upload =
        assets &&
        new AssetsJob(
            `${name}-assets-upload-${c.colour}`,
            { ...assets, image, track: c.colour, protect: serving },
            { parent },
        );
    return [migration.job, ...(upload ? [upload.job] : [])];
}

/** Each colour's upstream and Service, and the upstream `to` colour's requests go to. */
export function colourRouting(
    services: readonly { colour: Colour; service: pulumi.Input<string> }[],
    to: Colour,
): ColourRouting {
    return {
        upstreams: services.map((s) => ({ name: COLOUR_UPSTREAMS[s.colour], service: s.service })),
        to: COLOUR_UPSTREAMS[to],
    };
}

export interface BlueGreenWeb {
    readonly active: WebService;
    readonly idle?: WebService;
    readonly servers: k8s.apiextensions.CustomResource[];
    readonly previewServers: k8s.apiextensions.CustomResource[];
}

/** The colours with pods, their migrations (a colour not at `imageTag` migrates its own tag first), and the routes. */
export function blueGreenWeb(
    name: string,
    args: RailsAppArgs,
    release: ReleaseConfig,
    base: WorkloadBase,
    parent: pulumi.ComponentResource,
    assets?: AssetsJobBase,
): BlueGreenWeb {
    const { active, idle } = colourPods(release, args.imageTag);
    // Every tag a colour serves keeps its files through any assets Job's cleanup.
    const serving = [...new Set([args.imageTag, active.imageTag, ...(idle ? [idle.imageTag] : [])])];
    const colour = (c: ColourPods) => {
        const gate =
            c.imageTag === args.imageTag ? base.gate : colourGate(name, args, base, c, parent, assets, serving);
        return new WebService(colourResourceName(name, c.colour), colourWebArgs(args, base, c, gate), { parent });
    };
    const activeWeb = colour(active);
    const idleWeb = idle && colour(idle);
    const services = [
        { colour: active.colour, service: activeWeb.serviceName },
        ...(idle && idleWeb ? [{ colour: idle.colour, service: idleWeb.serviceName }] : []),
    ].sort((a, b) => a.colour.localeCompare(b.colour));
    const routes = { ...routesArgs(args), app: args.app.name, namespace: args.namespace };
    // The rolling web's labels and names: turning blue/green on changes only their upstreams.
    const labels = workloadLabels(args.app.name, workloadNames.web(args.app.name), "web");
    const webName = `${name}-web`;
    // The VirtualServers stay children of the web component blue is (or, without blue's pods, a
    // bare one of the same type and name), so they keep their URNs both ways between the strategies.
    const holder =
        (active.colour === "blue" ? activeWeb : idleWeb) ??
        new pulumi.ComponentResource("capstan:app:WebService", webName, {}, { parent });
    const servers = createVirtualServers(
        webName,
        { ...routes, labels, serviceName: activeWeb.serviceName, colours: colourRouting(services, active.colour) },
        holder,
    );
    const previewServers =
        idle && release.previewHosts.length > 0
            ? createVirtualServers(
                  `${name}-preview`,
                  {
                      ...routes,
                      app: `${args.app.name}-preview`,
                      hosts: { public: release.previewHosts },
                      labels,
                      serviceName: activeWeb.serviceName,
                      colours: colourRouting(services, idle.colour),
                      // The preview hosts are not behind the CDN: they reach the public entry directly.
                      originHeader: undefined,
                  },
                  holder,
              )
            : [];
    return { active: activeWeb, idle: idleWeb, servers, previewServers };
}
