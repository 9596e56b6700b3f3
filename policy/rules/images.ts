/** Image references: `registry/path/name:tag`, `name@sha256:...`, `name:tag@sha256:...`. */
export interface ImageRef {
    readonly repository: string;
    readonly tag?: string;
    readonly digest?: string;
}

export function parseImage(image: string): ImageRef {
    const at = image.indexOf("@");
    const digest = at >= 0 ? image.slice(at + 1) : undefined;
    const rest = at >= 0 ? image.slice(0, at) : image;
    const lastSlash = rest.lastIndexOf("/");
    const colon = rest.indexOf(":", lastSlash + 1); // a ':' before the last '/' is a registry port
    if (colon < 0) return { repository: rest, digest };
    return { repository: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
}

/** Why an image is not pinned, or undefined when it names one build: a tag other than latest, or a digest. */
export function unpinnedImageProblem(image: string): string | undefined {
    const ref = parseImage(image);
    if (ref.digest) return undefined;
    if (!ref.tag)
        return `image "${image}" has no tag, so it means "latest"; pin the tag of a built image (e.g. ${ref.repository}:2026.11.20-4f2c9e1)`;
    if (ref.tag.toLowerCase() === "latest")
        return `image "${image}" uses the moving tag "latest"; pin the tag of a built image`;
    return undefined;
}
