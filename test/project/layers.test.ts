/**
 * The layer direction is checked by ESLint (eslint.layers.mjs, part of eslint.config.mjs): an
 * import that points up or sideways between the component layers, or between the folders of
 * scripts/, is an error, with what the file may import in the message; nothing outside bench/
 * imports the benchmark.
 */
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../harness";
// @ts-expect-error: a plain ES module without types; its only export is the flat-config blocks.
import { benchRules, layerRules, scriptRules } from "../../eslint.layers.mjs";

/** ESLint with only the layer rules (the type-aware rules need files on disk; these do not). */
const eslint = new ESLint({
    cwd: PROJECT_DIR,
    overrideConfigFile: true,
    overrideConfig: [
        { files: ["**/*.ts"], languageOptions: { parser: tseslint.parser } },
        ...layerRules,
        ...scriptRules,
        ...benchRules,
    ],
});

async function problems(file: string, source: string): Promise<string[]> {
    const [result] = await eslint.lintText(`${source}\nexport const used = x;\n`, { filePath: file });
    return result.messages.map((m) => `${m.ruleId ?? "parse"}: ${m.message}`);
}

describe("the layer rule", () => {
    it.each([
        ["components/core/x.ts", `import { x } from "../config";`],
        ["components/core/x.ts", `import { x } from "../config/schema";`],
        ["components/core/x.ts", `import { x } from "../aws/irsa";`],
        ["components/core/x.ts", `import { x } from "../../components/app/pod";`],
        ["components/config/x.ts", `import { x } from "../platform/versions";`],
        ["components/config/x.ts", `import { x } from "../aws/network";`],
        ["components/aws/x.ts", `import { x } from "../platform/access";`],
        ["components/aws/x.ts", `import type { x } from "../app";`],
        ["components/platform/x.ts", `import { x } from "../app/routes";`],
        ["components/platform/x.ts", `import { x } from "../tenant";`],
        ["components/app/x.ts", `import { x } from "../platform/ingressContract";`],
        ["components/app/x.ts", `import { x } from "../aws/appData";`],
        ["components/app/x.ts", `import { x } from "../tenant/tenant";`],
        ["components/tenant/x.ts", `import { x } from "../app";`],
        ["components/tenant/x.ts", `export { x } from "../platform/access";`],
        ["components/tenant/x.ts", `import { x } from "../../components/aws/dns";`],
        ["components/app/x.ts", `import { x } from "../../index";`],
        ["components/app/x.ts", `import { x } from "../../bench/measure";`],
        ["scripts/cli/x.ts", `import { x } from "../render/engine";`],
        ["scripts/cli/x.ts", `import { x } from "../deploy/flow";`],
        ["scripts/render/x.ts", `import { x } from "../deploy/guard";`],
        ["scripts/render/x.ts", `import { x } from "../localCluster/layout";`],
        ["scripts/deploy/x.ts", `import { x } from "../ops/status";`],
        ["scripts/deploy/x.ts", `import { x } from "../commands/deploy";`],
        ["scripts/localCluster/x.ts", `import { x } from "../render/plan";`],
        ["scripts/tenant/x.ts", `import { x } from "../deploy/flow";`],
        ["scripts/render/x.ts", `import { x } from "../../bench/replay";`],
        ["scripts/deploy/x.ts", `import { x } from "../../e2e/lib/kube";`],
        ["scripts/commands/render.ts", `import { x } from "../../bench/bench";`],
        ["e2e/lib/x.ts", `import { x } from "../../bench/engine";`],
    ])("refuses in %s: %s", async (file, source) => {
        const found = await problems(file, source);
        expect(found).toHaveLength(1);
        expect(found[0]).toMatch(/^no-restricted-imports: .*may import only/);
    });

    it.each([
        ["components/core/x.ts", `import { x } from "./cidr";`],
        ["components/config/x.ts", `import { x } from "./schema";`],
        ["components/config/x.ts", `import { x } from "../core/names";`],
        ["components/aws/x.ts", `import { x } from "../core";`],
        ["components/aws/x.ts", `import { x } from "../config";`],
        ["components/platform/x.ts", `import { x } from "../aws/cluster";`],
        ["components/platform/x.ts", `import { x } from "../core/versions";`],
        ["components/app/x.ts", `import { x } from "../config";`],
        ["components/tenant/x.ts", `import { x } from "../core/names";`],
        ["components/app/x.ts", `import { x } from "../core/networkPolicies";`],
        ["index.ts", `import { x } from "./components/platform/platform";`],
        ["scripts/x.ts", `import { x } from "../components/app";`],
        ["scripts/x.ts", `import { x } from "./deploy/flow";`],
        ["scripts/render/x.ts", `import { x } from "../cli/stackfile";`],
        ["scripts/render/x.ts", `import { x } from "../../components/config";`],
        ["scripts/deploy/x.ts", `import { x } from "../render/engine";`],
        ["scripts/deploy/x.ts", `import { x } from "../cli/cli";`],
        ["scripts/tenant/x.ts", `import { x } from "../cli/cliYaml";`],
        ["bench/x.ts", `import { x } from "../scripts/render/plan";`],
        ["bench/x.ts", `import { x } from "./measure";`],
        ["e2e/lib/x.ts", `import { x } from "../../scripts/cli/program";`],
    ])("allows in %s: %s", async (file, source) => {
        expect(await problems(file, source)).toEqual([]);
    });
});
