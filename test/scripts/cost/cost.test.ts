/** `capstan cost`: its command line, the region rule, unpriced types, `--diff`, `--tenant` and the config of `capstan:cost`. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { costCli, parseCostArgs } from "../../../scripts/commands/cost";
import { estimate } from "../../../scripts/cost/estimate";
import { loadPriceTable, regionPrices, RegionError } from "../../../scripts/cost/priceTable";
import { PROJECT_DIR, problemsOf, render, scratchProject, stackValues } from "../../harness";

const table = loadPriceTable();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capstan-cost-"));
const planOf = (name: string) => path.join(dir, `${name}.json`);

async function cost(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await costCli(argv, { dir: PROJECT_DIR, stdout: (t) => (out += t), stderr: (t) => (err += t) });
    return { code, out, err };
}

beforeAll(async () => {
    fs.writeFileSync(planOf("staging"), (await render("staging")).files["plan.json"]);
    fs.writeFileSync(planOf("prod"), (await render("prod")).files["plan.json"]);
    const groups = stackValues("staging")["capstan:nodeGroups"] as { minSize: number }[];
    groups[0].minSize = 3;
    const bigger = await render("staging", { overrides: { "capstan:nodeGroups": groups } });
    fs.writeFileSync(planOf("staging-bigger"), bigger.files["plan.json"]);
}, 120_000);

describe("the command line", () => {
    it("reads the stack, one output format and the options", () => {
        expect(parseCostArgs(["prod", "--markdown", "--tenant"])).toMatchObject({
            stack: "prod",
            format: "markdown",
            tenant: true,
        });
        expect(() => parseCostArgs(["prod", "--json", "--markdown"])).toThrow(/one of --json and --markdown/);
        expect(() => parseCostArgs(["prod", "--diff", "a.json", "--tenant"])).toThrow(/do not go together/);
        expect(() => parseCostArgs([])).toThrow(/name the stack/);
    });

    it("refuses a capstan:cost the config schema refuses, naming the key path and the value", async () => {
        const staging = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.staging.yaml"), "utf8");
        const project = scratchProject({ staging: `${staging}  capstan:cost:\n    monthlyBudget: -5\n` });
        let err = "";
        const argv = ["staging", "--plan", planOf("staging")];
        expect(await costCli(argv, { dir: project, stdout: () => undefined, stderr: (t) => (err += t) })).toBe(1);
        expect(err).toMatch(/capstan:cost\.monthlyBudget: .*-5/);
    });

    it("says to render first when the stack has no plan.json, and exits 1", async () => {
        const r = await cost(["staging", "--plan", path.join(dir, "missing.json")]);
        expect(r.code).toBe(1);
        expect(r.err).toMatch(/render the stack first \(capstan render <stack>\)/);
    });

    it("prints the total, the fixed and usage parts, the assumed usage and the unpriced parts", async () => {
        const r = await cost(["staging", "--plan", planOf("staging")]);
        expect(r.code).toBe(0);
        expect(r.out).toMatch(/^Total: \$[\d.]+ a month \(fixed \$[\d.]+, usage \$[\d.]+\); ceiling \$[\d.]+$/m);
        expect(r.out).toMatch(/Usage assumed \(capstan:cost.usage\): 10M requests, 100 GB served/);
        expect(r.out).toMatch(/Unpriced, not counted \(not zero\):\n {2}- capstan-staging-metrics .*amp.ingest/);
    });
});

describe("prices", () => {
    it("refuses a region without prices, naming the regions that have them", () => {
        expect(() => regionPrices(table, "ap-south-2")).toThrow(RegionError);
        expect(() => regionPrices(table, "ap-south-2")).toThrow(/priced regions: us-east-1, eu-central-1/);
    });

    it("lists a type that is neither priced nor free as unpriced and counts nothing for it", () => {
        const e = estimate([{ urn: "u", type: "aws:dynamodb/table:Table", name: "t", inputs: {} }], {
            region: "us-east-1",
            table,
        });
        expect(e.unpricedTypes).toEqual([{ type: "aws:dynamodb/table:Table", name: "t" }]);
        expect(e.total.monthly).toBe(0);
    });
});

describe("--diff", () => {
    it("gives the change per resource and in total between two renders", async () => {
        const r = await cost([
            "staging",
            "--plan",
            planOf("staging-bigger"),
            "--diff",
            planOf("staging"),
            "--markdown",
        ]);
        const rows = regionPrices(table, "eu-central-1");
        const node = 730 * rows["ec2.m7i.large"].usd + 50 * rows["ebs.gp3"].usd;
        expect(r.code).toBe(0);
        expect(r.out).toContain(`### Cost change of staging: +$${node.toFixed(2)} a month`);
        expect(r.out).toMatch(/\| `capstan-staging-general` \(changed\) \| aws:autoscaling\/group:Group \|/);
        expect(r.out.match(/^\| `/gm)).toHaveLength(1);
    });

    it("says so when no resource's cost changes", async () => {
        const r = await cost(["staging", "--plan", planOf("staging"), "--diff", planOf("staging")]);
        expect(r.out).toMatch(/\+\$0\.00 a month[\s\S]*No resource's cost changes/);
    });
});

describe("--tenant", () => {
    it("prices the tenant's own data and its pods' share of the owner's nodes, not the owner's cluster", async () => {
        const r = await cost(["prod", "--plan", planOf("prod"), "--tenant", "--json"]);
        const e = JSON.parse(r.out) as { lines: { type: string; name: string; fixed: number }[] };
        const types = new Set(e.lines.map((l) => l.type));
        expect(types.has("aws:eks/cluster:Cluster")).toBe(false);
        expect(types.has("aws:ec2/natGateway:NatGateway")).toBe(false);
        expect(types.has("aws:rds/clusterInstance:ClusterInstance")).toBe(true);
        const share = e.lines.find((l) => l.name === "capstan-prod-general (tenant's share)")!;
        // 3 web pods of 500m and 1Gi on an m7i.xlarge that offers 3725m: the CPU share is the larger.
        const price = regionPrices(table, "eu-central-1")["ec2.m7i.xlarge"].usd;
        expect(share.fixed).toBeCloseTo((1500 / 3725) * price * 730, 6);
    });
});

describe("capstan:cost", () => {
    it("refuses cost.enforce without a budget, naming the key and the fix", () => {
        expect(problemsOf("staging", (root) => (root.cost = { enforce: true }))).toContainEqual({
            path: "capstan:cost.enforce",
            message: expect.stringMatching(/set cost.monthlyBudget/),
        });
        expect(problemsOf("staging", (root) => (root.cost = { enforce: true, monthlyBudget: 500 }))).toEqual([]);
    });
});
