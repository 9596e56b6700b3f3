import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The layer direction (docs/architecture.md, "Layers") as lint rules: a layer imports only the layers
 * below it. components/core imports no other layer; components/config only core; components/aws
 * core and config; components/platform core, config and aws; components/app and components/tenant
 * only core and config (never each other). index.ts and scripts/ compose the layers and may import
 * any of them.
 */
const LAYERS = ["core", "config", "aws", "platform", "app", "tenant"];
const ALLOWED = {
    core: [],
    config: ["core"],
    aws: ["core", "config"],
    platform: ["core", "config", "aws"],
    app: ["core", "config"],
    tenant: ["core", "config"],
};

/** The import paths, relative to a file of a layer, that reach the layers it may not import, and the entry point. */
function forbidden(layer) {
    const others = LAYERS.filter((l) => l !== layer && !ALLOWED[layer].includes(l));
    return [
        ...others.flatMap((l) => [`../${l}`, `../${l}/**`, `**/components/${l}`, `**/components/${l}/**`]),
        "../../index",
        "**/bench",
        "**/bench/**",
    ];
}

export const layerRules = LAYERS.map((layer) => ({
    files: [`components/${layer}/**/*.ts`],
    rules: {
        "no-restricted-imports": [
            "error",
            {
                patterns: [
                    {
                        group: forbidden(layer),
                        message: `components/${layer} may import only ${ALLOWED[layer].length > 0 ? ALLOWED[layer].map((l) => `components/${l}`).join(" and ") : "no other layer"} (layers depend downwards; index.ts wires them together).`,
                    },
                ],
            },
        ],
    },
}));

/**
 * The folders of scripts/, bottom to top (docs/architecture.md, "Layers"): each may import the folders
 * listed for it, the components, and nothing above it; none imports the commands (scripts/commands,
 * the top, which wires the others together), the entry points directly in scripts/, the benchmark
 * or the e2e suite.
 */
const SCRIPT_FOLDERS = {
    cli: [],
    render: ["cli"],
    deploy: ["cli", "render"],
    tenant: ["cli", "render"],
    localCluster: ["cli"],
    local: ["cli", "localCluster"],
    docs: ["cli", "render"],
    release: ["cli", "deploy"],
    ops: ["cli", "render", "deploy", "localCluster", "release"],
    cost: ["cli"],
    init: ["cli", "tenant"],
    commands: ["cli", "render", "deploy", "tenant", "init", "localCluster", "local", "docs", "release", "ops", "cost"],
};

/** The commands' entry points: the files directly in scripts/, by the name an import uses. */
const ENTRY_POINTS = fs
    .readdirSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "scripts"), { withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|js)$/.test(e.name))
    .map((e) => e.name.replace(/\.(ts|js)$/, ""));

const OUTSIDE = ["**/bench", "**/bench/**", "**/e2e/**"];

export const scriptRules = Object.entries(SCRIPT_FOLDERS).map(([folder, allowed]) => {
    const others = Object.keys(SCRIPT_FOLDERS).filter((f) => f !== folder && !allowed.includes(f));
    const message = `scripts/${folder} may import only ${allowed.length > 0 ? allowed.map((f) => `scripts/${f}`).join(", ") + " and " : ""}the components: the folders of scripts/ depend downwards, and the commands in scripts/commands wire them together.`;
    return {
        files: [`scripts/${folder}/**/*.ts`],
        rules: {
            "no-restricted-imports": [
                "error",
                {
                    patterns: [
                        { group: [...others.flatMap((f) => [`../${f}`, `../${f}/**`]), ...OUTSIDE], message },
                        // An entry point shares its name with its folder: only the exact name is the entry point.
                        { regex: `^\\.\\./(${ENTRY_POINTS.join("|")})$`, message },
                    ],
                },
            ],
        },
    };
});

/** Nothing but the benchmark itself and its tests imports bench/ (the components and the folders of scripts/ say so in their own rules). */
export const benchRules = [
    {
        files: ["index.ts", "scripts/*.ts", "e2e/**/*.ts", "policy/**/*.ts"],
        rules: {
            "no-restricted-imports": [
                "error",
                {
                    patterns: [
                        {
                            group: ["**/bench", "**/bench/**"],
                            message:
                                "This file may import only what is outside bench/: the benchmark measures the commands and is not part of them.",
                        },
                    ],
                },
            ],
        },
    },
];
