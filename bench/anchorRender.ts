/**
 * `ts-node bench/anchorRender.ts DIR STACK TAG OUT`: the Kubernetes objects of a stack rendered at
 * an image tag, written to OUT as JSON. The engine benchmark's kubectl anchor deploys them; a
 * process of its own, because the render's mock engine must not share a process with a real one.
 */
import * as fs from "fs";
import { loadProgram, PROJECT_DIR } from "../scripts/cli/program";
import { renderStack } from "../scripts/render/render";

async function main(): Promise<void> {
    const [dir, stack, tag, out] = process.argv.slice(2);
    const rendered = await renderStack(stack, {
        dir,
        program: loadProgram(PROJECT_DIR),
        overrides: { "capstan:imageTag": tag },
    });
    fs.writeFileSync(out, JSON.stringify(rendered.manifests));
}

main().catch((err: Error) => {
    process.stderr.write(`${err.stack ?? String(err)}\n`);
    process.exit(1);
});
