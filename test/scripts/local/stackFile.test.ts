import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { localStackDocument, securePaths, withoutSecrets } from "../../../scripts/local/stackFile";
import { PROJECT_DIR } from "../../harness";

const doc = (text: string) => YAML.parseDocument(text);

describe("a committed stack file made one's own", () => {
    it("finds every secure value by its config path, however deep", () => {
        const d = doc(
            "config:\n  a:b: {secure: x}\n  c:d:\n    e: {secure: y}\n    f: plain\n    g: {h: {secure: z}}\n",
        );
        expect(securePaths(d.get("config"))).toEqual(["a:b", "c:d.e", "c:d.g.h"]);
    });

    it("takes out the secure values and the salt they were encrypted with, keeping every other value and the document itself", () => {
        const d = doc(
            "config:\n  a:b: {secure: x}\n  c:d:\n    e: {secure: y}\n    f: plain\nencryptionsalt: v1:salt\n",
        );
        const { text, secrets } = withoutSecrets(d);
        expect(secrets).toEqual(["a:b", "c:d.e"]);
        expect(YAML.parse(text)).toEqual({ config: { "c:d": { f: "plain" } } });
        expect(String(d)).toContain("encryptionsalt");
    });

    it("points the committed local stack at a kubeconfig context, as committed otherwise", () => {
        const committed = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.local.yaml"), "utf8");
        const d = localStackDocument(PROJECT_DIR, "suite-context");
        expect(d.getIn(["config", "capstan:cluster", "context"])).toBe("suite-context");
        d.setIn(["config", "capstan:cluster", "context"], "capstan-local");
        expect(YAML.parse(String(d))).toEqual(YAML.parse(committed));
    });
});
