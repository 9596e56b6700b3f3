/**
 * What one pod of an assets Job asks for (components/app/assetsJob.ts), whatever the app's pods ask
 * for: copying and uploading a release's files needs little CPU or memory. The init container and
 * the uploader each ask for it, one after the other, so the pod counts once; its two writable
 * folders (the copied asset folders and /tmp) share the ephemeral-storage limit. A tenant's quota
 * must hold one such pod per Job, beside the migration's.
 */
export const ASSETS_POD = {
    cpu: "100m",
    memory: "256Mi",
    memoryLimit: "512Mi",
    ephemeralStorage: "2Gi",
    ephemeralStorageLimit: "2Gi",
} as const;
