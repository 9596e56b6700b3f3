/**
 * What one pod of an assets Job asks for (components/app/assetsJob.ts): the init container and the
 * uploader each, one after the other, so the pod counts once. The copy of the image's asset folders
 * lies on the node's disk, in `files`; a tenant's quota must hold one such pod per Job.
 */
export const ASSETS_POD = {
    cpu: "100m",
    memory: "256Mi",
    memoryLimit: "512Mi",
    ephemeralStorage: "2Gi",
    ephemeralStorageLimit: "2Gi",
    /** The emptyDir the asset folders are copied into. */
    files: "1536Mi",
    /** The emptyDir at /tmp (the CLI's caches and the script's work files). */
    tmp: "256Mi",
} as const;
