import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";
import { layerRules } from "./eslint.layers.mjs";

export default tseslint.config(
    { ignores: ["node_modules/**", "out/**", "bin/**", "bench/results.json"] },
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
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
        },
    },
    ...layerRules,
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
