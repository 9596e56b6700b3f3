/**
 * The rules of the stack's own database, cache and DNS (`capstan:database`, `capstan:cache`,
 * `capstan:dns`) that span more than one key.
 */
import { serviceEnvNames } from "../core/names";
import type { ConfigProblem } from "./errors";
import type { RootConfig } from "./schema";

/**
 * ACM takes the first name of a certificate as its subject common name, which RFC 5280 limits to
 * 64 characters; the other names may be up to 253.
 */
export const CERTIFICATE_FIRST_NAME_MAX = 64;

/** Every host of the stack, public first, each once. */
export function stackHosts(ingress: RootConfig["ingress"]): string[] {
    return [...new Set([...ingress.public.hosts, ...(ingress.internal?.hosts ?? [])])];
}

/** The host a certificate names first: the shortest (the first of equals), so that it fits ACM's limit wherever one can. */
export function certificateFirstName(hosts: readonly string[]): string {
    return hosts.reduce((a, b) => (b.length < a.length ? b : a));
}

const at = (path: string, message: string): ConfigProblem => ({ path: `capstan:${path}`, message });

/** The cross-field rules of the database, cache and DNS keys. */
export function serviceChecks(
    cfg: Pick<RootConfig, "app" | "ingress" | "database" | "cache" | "dns">,
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const db = cfg.database;
    if (db && db.instanceClass === "serverless" && db.minCapacity > db.maxCapacity) {
        problems.push(
            at(
                "database.minCapacity",
                `${db.minCapacity} is greater than maxCapacity ${db.maxCapacity}; set minCapacity <= maxCapacity`,
            ),
        );
    }
    const composed: [string, string, string][] = [];
    if (db) composed.push([serviceEnvNames.database, "database", "capstan:database"]);
    if (cfg.cache) composed.push([serviceEnvNames.cache, "cache", "capstan:cache"]);
    for (const [name, what, key] of composed) {
        if (name in cfg.app.env)
            problems.push(
                at(`app.env.${name}`, `is set by Capstan to the URL of the stack's ${what} (${key}); remove it`),
            );
        const i = cfg.app.secretEnv.indexOf(name);
        if (i >= 0)
            problems.push(
                at(
                    `app.secretEnv[${i}]`,
                    `${name} is set by Capstan to the URL of the stack's ${what} (${key}); remove it here and from capstan:appSecrets`,
                ),
            );
    }
    if (cfg.dns) {
        const first = certificateFirstName(stackHosts(cfg.ingress));
        if (first.length > CERTIFICATE_FIRST_NAME_MAX) {
            problems.push(
                at(
                    "ingress.public.hosts",
                    `the certificate of capstan:dns names ${JSON.stringify(first)} first, ${first.length} characters; ACM allows ${CERTIFICATE_FIRST_NAME_MAX} for a certificate's first name: add a shorter host`,
                ),
            );
        }
    }
    return problems;
}
