import { createHash, pbkdf2Sync } from "crypto";

/**
 * The htpasswd file behind staging basic auth, hashed with SHA-512-crypt (`$6$`), a scheme that
 * nginx's `auth_basic_user_file` accepts through the system crypt() of the NGINX Ingress
 * Controller's image, and much stronger than the MD5-based `$apr1$` that `htpasswd` writes by default.
 *
 * The salt is derived, not random: the same users and passwords give the same file on every run,
 * so a preview shows no change until a password does. It is still different per user and per
 * password. It is derived with PBKDF2 at a cost above the hash's own, so the salt, which is
 * visible in the file, is no cheaper a way to test a guessed password than the hash itself.
 */

/** crypt's base-64 alphabet. */
const CRYPT64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const DEFAULT_ROUNDS = 5000;
const MIN_ROUNDS = 1000;
const MAX_ROUNDS = 999_999_999;
const MAX_SALT = 16;
/**
 * PBKDF2-SHA-512 iterations of the derived salt: each is two SHA-512 computations, so 5000 cost
 * more than the 5000 rounds of the crypt itself, and a guess is no cheaper to test on the salt.
 */
const SALT_ITERATIONS = 5_000;

function sha512(...parts: Buffer[]): Buffer {
    const h = createHash("sha512");
    for (const p of parts) h.update(p);
    return h.digest();
}

/** `length` bytes of `block` repeated. */
function repeatTo(block: Buffer, length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i += block.length) block.copy(out, i, 0, Math.min(block.length, length - i));
    return out;
}

/** Encodes three bytes (most significant first) as `n` crypt-base-64 characters, low bits first. */
function encode24(b2: number, b1: number, b0: number, n: number): string {
    let w = (b2 << 16) | (b1 << 8) | b0;
    let out = "";
    for (let i = 0; i < n; i++) {
        out += CRYPT64[w & 0x3f];
        w >>>= 6;
    }
    return out;
}

/** The digest in the byte order of the SHA-512-crypt specification: 21 groups of 3, then the last byte. */
function encodeDigest(d: Buffer): string {
    let out = "";
    for (let i = 0; i < 21; i++) {
        const [a, b, c] = [i, i + 21, i + 42];
        const order = [
            [a, b, c],
            [b, c, a],
            [c, a, b],
        ][i % 3];
        out += encode24(d[order[0]], d[order[1]], d[order[2]], 4);
    }
    return out + encode24(0, 0, d[63], 2);
}

/**
 * SHA-512-crypt of `password` with `salt` (at most 16 characters are used), as glibc's crypt()
 * computes it for `$6$<salt>` or `$6$rounds=<n>$<salt>`. Rounds are written into the result
 * only when they differ from the default 5000, as crypt() does when they are not asked for.
 */
export function sha512Crypt(password: string, salt: string, rounds?: number): string {
    if (rounds !== undefined && (!Number.isInteger(rounds) || rounds < MIN_ROUNDS || rounds > MAX_ROUNDS)) {
        throw new Error(`rounds must be an integer from ${MIN_ROUNDS} to ${MAX_ROUNDS}`);
    }
    if (/[$:\n]/.test(salt)) throw new Error("a salt must not contain '$', ':' or a line break");
    const P = Buffer.from(password, "utf8");
    const S = Buffer.from(salt.slice(0, MAX_SALT), "utf8");
    const n = rounds ?? DEFAULT_ROUNDS;

    const B = sha512(P, S, P);
    const a = createHash("sha512").update(P).update(S).update(repeatTo(B, P.length));
    for (let len = P.length; len > 0; len >>= 1) a.update(len & 1 ? B : P);
    const A = a.digest();

    const pBytes = repeatTo(sha512(...Array<Buffer>(P.length).fill(P)), P.length);
    const sBytes = repeatTo(sha512(...Array<Buffer>(16 + A[0]).fill(S)), S.length);

    let C = A;
    for (let i = 0; i < n; i++) {
        const h = createHash("sha512");
        h.update(i & 1 ? pBytes : C);
        if (i % 3 !== 0) h.update(sBytes);
        if (i % 7 !== 0) h.update(pBytes);
        h.update(i & 1 ? C : pBytes);
        C = h.digest();
    }
    const prefix = rounds === undefined ? "$6$" : `$6$rounds=${n}$`;
    return `${prefix}${S.toString("utf8")}$${encodeDigest(C)}`;
}

/** The salt of one user's entry: 16 crypt characters derived from the user and the password. */
export function derivedSalt(user: string, password: string): string {
    const bytes = pbkdf2Sync(password, `capstan htpasswd salt\0${user}`, SALT_ITERATIONS, 12, "sha512");
    return bytes.toString("base64").replace(/\+/g, ".");
}

/** One line of the file, `user:$6$salt$hash`. */
export function htpasswdLine(user: string, password: string): string {
    return `${user}:${sha512Crypt(password, derivedSalt(user, password))}`;
}

/**
 * The whole file, one line per user in the given order. A user without a password is an error
 * naming the user (the config check reports it first; this guards direct callers).
 */
export function htpasswdFile(users: readonly string[], passwords: Readonly<Record<string, string>>): string {
    const missing = users.filter((u) => typeof passwords[u] !== "string" || passwords[u] === "");
    if (missing.length > 0) {
        throw new Error(
            `basic auth: no password for ${missing.map((u) => JSON.stringify(u)).join(", ")}; set it with: pulumi config set --secret --path 'basicAuthPasswords.USER' <password>`,
        );
    }
    return users.map((u) => `${htpasswdLine(u, passwords[u])}\n`).join("");
}
