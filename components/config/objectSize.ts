import type { ConfigProblem } from "./errors";

/**
 * The app's environment becomes a ConfigMap (`app.env`) and a Secret (the values of
 * `capstan:appSecrets` named in `app.secretEnv`). The API server refuses either past 1 MiB
 * (1048576 bytes; the data counted as the names and values in UTF-8, and the whole object has to
 * fit in etcd's request besides), and it does so in the middle of an update, after the changes
 * before it. The config check refuses such an environment before anything is declared.
 */
export const API_OBJECT_LIMIT = 1048576;

/**
 * What Capstan keeps of the limit for the rest of the object: its name, namespace and labels,
 * the API server's record of its field manager (a line per variable name), and the variables
 * Capstan adds itself (`S3_BUCKET`, the queues' URLs, `DATABASE_URL`, `REDIS_URL` and the like).
 */
export const OBJECT_METADATA_BUDGET = 65536;

/** The most the names and values of `app.env`, or of the app's secret environment, may come to. */
export const ENV_DATA_LIMIT = API_OBJECT_LIMIT - OBJECT_METADATA_BUDGET;

/** Bytes of one entry as the API server counts it: name and value, in UTF-8. */
export function entryBytes(name: string, valueBytes: number): number {
    return Buffer.byteLength(name, "utf8") + valueBytes;
}

/** The problem of a map of entries (name to the bytes of its value) past {@link ENV_DATA_LIMIT}, naming its largest entries. */
export function envSizeProblem(
    path: string,
    what: { readonly entries: string; readonly object: string },
    valueBytes: Readonly<Record<string, number>>,
): ConfigProblem | undefined {
    const sizes = Object.entries(valueBytes).map(([name, bytes]) => ({ name, bytes: entryBytes(name, bytes) }));
    const total = sizes.reduce((sum, s) => sum + s.bytes, 0);
    if (total <= ENV_DATA_LIMIT) return undefined;
    const largest = [...sizes]
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, 3)
        .map((s) => `${s.name} (${s.bytes} bytes)`)
        .join(", ");
    return {
        path,
        message:
            `${what.entries} come to ${total} bytes (names and values, UTF-8), the largest ${largest}; ` +
            `the API server refuses a ${what.object} over 1 MiB (${API_OBJECT_LIMIT} bytes for the whole object), ` +
            `of which ${OBJECT_METADATA_BUDGET} are kept for its metadata and the variables Capstan adds, so at most ${ENV_DATA_LIMIT} may be set here; ` +
            "move large content out of the environment (into the image, or a file in the app's bucket)",
    };
}

/**
 * The app's ConfigMap and Secret against the API server's limit. The Secret's values are known
 * only by their size (`appSecretSizes`), and only where the secret config can be read; its
 * message names sizes and names, never a value.
 */
export function envSizeChecks(
    cfg: { readonly app: { readonly env: Readonly<Record<string, string>>; readonly secretEnv: readonly string[] } },
    appSecretSizes: Readonly<Record<string, number>> | undefined,
): ConfigProblem[] {
    const plain = Object.fromEntries(
        Object.entries(cfg.app.env).map(([name, value]) => [name, Buffer.byteLength(value, "utf8")]),
    );
    const secret = Object.fromEntries(
        cfg.app.secretEnv
            .filter((name) => appSecretSizes?.[name] !== undefined)
            .map((name) => [name, appSecretSizes![name]]),
    );
    return [
        envSizeProblem("capstan:app.env", { entries: "its variables", object: "ConfigMap" }, plain),
        envSizeProblem(
            "capstan:appSecrets",
            { entries: "the values named in app.secretEnv", object: "Secret" },
            secret,
        ),
    ].filter((p): p is ConfigProblem => p !== undefined);
}
