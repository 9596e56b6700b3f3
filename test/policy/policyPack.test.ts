/**
 * The policy pack as `pulumi preview --policy-pack policy` runs it: started by Pulumi's own
 * policy-pack runner, spoken to over the analyzer protocol the engine uses.
 */
import { spawn, type ChildProcess } from "child_process";
import { createRequire } from "module";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resourceRules, stackRules } from "../../policy/rules";
import { COST_POLICIES } from "../../policy/rules/cost";
import { PROJECT_DIR } from "../harness";

const PACK_DIR = path.join(PROJECT_DIR, "policy");
// The engine's protocol stubs and their runtime, as @pulumi/pulumi resolves them.
const fromPulumi = createRequire(require.resolve("@pulumi/pulumi/package.json", { paths: [PACK_DIR] }));
const grpc = fromPulumi("@grpc/grpc-js");
const rpc = fromPulumi("./proto/analyzer_grpc_pb");
const pb = fromPulumi("./proto/analyzer_pb");
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb");
const { Empty } = fromPulumi("google-protobuf/google/protobuf/empty_pb");

interface Diagnostic {
    policy: string;
    urn: string;
    message: string;
}

let child: ChildProcess;
let client: any;

function startPack(): Promise<string> {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PACK_DIR] });
    child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], { cwd: PACK_DIR });
    let stdout = "";
    let stderr = "";
    child.stderr?.on("data", (d) => (stderr += String(d)));
    return new Promise((resolve, reject) => {
        child.stdout?.on("data", (d) => {
            stdout += String(d);
            const m = /^(\d+)\s*$/m.exec(stdout);
            if (m) resolve(m[1]);
        });
        child.on("exit", (code) => reject(new Error(`the pack exited with ${code}: ${stderr}`)));
    });
}

function call<T>(method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) =>
        client[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))),
    );
}

function withResource<T extends { setType: any; setProperties: any; setUrn: any; setName: any; setOptions: any }>(
    msg: T,
    type: string,
    name: string,
    props: object,
): T {
    msg.setType(type);
    msg.setProperties(Struct.fromJavaScript(props));
    msg.setUrn(`urn:pulumi:test::capstan::${type}::${name}`);
    msg.setName(name);
    msg.setOptions(new pb.AnalyzerResourceOptions());
    return msg;
}

function diagnostics(res: any): Diagnostic[] {
    return res
        .getDiagnosticsList()
        .map((d: any) => ({ policy: d.getPolicyname(), urn: d.getUrn(), message: d.getMessage() }));
}

async function analyze(type: string, name: string, inputs: object): Promise<Diagnostic[]> {
    return diagnostics(await call("analyze", withResource(new pb.AnalyzeRequest(), type, name, inputs)));
}

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const deployment = (name: string, spec: object = {}) => ({
    metadata: { name, namespace: "app" },
    spec: { strategy: { rollingUpdate: { maxUnavailable: 0 } }, template: { spec: { containers: [] } }, ...spec },
});
const hpa = (target: string) => ({
    metadata: { name: target, namespace: "app" },
    spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target },
        minReplicas: 2,
        maxReplicas: 4,
    },
});

describe("the policy pack under Pulumi's policy-pack runner", () => {
    beforeAll(async () => {
        const port = await startPack();
        client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    }, 120_000);

    afterAll(() => {
        client?.close();
        child?.kill();
    });

    it("announces every rule as a mandatory policy", async () => {
        const info = await call<any>("getAnalyzerInfo", new Empty());
        expect(info.getName()).toBe("capstan");
        const policies = info
            .getPoliciesList()
            .map((p: any) => p.getName())
            .sort();
        expect(policies).toEqual([...[...resourceRules, ...stackRules].map((r) => r.name), ...COST_POLICIES].sort());
    });

    it("reports a violating resource with the rule's message", async () => {
        const found = await analyze("kubernetes:batch/v1:CronJob", "cleanup", {
            metadata: { name: "cleanup" },
            spec: { concurrencyPolicy: "Allow", jobTemplate: { spec: { template: { spec: { containers: [] } } } } },
        });
        expect(found.map((d) => d.policy)).toEqual(["cronjob-forbid-concurrency"]);
        expect(found[0].message).toContain("set it to Forbid");
    });

    it("judges HPA-managed replicas by what the program declares, not by the live object's outputs", async () => {
        // The program declares `web` without replicas and `worker` with them; both live objects carry replicas.
        for (const [name, spec] of [
            ["web", {}],
            ["worker", { replicas: 2 }],
        ] as const) {
            expect(await analyze(DEPLOYMENT, name, deployment(name, spec))).toEqual([]);
            expect(await analyze(HPA, name, hpa(name))).toEqual([]);
        }
        const request = new pb.AnalyzeStackRequest();
        request.setResourcesList([
            withResource(new pb.AnalyzerResource(), DEPLOYMENT, "web", deployment("web", { replicas: 3 })),
            withResource(new pb.AnalyzerResource(), DEPLOYMENT, "worker", deployment("worker", { replicas: 2 })),
            withResource(new pb.AnalyzerResource(), HPA, "web", hpa("web")),
            withResource(new pb.AnalyzerResource(), HPA, "worker", hpa("worker")),
        ]);
        const found = diagnostics(await call("analyzeStack", request));
        expect(found.map((d) => [d.policy, d.urn])).toEqual([
            ["hpa-owns-replicas", `urn:pulumi:test::capstan::${DEPLOYMENT}::worker`],
        ]);
    });
});
