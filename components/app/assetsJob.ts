import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AssetsConfig } from "../config";
import { ASSETS_POD, NAME_LIMITS, workloadNames } from "../core";
import { imageReference, type ImageRef, workloadLabels } from "./pod";
import { disruptionTolerantJobSpec, RUN_TO_COMPLETION_POD_ANNOTATIONS } from "./runToCompletion";

/** The uploader script the Job runs, kept beside this file and mounted from a ConfigMap. */
export const UPLOADER_SCRIPT = path.join(__dirname, "assets", "uploader.sh");
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

/** What every assets Job of the app shares: the stable one and the canary's. */
export interface AssetsJobBase {
    readonly app: string;
    readonly namespace: pulumi.Input<string>;
    readonly assets: Pick<AssetsConfig, "paths" | "urlPrefixes" | "keepReleases" | "retainDays" | "uploaderImage">;
    readonly target: AssetsTarget;
    /** The app's non-root user: the init container reads the image's folders as the app would. */
    readonly runAsUser: number;
    /** The Job's own ServiceAccount (its IAM role writes the bucket's asset prefixes only). */
    readonly serviceAccountName: pulumi.Input<string>;
    /** The ConfigMap holding the uploader script. */
    readonly scriptConfigMapName: pulumi.Input<string>;
}

export interface AssetsJobArgs extends AssetsJobBase {
    /** The image whose assets are uploaded: the Job's name changes with its tag. */
    readonly image: ImageRef;
    /** Which web Deployment the Job gates. @default stable */
    readonly track?: "stable" | "canary";
    /** Releases whose files no cleanup may remove: the uploaded tag, the one serving before it, a canary's stable tag. */
    readonly protect: readonly string[];
}

/** The assets Job's name for a tag: like the migration's, with the canary's track hashed in. */
export function assetsJobName(app: string, imageTag: string, track: "stable" | "canary" = "stable"): string {
    const hashed = track === "stable" ? imageTag : `${track}/${imageTag}`;
    const hash = createHash("sha256").update(hashed).digest("hex").slice(0, NAME_LIMITS.migrationHash);
    return workloadNames.assets(app, hash);
}

/** The uploader script's text; read only where a stack has assets to upload. */
export function uploaderScript(): string {
    return fs.readFileSync(UPLOADER_SCRIPT, "utf8");
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

const RESTRICTED = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
};

function container(name: string, image: string, mounts: k8s.types.input.core.v1.VolumeMount[]) {
    return {
        name,
        image,
        resources: {
            requests: {
                cpu: ASSETS_POD.cpu,
                memory: ASSETS_POD.memory,
                "ephemeral-storage": ASSETS_POD.ephemeralStorage,
            },
            limits: { memory: ASSETS_POD.memoryLimit, "ephemeral-storage": ASSETS_POD.ephemeralStorageLimit },
        },
        securityContext: RESTRICTED,
        volumeMounts: [...mounts, { name: "tmp", mountPath: "/tmp" }],
    };
}

/**
 * The upload pod: an init container of the app's image copies its asset folders into a shared
 * emptyDir, then the pinned uploader image runs the script on them. Restricted Pod Security.
 */
export function assetsPodSpec(args: AssetsJobArgs): k8s.types.input.core.v1.PodSpec {
    const pairs = args.assets.paths.flatMap((p, i) => [p, bare(args.assets.urlPrefixes[i])]);
    return {
        serviceAccountName: args.serviceAccountName,
        // IRSA injects its own token; the pod talks to no Kubernetes API.
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        restartPolicy: "Never",
        securityContext: {
            runAsNonRoot: true,
            runAsUser: args.runAsUser,
            runAsGroup: args.runAsUser,
            fsGroup: args.runAsUser,
            seccompProfile: { type: "RuntimeDefault" },
        },
        volumes: [
            { name: "files", emptyDir: { sizeLimit: ASSETS_POD.files } },
            { name: "tmp", emptyDir: { sizeLimit: ASSETS_POD.tmp } },
            { name: "script", configMap: { name: args.scriptConfigMapName } },
        ],
        initContainers: [
            {
                ...container("copy", imageReference(args.image), [{ name: "files", mountPath: ASSETS_SOURCE }]),
                command: ["sh", "-c", COPY_PROGRAM, "copy-assets", ...pairs],
            },
        ],
        containers: [
            {
                ...container("upload", args.assets.uploaderImage, [
                    { name: "files", mountPath: ASSETS_SOURCE, readOnly: true },
                    { name: "script", mountPath: SCRIPT_DIR, readOnly: true },
                ]),
                command: ["sh", `${SCRIPT_DIR}/uploader.sh`],
                env: uploaderEnv(args),
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

/** The app's uploader: the assets Jobs' ServiceAccount (with its IRSA role) and the script's ConfigMap. */
export class AssetsUploader extends pulumi.ComponentResource {
    public readonly serviceAccountName: pulumi.Output<string>;
    public readonly scriptConfigMapName: pulumi.Output<string>;

    constructor(
        name: string,
        args: Pick<AssetsJobBase, "app" | "namespace" | "target">,
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
