import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { derivedSalt, htpasswdFile, htpasswdLine, sha512Crypt } from "../../../components/app/htpasswd";

/** Vectors of the SHA-512-crypt specification (Drepper, "Unix crypt using SHA-256 and SHA-512"). */
const SPEC_VECTORS: [string, number | undefined, string, string][] = [
    [
        "saltstring",
        undefined,
        "Hello world!",
        "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
    ],
    [
        "saltstringsaltstring",
        10000,
        "Hello world!",
        "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.",
    ],
    [
        "toolongsaltstring",
        5000,
        "This is just a test",
        "$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0",
    ],
    [
        "anotherlongsaltstring",
        1400,
        "a very much longer text to encrypt.  This one even stretches over morethan one line.",
        "$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1",
    ],
    [
        "short",
        77777,
        "we have a short salt string but not a short password",
        "$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0",
    ],
    [
        "asaltof16chars..",
        123456,
        "a short string",
        "$6$rounds=123456$asaltof16chars..$BtCwjqMJGx5hrJhZywWvt0RLE8uZ4oPwcelCjmw2kSYu.Ec6ycULevoBK25fs2xXgMNrCzIMVcgEJAstJeonj1",
    ],
];

describe("SHA-512-crypt, the scheme of the htpasswd file", () => {
    it.each(SPEC_VECTORS)(
        "matches the specification's vector for salt %s, rounds %s",
        (salt, rounds, password, expected) => {
            expect(sha512Crypt(password, salt, rounds)).toBe(expected);
        },
    );

    it.each([[999], [1.5], [1_000_000_000]])("refuses %s rounds", (rounds) => {
        expect(() => sha512Crypt("pw", "salt", rounds)).toThrow(/rounds/);
    });

    it("refuses a salt that would break the file's format", () => {
        expect(() => sha512Crypt("pw", "a$b")).toThrow(/salt/);
        expect(() => sha512Crypt("pw", "a:b")).toThrow(/salt/);
    });
});

describe("the derived salt", () => {
    it("is 16 characters of crypt's alphabet, for any user and password", () => {
        fc.assert(
            fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (user, password) => {
                expect(derivedSalt(user, password)).toMatch(/^[./0-9A-Za-z]{16}$/);
            }),
            { numRuns: 25 },
        );
    });

    it("is the same on every run, so the file only changes when a password does", () => {
        expect(htpasswdLine("team", "correct horse")).toBe(htpasswdLine("team", "correct horse"));
    });

    it("differs per user and per password, so equal passwords never give equal hashes", () => {
        const salts = new Set([derivedSalt("team", "pw-1"), derivedSalt("qa", "pw-1"), derivedSalt("team", "pw-2")]);
        expect(salts.size).toBe(3);
        expect(htpasswdLine("team", "same").split(":")[1]).not.toBe(htpasswdLine("qa", "same").split(":")[1]);
    });

    it("never contains the password", () => {
        const line = htpasswdLine("team", "hunter2hunter2");
        expect(line).not.toContain("hunter2");
        expect(line).toMatch(/^team:\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    });
});

describe("the htpasswd file", () => {
    it("has one line per user, in the configured order, each verifiable with its own salt", () => {
        const file = htpasswdFile(["team", "qa"], { qa: "pw-qa", team: "pw-team" });
        const lines = file.trimEnd().split("\n");
        expect(lines.map((l) => l.split(":")[0])).toEqual(["team", "qa"]);
        for (const [line, password] of [
            [lines[0], "pw-team"],
            [lines[1], "pw-qa"],
        ]) {
            const hash = line.split(":")[1];
            const salt = hash.split("$")[2];
            expect(sha512Crypt(password, salt)).toBe(hash);
        }
        expect(file.endsWith("\n")).toBe(true);
    });

    it("names every user without a password, and the command that sets one", () => {
        expect(() => htpasswdFile(["team", "qa", "ops"], { team: "pw" })).toThrow(/"qa", "ops".*basicAuthPasswords/);
    });
});
