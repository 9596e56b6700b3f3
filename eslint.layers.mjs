/**
 * The layer direction (README, "Architecture") as lint rules: a layer imports only the layers
 * below it. components/config imports no other layer; components/aws only config;
 * components/platform config and aws; components/app and components/tenant only config (never each
 * other). index.ts and scripts/ compose the layers and may import any of them.
 */
const LAYERS = ["config", "aws", "platform", "app", "tenant"];
const ALLOWED = {
    config: [],
    aws: ["config"],
    platform: ["config", "aws"],
    app: ["config"],
    tenant: ["config"],
};

/** The import paths, relative to a file of a layer, that reach the layers it may not import, and the entry point. */
function forbidden(layer) {
    const others = LAYERS.filter((l) => l !== layer && !ALLOWED[layer].includes(l));
    return [
        ...others.flatMap((l) => [`../${l}`, `../${l}/**`, `**/components/${l}`, `**/components/${l}/**`]),
        "../../index",
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
