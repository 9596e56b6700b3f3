/**
 * The config a deploy runs with, pinned: a private copy of the stack file with the new tag, which
 * the preview and the update both read (`--config-file`). A change to the stack file while the
 * deploy runs (another terminal, a canary step, an editor) is therefore never deployed by it; it
 * is noticed and named. The stack file itself is written once, after the update succeeded.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { stackFileOfText } from "../cli/stackfile";

export const IMAGE_TAG_KEY = "capstan:imageTag";
export const PREVIOUS_IMAGE_TAG_KEY = "capstan:previousImageTag";

/** The `config` map of a stack file's text, each value as JSON (secrets stay ciphertext). */
function configOf(text: string): Map<string, string> {
    const { values } = stackFileOfText(text, "capstan", "the stack file");
    return new Map(Object.entries(values).map(([k, v]) => [k, JSON.stringify(v)]));
}

/** The config keys whose values differ between two texts of a stack file (`(not config)` for other changes). */
export function changedKeys(before: string, after: string): string[] {
    if (before === after) return [];
    const a = configOf(before);
    const b = configOf(after);
    const keys = [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();
    return keys.length ? keys : ["(outside config)"];
}

/** The text of a stack file with the image tag set and the tag it replaces recorded (left as it is when undefined). */
export function withTag(text: string, tag: string, replaces: string | undefined): string {
    const doc = YAML.parseDocument(text);
    if (!doc.has("config")) doc.set("config", doc.createNode({}));
    doc.setIn(["config", IMAGE_TAG_KEY], tag);
    if (replaces !== undefined && replaces !== tag) doc.setIn(["config", PREVIOUS_IMAGE_TAG_KEY], replaces);
    return String(doc);
}

export class PinnedConfig {
    private constructor(
        /** The stack file the person edits. */
        readonly stackFile: string,
        /** What it said when the deploy read it. */
        private readonly original: string,
        /** The private copy the engine reads. */
        readonly file: string,
        /** The change this deploy makes to a stack file's text. */
        private readonly apply: (text: string) => string,
        /** The tag this deploy runs. */
        readonly tag: string,
    ) {}

    /** Pins `stackFile`, changed by `apply`, in a private folder. */
    static pin(stackFile: string, apply: (text: string) => string, tag: string): PinnedConfig {
        const original = fs.existsSync(stackFile) ? fs.readFileSync(stackFile, "utf8") : "config: {}\n";
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-deploy-"));
        const file = path.join(dir, path.basename(stackFile));
        fs.writeFileSync(file, apply(original), { mode: 0o600 });
        return new PinnedConfig(stackFile, original, file, apply, tag);
    }

    /** Pins `stackFile` with the image tag `tag`, which replaces `replaces`. */
    static pinTag(stackFile: string, tag: string, replaces: string | undefined): PinnedConfig {
        return PinnedConfig.pin(stackFile, (text) => withTag(text, tag, replaces), tag);
    }

    /** The config the engine reads: the stack file with this deploy's change. */
    text(): string {
        return fs.readFileSync(this.file, "utf8");
    }

    /** Whether the stack file already says what this deploy writes. */
    matchesFile(): boolean {
        return this.apply(this.original) === this.original;
    }

    /** The config keys changed in the stack file since the deploy read it. */
    changedSince(): string[] {
        const now = fs.existsSync(this.stackFile) ? fs.readFileSync(this.stackFile, "utf8") : "";
        return changedKeys(this.original, now);
    }

    /**
     * Writes what was deployed into the stack file, on top of whatever it says now. A change made
     * meanwhile is kept; its keys are returned so they can be named: it was not deployed.
     */
    writeBack(): string[] {
        const changed = this.changedSince();
        const now = fs.existsSync(this.stackFile) ? fs.readFileSync(this.stackFile, "utf8") : this.original;
        const text = this.apply(now);
        if (text !== now) {
            const tmp = `${this.stackFile}.capstan-${process.pid}`;
            fs.writeFileSync(tmp, text);
            fs.renameSync(tmp, this.stackFile);
        }
        return changed;
    }

    dispose(): void {
        fs.rmSync(path.dirname(this.file), { recursive: true, force: true });
    }
}
