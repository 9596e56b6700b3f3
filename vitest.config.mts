import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["test/**/*.test.ts", "policy/**/*.test.ts"],
        // Each file gets its own process: Pulumi's runtime state is global.
        pool: "forks",
        testTimeout: 120_000,
        hookTimeout: 120_000,
    },
});
