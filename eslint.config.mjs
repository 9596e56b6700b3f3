import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";
import { benchRules, layerRules, scriptRules } from "./eslint.layers.mjs";

export default tseslint.config(
    { ignores: ["node_modules/**", "out/**", "bin/**", ".capstan/**", "bench/results.json"] },
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts", "**/*.mts"],
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        plugins: { "@pulumi": pulumi },
        rules: {
            // An Output in a template literal prints a warning text, not its value: use pulumi.interpolate.
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/no-floating-promises": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
        },
    },
    ...layerRules,
    ...scriptRules,
    ...benchRules,
    {
        // Rules that read the types: an `any` or an unchecked value is an error outside the tests.
        files: ["**/*.ts", "**/*.mts"],
        extends: [tseslint.configs.recommendedTypeChecked],
        rules: { "@typescript-eslint/no-explicit-any": "error" },
    },
    {
        // Tests read rendered manifests and plans, and the e2e suite the API server's objects: loosely
        // typed JSON whose shape they assert on. The tests' fakes implement async interfaces with
        // answers they already hold, so they need no await.
        files: ["test/**", "e2e/**"],
        rules: {
            "@typescript-eslint/require-await": "off",
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-unsafe-argument": "off",
            "@typescript-eslint/no-unsafe-assignment": "off",
            "@typescript-eslint/no-unsafe-call": "off",
            "@typescript-eslint/no-unsafe-member-access": "off",
            "@typescript-eslint/no-unsafe-return": "off",
            // A test that waits on a child synchronously blocks its worker's event loop; the test
            // runner's calls to it then time out and fail the run even when every test passed.
            "no-restricted-imports": [
                "error",
                {
                    paths: [
                        {
                            name: "child_process",
                            importNames: ["spawnSync", "execSync", "execFileSync"],
                            message: "Use runCommand from test/harness.ts: a blocked worker fails the test run.",
                        },
                    ],
                },
            ],
        },
    },
    {
        // A function longer than a screen hides what it does: split it into named steps.
        files: ["**/*.ts", "**/*.mts"],
        ignores: ["test/**"],
        rules: { "max-lines-per-function": ["error", { max: 60, skipBlankLines: true, skipComments: true }] },
    },
    {
        // The `capstan` bin is plain CommonJS, run by node before any TypeScript is loaded.
        files: ["**/*.js"],
        languageOptions: {
            sourceType: "commonjs",
            globals: { require: "readonly", process: "readonly", __dirname: "readonly" },
        },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
