import { createHash } from "crypto";

/**
 * AWS's limits on the identifiers Capstan names itself (everything else gets Pulumi's auto-name).
 * Each allows letters, digits and hyphens, starts with a letter, has no two hyphens in a row and
 * does not end with one; AWS stores it in lower case.
 */
export const AWS_NAME_LIMITS = {
    /** RDS DB cluster (Aurora) and DB instance identifiers. */
    rdsIdentifier: 63,
    /** ElastiCache replication group ids. */
    elastiCacheReplicationGroup: 40,
} as const;

/** Characters of the hash a shortened name ends with. */
const HASH_LENGTH = 8;

/**
 * `base` as an identifier of at most `max` characters that AWS accepts: lower case, every run of
 * other characters as one hyphen, starting with a letter. A base that does not fit keeps its start
 * and ends with a hash of the whole base, so two long bases that share their start still differ,
 * and the same base always gives the same name.
 */
export function awsName(base: string, max: number): string {
    if (max < HASH_LENGTH + 2) throw new Error(`awsName: a limit of ${max} leaves no room for a shortened name`);
    let name = base
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "");
    if (!/^[a-z]/.test(name)) name = `c-${name}`.replace(/-+$/, "");
    if (name.length <= max) return name;
    const hash = createHash("sha256").update(base).digest("hex").slice(0, HASH_LENGTH);
    return `${name.slice(0, max - HASH_LENGTH - 1).replace(/-+$/, "")}-${hash}`;
}

/** Whether `name` is an identifier AWS accepts within `max` characters (the rule `awsName` keeps). */
export function isAwsName(name: string, max: number): boolean {
    return name.length >= 1 && name.length <= max && /^[a-z](-?[a-z0-9])*$/.test(name);
}
