import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AssetsConfig } from "../config";
import { NAME_LIMITS, workloadNames } from "../core";
import { type AppPodArgs, appContainer, appPodSpec, workloadLabels, writableMounts, writableVolumes } from "./pod";
import { disruptionTolerantJobSpec, RUN_TO_COMPLETION_POD_ANNOTATIONS } from "./runToCompletion";
import { type WorkloadArgs, workloadPod } from "./workload";
import type { MigrationTrack } from "./migration";

/** Where the init container copies the image's asset folders, one sub-folder per URL prefix. */
export const ASSETS_SOURCE = "/capstan-assets";
/** Where the uploader script is mounted. */
const SCRIPT_DIR = "/capstan";
/** How long one upload may run, in seconds; Pulumi waits two minutes longer. */
export const ASSETS_DEADLINE_SECONDS = 900;
/**
 * Retries of a failed upload: one. An upload is safe to repeat, unlike a migration, but the CLI
 * already retries each request, so a second failure in a row is no passing glitch.
 */
export const ASSETS_BACKOFF_LIMIT = 1;

/** Where the assets go and as whom the Job writes there. */
export interface AssetsTarget {
    /** The bucket: the CDN's, or `app.assets.bucket`. */
    readonly bucket: pulumi.Input<string>;
    /** The key prefix inside it, without a leading or trailing "/"; "" for the bucket's root. */
    readonly keyPrefix: string;
    /** The bucket's AWS region. */
    readonly region: string;
    /** An S3-compatible endpoint instead of AWS S3. @default AWS S3 */
    readonly endpointUrl?: string;
    /** The IRSA role the Job's ServiceAccount takes. @default none: the pod's own credentials */
    readonly roleArn?: pulumi.Input<string>;
}

/**
 * The upload of one image tag's assets. It runs on the app's pod base (user, restricted security
 * context) as the uploader's ServiceAccount (`pod.serviceAccountName`), with `resources` for each of
 * its containers; it reads none of the app's environment, and writes only its own folders.
 */
export interface AssetsJobArgs extends Omit<WorkloadArgs, "command"> {
    readonly assets: Pick<AssetsConfig, "paths" | "urlPrefixes" | "keepReleases" | "retainDays" | "uploaderImage">;
    readonly target: AssetsTarget;
    /** The ConfigMap holding the uploader script. */
    readonly scriptConfigMapName: pulumi.Input<string>;
    /** Which web Deployment the Job gates. @default stable */
    readonly track?: MigrationTrack;
    /** Releases whose files no cleanup may remove: the uploaded tag, the one serving before it, a canary's stable tag. */
    readonly protect: readonly string[];
}

/** What every assets Job of the app shares: the stable one and the canary's differ in image, track and protected tags. */
export type AssetsJobBase = Omit<AssetsJobArgs, "image" | "track" | "protect">;

/** The assets Job's name for a tag: like the migration's, with the track (canary, a colour) hashed in. */
export function assetsJobName(app: string, imageTag: string, track: MigrationTrack = "stable"): string {
    const hashed = track === "stable" ? imageTag : `${track}/${imageTag}`;
    const hash = createHash("sha256").update(hashed).digest("hex").slice(0, NAME_LIMITS.migrationHash);
    return workloadNames.assets(app, hash);
}

/** A URL prefix as the uploader takes it, and as the init container's sub-folder: `/assets/` -> `/assets`. */
const bare = (urlPrefix: string) => urlPrefix.replace(/\/$/, "");

/**
 * The init container's shell program: each `folder prefix` pair in its arguments is copied to
 * `ASSETS_SOURCE/<prefix>`; a folder the image lacks is skipped, but an image with none of them
 * fails the Job, since its pages would link files nobody uploads.
 */
export const COPY_PROGRAM = [
    "set -eu",
    "found=0",
    'while [ "$#" -ge 2 ]; do',
    '  if [ -d "$1" ]; then',
    `    mkdir -p "${ASSETS_SOURCE}$2" && cp -R "$1/." "${ASSETS_SOURCE}$2/" && found=1`,
    '  else echo "assets: $1 is not in the image; skipped" >&2; fi',
    "  shift 2",
    "done",
    `[ "$found" = 1 ] || { echo "assets: none of the asset folders is in the image" >&2; exit 1; }`,
].join("\n");

/** The uploader's environment: the contract between the Job and the script (docs/edge.md). */
export function uploaderEnv(args: AssetsJobArgs): k8s.types.input.core.v1.EnvVar[] {
    const t = args.target;
    const env: Record<string, pulumi.Input<string>> = {
        ASSETS_BUCKET: t.bucket,
        ASSETS_PREFIX: t.keyPrefix,
        ASSETS_RELEASE: args.image.tag,
        ASSETS_KEEP: String(args.assets.keepReleases),
        ASSETS_RETAIN_DAYS: String(args.assets.retainDays),
        ASSETS_PROTECT: [...new Set(args.protect)].join(" "),
        ASSETS_SOURCE,
        ASSETS_URL_PREFIXES: args.assets.urlPrefixes.map(bare).join(" "),
        AWS_REGION: t.region,
        ...(t.endpointUrl ? { AWS_ENDPOINT_URL: t.endpointUrl } : {}),
        // The CLI keeps its caches under HOME; the root filesystem is read-only.
        HOME: "/tmp",
    };
    return Object.entries(env).map(([name, value]) => ({ name, value }));
}

/** The folders the upload pod writes: the copied asset folders, and /tmp (the CLI's caches, the script's work files). */
const ASSETS_WRITABLE_PATHS = [ASSETS_SOURCE, "/tmp"];

/**
 * The copy container's Args, on the app's pod base: the app's image and user, the Job's own
 * ServiceAccount and folders, and none of the app's env or secrets, which copying files needs not.
 */
export function assetsCopyPod(args: AssetsJobArgs): AppPodArgs {
    const pairs = args.assets.paths.flatMap((p, i) => [p, bare(args.assets.urlPrefixes[i])]);
    return workloadPod(
        {
            pod: { ...args.pod, writablePaths: ASSETS_WRITABLE_PATHS },
            image: args.image,
            command: ["sh", "-c", COPY_PROGRAM, "copy-assets", ...pairs],
            resources: args.resources,
        },
        "assets",
        { restartPolicy: "Never", appEnv: false },
    );
}

/**
 * The upload pod: an init container of the app's image copies its asset folders into an emptyDir,
 * then the pinned uploader image runs the script on them, with the same resources, security context
 * and folders (the copied ones read-only). Restricted Pod Security.
 */
export function assetsPodSpec(args: AssetsJobArgs): k8s.types.input.core.v1.PodSpec {
    const pod = assetsCopyPod(args);
    const copy = appContainer(pod);
    const folders = writableMounts(pod.writablePaths).map((m) =>
        m.mountPath === ASSETS_SOURCE ? { ...m, readOnly: true } : m,
    );
    return {
        ...appPodSpec(pod),
        volumes: [...writableVolumes(pod), { name: "script", configMap: { name: args.scriptConfigMapName } }],
        initContainers: [{ ...copy, name: "copy" }],
        containers: [
            {
                ...copy,
                name: "upload",
                image: args.assets.uploaderImage,
                command: ["sh", `${SCRIPT_DIR}/uploader.sh`],
                env: uploaderEnv(args),
                volumeMounts: [...folders, { name: "script", mountPath: SCRIPT_DIR, readOnly: true }],
            },
        ],
    };
}

/**
 * The upload of one image tag's precompiled assets: a Job named after the tag, gating the
 * workloads of that tag exactly as the migration does. Pulumi waits for it to complete, so no pod
 * of the tag starts before its files are in the bucket; a failed upload fails the update and the
 * old version keeps serving. Replaced when unready, so the same tag can be deployed again.
 */
export class AssetsJob extends pulumi.ComponentResource {
    public readonly job: k8s.batch.v1.Job;
    public readonly jobName: pulumi.Output<string>;

    constructor(name: string, args: AssetsJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:app:AssetsJob", name, {}, opts);
        const labels = workloadLabels(args.app, workloadNames.assetsInstance(args.app), "assets");
        const wait = `${ASSETS_DEADLINE_SECONDS + 120}s`;
        this.job = new k8s.batch.v1.Job(
            name,
            {
                metadata: {
                    name: assetsJobName(args.app, args.image.tag, args.track),
                    namespace: args.namespace,
                    labels,
                    annotations: { "pulumi.com/replaceUnready": "true" },
                },
                spec: {
                    backoffLimit: ASSETS_BACKOFF_LIMIT,
                    activeDeadlineSeconds: ASSETS_DEADLINE_SECONDS,
                    ...disruptionTolerantJobSpec(),
                    template: {
                        metadata: { labels, annotations: { ...RUN_TO_COMPLETION_POD_ANNOTATIONS } },
                        spec: assetsPodSpec(args),
                    },
                },
            },
            { parent: this, deleteBeforeReplace: true, customTimeouts: { create: wait, update: wait } },
        );
        this.jobName = this.job.metadata.name;
        this.registerOutputs({ jobName: this.jobName });
    }
}
