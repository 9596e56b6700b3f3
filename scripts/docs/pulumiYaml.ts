/**
 * The `description` of every key Pulumi.yaml declares, written from the config reference. Only the
 * description lines change: the rest of the file (types, defaults, comments, layout) is kept byte
 * for byte, and the result is formatted as `npm run format` would leave it.
 */
import * as prettier from "prettier";
import { configReference, type ReferenceKey } from "../../components/config";

/** A key's description as Pulumi.yaml gives it: plain text, with the names of a map's keys. */
export function pulumiDescription(key: ReferenceKey): string {
    const plain = key.description.replace(/`/g, "");
    if (key.children.length === 0)
        return key.limits.length > 0 ? `${plain} Allowed: ${key.limits.join("; ").replace(/`/g, "")}.` : plain;
    const names = key.children.map((c) => c.key.slice(c.key.lastIndexOf(".") + 1));
    return `${plain} Keys: ${names.join(", ")}. See docs/configuration.md.`;
}

/** Pulumi.yaml with the description of each declared key replaced. Throws on a declared key the reference lacks. */
export async function pulumiYamlWithDescriptions(text: string, filepath: string): Promise<string> {
    const descriptions = new Map(configReference().map((k) => [k.key, pulumiDescription(k)]));
    const lines = text.split("\n");
    let key: string | undefined;
    const out = lines.map((line) => {
        const declared = /^ {2}([a-z]+:[A-Za-z]+):\s*$/.exec(line);
        if (declared) key = declared[1];
        else if (/^\S/.test(line)) key = undefined;
        const described = /^( {4})description:/.exec(line);
        if (!described || key === undefined) return line;
        const description = descriptions.get(key);
        if (description === undefined)
            throw new Error(`Pulumi.yaml declares ${key}, which the config schema does not know`);
        return `${described[1]}description: ${JSON.stringify(description)}`;
    });
    const options = (await prettier.resolveConfig(filepath)) ?? {};
    return prettier.format(out.join("\n"), { ...options, filepath });
}
