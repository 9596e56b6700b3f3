import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../harness";

const read = (file: string) => YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, file), "utf8"));
const exists = (p: string) => fs.existsSync(path.join(PROJECT_DIR, p));
const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
};

const gitlab = read(".gitlab-ci.yml") as Record<string, any>;
const WORKFLOWS = fs.readdirSync(path.join(PROJECT_DIR, ".github", "workflows")).filter((f) => /\.ya?ml$/.test(f));
const github = Object.fromEntries(WORKFLOWS.map((f) => [f, read(path.join(".github", "workflows", f))])) as Record<
    string,
    any
>;

/** GitLab jobs with their `extends` template merged in (one level, as used here). */
function gitlabJobs(): Record<string, any> {
    const jobs: Record<string, any> = {};
    for (const [name, job] of Object.entries(gitlab)) {
        if (name.startsWith(".") || typeof job !== "object" || !(job.script || job.extends)) continue;
        const base = job.extends ? gitlab[job.extends] : {};
        jobs[name] = { ...base, ...job, variables: { ...base.variables, ...job.variables } };
    }
    return jobs;
}

/** Every shell line the pipelines run, with the variables they run with. */
function shellLines(): { where: string; line: string; vars: Record<string, string> }[] {
    const out: { where: string; line: string; vars: Record<string, string> }[] = [];
    for (const [name, job] of Object.entries(gitlabJobs())) {
        for (const line of [...(job.before_script ?? gitlab.default?.before_script ?? []), ...(job.script ?? [])])
            out.push({ where: `.gitlab-ci.yml ${name}`, line, vars: job.variables });
    }
    for (const [file, wf] of Object.entries(github)) {
        for (const [name, job] of Object.entries<any>(wf.jobs)) {
            for (const step of job.steps ?? [])
                if (step.run)
                    for (const line of String(step.run).split("\n").filter(Boolean))
                        out.push({ where: `${file} ${name}`, line, vars: {} });
        }
    }
    return out;
}

/** The `with:` of every pulumi/actions step, with its job. */
function pulumiSteps(): { file: string; job: string; jobDef: any; with: Record<string, any> }[] {
    return Object.entries(github).flatMap(([file, wf]) =>
        Object.entries<any>(wf.jobs).flatMap(([job, jobDef]) =>
            (jobDef.steps ?? [])
                .filter((s: any) => String(s.uses ?? "").startsWith("pulumi/actions@"))
                .map((s: any) => ({ file, job, jobDef, with: s.with })),
        ),
    );
}

const expand = (text: string, vars: Record<string, string>) => text.replace(/\$\{?(\w+)\}?/g, (m, v) => vars[v] ?? m);

describe("the CI pipelines", () => {
    it("call only npm scripts that package.json defines", () => {
        const calls = shellLines().flatMap(({ where, line }) =>
            [...line.matchAll(/\bnpm (?:run(?:-script)? )?(\S+)/g)].map((m) => ({ where, script: m[1] })),
        );
        expect(calls.length).toBeGreaterThan(0);
        const builtIn = ["ci", "install"];
        for (const { where, script } of calls)
            expect(builtIn.includes(script) || script in pkg.scripts, `${where}: npm ${script}`).toBe(true);
    });

    it("run only files that exist, and they are executable", () => {
        const files = shellLines().flatMap(({ where, line }) =>
            [...line.matchAll(/(?:^|\s)(\.{0,2}\/?[\w.-]+\/[\w./-]+)/g)].map((m) => ({ where, file: m[1] })),
        );
        expect(files.map((f) => f.file)).toContain(".ci/run");
        for (const { where, file } of files) {
            expect(exists(file), `${where}: ${file}`).toBe(true);
            expect(
                fs.statSync(path.join(PROJECT_DIR, file)).mode & 0o111,
                `${where}: ${file} is not executable`,
            ).not.toBe(0);
        }
    });

    it("name only stacks, policy packs and paths that exist", () => {
        const packs: string[] = [];
        const stacks: string[] = [];
        for (const { line, vars } of shellLines()) {
            const l = expand(line, vars ?? {});
            for (const m of l.matchAll(/--policy-pack\s+"?([^\s"]+)/g)) packs.push(m[1]);
            for (const m of l.matchAll(/--stack\s+"?([^\s"]+)/g)) stacks.push(m[1]);
        }
        for (const s of pulumiSteps()) {
            packs.push(s.with.policyPacks);
            const name = String(s.with["stack-name"]);
            stacks.push(...(name.includes("matrix.stack") ? s.jobDef.strategy.matrix.stack : [name]));
            expect(exists(s.with["work-dir"]), `${s.file}: work-dir ${s.with["work-dir"]}`).toBe(true);
        }
        expect(new Set(stacks)).toEqual(new Set(["staging", "prod"]));
        for (const stack of stacks) expect(exists(`Pulumi.${stack}.yaml`), `stack ${stack}`).toBe(true);
        expect(packs.length).toBeGreaterThan(0);
        for (const pack of packs)
            expect(exists(path.join(pack, "PulumiPolicy.yaml")), `policy pack ${pack}`).toBe(true);
        for (const file of gitlab.default.cache.key.files) expect(exists(file), file).toBe(true);
        for (const c of gitlabJobs().test.cache) for (const file of c.key.files) expect(exists(file), file).toBe(true);
        for (const [file, wf] of Object.entries(github)) {
            for (const job of Object.values<any>(wf.jobs)) {
                for (const step of job.steps ?? []) {
                    const dep = step.with?.["cache-dependency-path"];
                    if (dep) expect(exists(dep), `${file}: ${dep}`).toBe(true);
                    if (String(step.uses ?? "").startsWith("./"))
                        expect(exists(step.uses), `${file}: ${step.uses}`).toBe(true);
                }
            }
        }
    });

    it("run the project's whole check (.ci/run) in their test jobs, with Go for the toolchain and the toolchain kept between runs", () => {
        const job = gitlabJobs().test;
        expect(job.script).toEqual([".ci/run"]);
        const go = job.before_script.findIndex((l: string) => /go\$\{GO_VERSION\}\.linux-amd64\.tar\.gz/.test(l));
        expect(go).toBeGreaterThanOrEqual(0);
        expect(job.variables.GO_VERSION).toMatch(/^1\.26\.\d+$/);
        const kept = job.cache.find((c: any) => c.paths.includes(".capstan-cache/"));
        expect(job.variables.CAPSTAN_CACHE).toBe("$CI_PROJECT_DIR/.capstan-cache");
        expect(kept.key.files).toContain("e2e/toolchain/pieces.sh");
        const tests = Object.entries(github).flatMap(([file, wf]) =>
            Object.entries<any>(wf.jobs)
                .filter(([name]) => name === "test")
                .map(([, def]) => ({ file, steps: def.steps as any[] })),
        );
        expect(tests.length).toBeGreaterThan(0);
        for (const { file, steps } of tests) {
            const setupGo = steps.findIndex((st) => String(st.uses ?? "").startsWith("actions/setup-go@"));
            const run = steps.findIndex((st) => st.run === ".ci/run");
            expect(setupGo, file).toBeGreaterThanOrEqual(0);
            expect(run, file).toBeGreaterThan(setupGo);
        }
    });

    it("GitLab previews staging and prod on merge requests with the policy pack, keeping the preview", () => {
        const previews = Object.entries(gitlabJobs()).filter(([, j]) =>
            j.script.some((l: string) => l.includes("pulumi preview")),
        );
        expect(previews.map(([, j]) => j.variables.STACK).sort()).toEqual(["prod", "staging"]);
        for (const [name, job] of previews) {
            expect(job.rules, name).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
            expect(job.script.join("\n"), name).toContain("--policy-pack policy");
            const artifact = expand(job.artifacts.paths[0], job.variables);
            expect(job.script.join("\n"), name).toContain(`> "${job.artifacts.paths[0]}"`);
            expect(artifact).toBe(`preview-${job.variables.STACK}.txt`);
            expect(job.artifacts.when).toBe("always");
        }
    });

    it("GitLab updates staging on the default branch, prod by hand, one update per stack at a time", () => {
        const ups = gitlabJobs();
        const staging = ups["up-staging"];
        const prod = ups["up-prod"];
        for (const job of [staging, prod]) {
            expect(job.script.join("\n")).toMatch(/pulumi up --stack "\$STACK" --policy-pack policy --yes/);
            expect(job.rules[0].if).toBe("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH");
            expect(job.resource_group).toBe(`pulumi-${job.variables.STACK}`);
        }
        expect(staging.rules[0].when).toBeUndefined();
        expect(prod.rules[0].when).toBe("manual");
        expect(prod.variables.STACK).toBe("prod");
        expect(staging.variables.STACK).toBe("staging");
    });

    it("GitHub comments the preview of each stack on the pull request, with the policy pack", () => {
        const previews = pulumiSteps().filter((s) => s.with.command === "preview");
        expect(previews.length).toBeGreaterThan(0);
        for (const p of previews) {
            expect(github[p.file].on).toHaveProperty("pull_request");
            expect(p.with["comment-on-pr"]).toBe(true);
            expect(p.with.policyPacks).toBe("policy");
            expect(github[p.file].permissions["pull-requests"]).toBe("write");
        }
    });

    it("both post the change in each stack's monthly cost beside its preview, from the base's render to the head's", () => {
        const diff = /npx capstan cost "\$STACK" --diff "[^"]+\/\$STACK\/plan\.json" --markdown > "cost-\$STACK\.md"/;
        const baseRender = /npx capstan render "\$STACK" --out "([^"]+)"/;
        for (const [name, job] of Object.entries(gitlabJobs()).filter(([, j]) => j.variables?.STACK && j.artifacts)) {
            const script = job.script.join("\n");
            expect(script, name).toMatch(diff);
            expect(script, name).toMatch(baseRender);
            expect(script, name).toContain(`git worktree add "$CI_PROJECT_DIR.base" "$CI_MERGE_REQUEST_DIFF_BASE_SHA"`);
            expect(job.artifacts.paths, name).toContain("cost-$STACK.md");
        }
        const job = github["preview.yml"].jobs.preview;
        const step = job.steps.find((s: any) => String(s.run ?? "").includes("capstan cost"));
        expect(step.run).toMatch(diff);
        expect(step.run).toMatch(baseRender);
        expect(step.run).toContain(`gh pr comment "$PR" --body-file "cost-$STACK.md"`);
        expect(step.env.BASE_SHA).toBe("${{ github.event.pull_request.base.sha }}");
        expect(job.strategy.matrix.stack).toEqual(["staging", "prod"]);
    });

    it("GitHub updates each stack in its own concurrency group, prod behind an environment", () => {
        const ups = pulumiSteps().filter((s) => s.with.command === "up");
        expect(ups.map((u) => u.with["stack-name"]).sort()).toEqual(["prod", "staging"]);
        for (const u of ups) {
            expect(u.jobDef.concurrency.group).toBe(`pulumi-${u.with["stack-name"]}`);
            expect(u.jobDef.concurrency["cancel-in-progress"]).toBe(false);
            expect(u.with.policyPacks).toBe("policy");
        }
        const prod = ups.find((u) => u.with["stack-name"] === "prod");
        expect(prod?.jobDef.environment).toBe("production");
        expect(prod?.jobDef.needs).toBe("staging");
    });
});

describe("the pipelines' Pulumi CLI", () => {
    const lock = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package-lock.json"), "utf8")) as {
        packages: Record<string, { version: string }>;
    };
    const sdk = lock.packages["node_modules/@pulumi/pulumi"].version;
    const pulumiJobs = Object.entries(gitlabJobs()).filter(([, j]) => j.script.some((l: string) => /^pulumi /.test(l)));

    it("is the release of the SDK the lock file installs, in both pipelines", () => {
        expect(gitlab.variables.PULUMI_VERSION).toBe(sdk);
        expect(pulumiJobs.length).toBeGreaterThan(0);
        for (const [name, job] of pulumiJobs) {
            expect(job.before_script, name).toContain(
                'curl -fsSL https://get.pulumi.com | sh -s -- --version "$PULUMI_VERSION"',
            );
        }
        const steps = pulumiSteps();
        expect(steps.length).toBeGreaterThan(0);
        for (const step of steps) expect(step.with["pulumi-version"], `${step.file} ${step.job}`).toBe(sdk);
    });

    it("runs on Node.js 20 in an image that exists for every CLI release: Node's own, not Pulumi's discontinued Node 20 image", () => {
        expect(gitlab.default.image).toBe("$NODE_IMAGE");
        expect(gitlab.variables.NODE_IMAGE).toMatch(/^node:20-(bookworm|bullseye)$/);
        for (const [file, wf] of Object.entries(github)) {
            for (const [job, def] of Object.entries<any>(wf.jobs)) {
                const node = (def.steps ?? []).find((st: any) =>
                    String(st.uses ?? "").startsWith("actions/setup-node@"),
                );
                expect(node?.with["node-version"], `${file} ${job}`).toBe(20);
            }
        }
    });

    it("has the AWS CLI wherever it runs Pulumi, since the kubeconfig calls aws eks get-token", () => {
        for (const [name, job] of pulumiJobs) {
            const before: string[] = job.before_script;
            const install = before.findIndex((l) => /apt-get install .*\bawscli\b/.test(l));
            expect(install, name).toBeGreaterThanOrEqual(0);
            expect(
                before.findIndex((l) => l.includes("aws --version")),
                name,
            ).toBeGreaterThan(install);
        }
        for (const s of pulumiSteps()) {
            expect(s.jobDef["runs-on"], `${s.file} ${s.job}`).toMatch(/^ubuntu-/);
            const steps: any[] = s.jobDef.steps;
            const check = steps.findIndex((st) => st.run === "aws --version");
            expect(check, `${s.file} ${s.job}`).toBeGreaterThanOrEqual(0);
            expect(check).toBeLessThan(steps.findIndex((st) => String(st.uses ?? "").startsWith("pulumi/actions@")));
        }
    });

    it("skips the language host's type-check, which npm test has done", () => {
        expect(gitlab.variables.PULUMI_NODEJS_TRANSPILE_ONLY).toBe("true");
        for (const [file, wf] of Object.entries(github)) expect(wf.env.PULUMI_NODEJS_TRANSPILE_ONLY, file).toBe("true");
    });
});
