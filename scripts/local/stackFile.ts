/**
 * A committed stack file made one's own: its `secure:` values, encrypted for their authors, are
 * taken out (with the salt they were encrypted with) so that they can be set anew with one's own
 * secrets provider; the local stack is pointed at a kubeconfig context.
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";

/** The config paths (`capstan:appSecrets.X`) of a stack file's `secure:` values. */
export function securePaths(node: unknown, prefix = ""): string[] {
    if (!YAML.isMap(node)) return [];
    if (node.has("secure")) return [prefix];
    return node.items.flatMap((pair) =>
        securePaths(pair.value, prefix ? `${prefix}.${String(pair.key)}` : String(pair.key)),
    );
}

/**
 * The stack file's text without its `secure:` values and `encryptionsalt`, and the config paths
 * those values had (to be set again with `pulumi config set --secret` or the Automation API).
 */
export function withoutSecrets(doc: YAML.Document): { text: string; secrets: string[] } {
    const copy = doc.clone();
    const secrets = securePaths(copy.get("config"));
    for (const p of secrets) copy.deleteIn(["config", ...p.split(".")]);
    copy.delete("encryptionsalt");
    return { text: String(copy), secrets };
}

/** Pulumi.local.yaml of the project in `projectDir`, parsed, its cluster the kubeconfig context `context`. */
export function localStackDocument(projectDir: string, context: string): YAML.Document {
    const doc = YAML.parseDocument(fs.readFileSync(path.join(projectDir, "Pulumi.local.yaml"), "utf8"));
    doc.setIn(["config", "capstan:cluster", "context"], context);
    return doc;
}
