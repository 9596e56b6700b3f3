import { describe, expect, it } from "vitest";
import { type NodeGroupPlacement } from "../../../components/config";
import { coverWholeInternet, parseCidr, type Cidr } from "../../../components/core";
import { instanceCapacity } from "../../../components/config/capacity";
import { ownerProblems } from "../../../components/platform/access";
import { worldCovering } from "../../../policy/rules/aws";
import { problemsOf, render } from "../../harness";

type Root = Record<string, any>;

describe("references the cluster, AWS or NGINX enforce are checked before anything is declared", () => {
    it.each<[string, string, (r: Root) => void, string, string]>([
        [
            "a worker selecting labels no node group has",
            "staging",
            (r) => (r.app.workers[0].nodeSelector = { role: "workerz" }),
            "capstan:app.workers[0].nodeSelector",
            "matches no node group",
        ],
        [
            "a worker selecting an instance type its groups do not run",
            "staging",
            (r) =>
                (r.app.workers[0].nodeSelector = { "node.kubernetes.io/instance-type": "m7i.large", role: "workers" }),
            "capstan:app.workers[0].nodeSelector",
            "matches no node group",
        ],
        [
            "a worker selecting Windows nodes",
            "staging",
            (r) => (r.app.workers[0].nodeSelector = { "kubernetes.io/os": "windows" }),
            "capstan:app.workers[0].nodeSelector",
            "matches no node group",
        ],
        [
            "a worker on a tainted group without the toleration",
            "staging",
            (r) => (r.app.workers[0].tolerations = []),
            "capstan:app.workers[0].tolerations",
            "role=workers:NoSchedule",
        ],
        [
            "a worker tolerating another value of the taint",
            "prod",
            (r) => (r.app.workers[1].tolerations = [{ key: "role", value: "batch", effect: "NoSchedule" }]),
            "capstan:app.workers[1].tolerations",
            "does not tolerate",
        ],
        [
            "every node group tainted, so web pods have nowhere to go",
            "staging",
            (r) => (r.nodeGroups[0].taints = [{ key: "dedicated", value: "x", effect: "NoExecute" }]),
            "capstan:nodeGroups",
            "the web, canary, migration and cron pods do not tolerate",
        ],
        [
            "a tenant CPU quota below the app's needs",
            "tenant-acme",
            (r) => (r.tenant.quota = { cpu: "2" }),
            "capstan:tenant.quota.cpu",
            "raise it to at least 4",
        ],
        [
            "a tenant memory quota below the app's needs",
            "tenant-acme",
            (r) => (r.tenant.quota = { memory: "4Gi" }),
            "capstan:tenant.quota.memory",
            "raise it to at least 8Gi",
        ],
        [
            "a tenant memory quota that holds the web pods but not a larger migration",
            "tenant-acme",
            (r) => {
                r.tenant.quota = { memory: "8Gi" };
                r.app.migrate.resources = { memory: "3Gi" };
            },
            "capstan:tenant.quota.memory",
            "raise it to at least 10Gi",
        ],
        [
            "a tenant pod quota below the app's needs",
            "tenant-acme",
            (r) => (r.tenant.quota = { pods: 8 }),
            "capstan:tenant.quota.pods",
            "raise it to at least 11",
        ],
        [
            "a canary that no longer fits the tenant's quota",
            "tenant-acme",
            (r) => {
                r.tenant.quota = { pods: 11 };
                r.canary = { imageTag: "2026.11.21-9a8b7c6", cookie: { name: "_AUSER_TYPE", value: "canary" } };
            },
            "capstan:tenant.quota.pods",
            "at least 14",
        ],
        [
            "the app in the ingress controllers' namespace",
            "staging",
            (r) => (r.app.namespace = "nginx-ingress"),
            "capstan:app.namespace",
            "belongs to the platform",
        ],
        [
            "the app in kube-system",
            "staging",
            (r) => (r.app.namespace = "kube-system"),
            "capstan:app.namespace",
            "belongs to the platform",
        ],
        [
            "the app in kube-node-lease",
            "prod",
            (r) => (r.app.namespace = "kube-node-lease"),
            "capstan:app.namespace",
            "belongs to the platform",
        ],
        ["an app named default", "staging", (r) => (r.app.name = "default"), "capstan:app.name", "set app.namespace"],
        [
            "an app named like a platform namespace",
            "prod",
            (r) => (r.app.name = "nginx-ingress"),
            "capstan:app.name",
            "belongs to the platform",
        ],
        [
            "a certificate of another region",
            "staging",
            (r) =>
                (r.ingress.public.certificateArn = r.ingress.public.certificateArn.replace(
                    "eu-central-1",
                    "us-east-1",
                )),
            "capstan:ingress.public.certificateArn",
            "certificate of us-east-1",
        ],
        [
            "API access from two halves of the internet",
            "staging",
            (r) => (r.cluster.publicAccessCidrs = ["0.0.0.0/1", "128.0.0.0/1"]),
            "capstan:cluster.publicAccessCidrs",
            "together cover the whole internet",
        ],
        [
            "a canary cookie name NGINX refuses",
            "prod",
            (r) => (r.canary.cookie.name = "canary-user"),
            "capstan:canary.cookie.name",
            "letters, digits and '_' only",
        ],
        [
            "a Kubernetes version with no pinned autoscaler image",
            "staging",
            (r) => (r.cluster.version = "1.29"),
            "capstan:cluster.version",
            "components/core/versions.ts",
        ],
        [
            "a node label in the kubernetes.io namespace a kubelet may not set",
            "staging",
            (r) => (r.nodeGroups[1].labels = { "node-role.kubernetes.io/worker": "" }),
            "capstan:nodeGroups[1].labels.node-role.kubernetes.io/worker",
            "nodes would never join",
        ],
        [
            "a node label in the k8s.io namespace",
            "prod",
            (r) => (r.nodeGroups[0].labels = { "example.k8s.io/tier": "web" }),
            "capstan:nodeGroups[0].labels.example.k8s.io/tier",
            "nodes would never join",
        ],
        [
            "a taint repeated on one group",
            "staging",
            (r) => r.nodeGroups[1].taints.push({ key: "role", value: "other", effect: "NoSchedule" }),
            "capstan:nodeGroups[1].taints[1]",
            "one taint per key and effect",
        ],
        [
            "an instance type listed twice",
            "prod",
            (r) => (r.nodeGroups[0].instanceTypes = ["m7i.xlarge", "m7i.xlarge"]),
            "capstan:nodeGroups[0].instanceTypes[1]",
            "listed twice",
        ],
        [
            "an admin role listed twice",
            "staging",
            (r) =>
                (r.cluster.adminRoleArns = [
                    "arn:aws:iam::123456789012:role/admin",
                    "arn:aws:iam::123456789012:role/admin",
                ]),
            "capstan:cluster.adminRoleArns[1]",
            "one access entry per principal",
        ],
        [
            "an add-on version EKS does not name that way",
            "staging",
            (r) => (r.cluster.addons = { coreDns: "1.11" }),
            "capstan:cluster.addons.coreDns",
            "v1.19.2-eksbuild.1",
        ],
        [
            "a VPC block too small for its zones' subnets",
            "staging",
            (r) =>
                (r.network = {
                    cidrBlock: "10.20.0.0/24",
                    availabilityZones: "abcdefghi".split("").map((z) => `eu-central-1${z}`),
                }),
            "capstan:network.cidrBlock",
            "too small for 9 zones",
        ],
        [
            "web pods asking more CPU than any node they may run on has",
            "staging",
            (r) => (r.app.web.resources = { cpu: "8", memory: "1Gi" }),
            "capstan:app.web.resources.cpu",
            "m7i.large in general: 2 vCPUs",
        ],
        [
            "a worker asking more memory than its tainted group's nodes have",
            "staging",
            (r) => (r.app.workers[0].resources = { memory: "8Gi" }),
            "capstan:app.workers[0].resources.memory",
            "c7i.large in workers: 4Gi",
        ],
        [
            "a migration asking more memory than any node has",
            "prod",
            (r) => (r.app.migrate.resources = { memory: "1e12" }),
            "capstan:app.migrate.resources.memory",
            "would stay Pending",
        ],
        [
            "a cron task asking more memory than any node has",
            "prod",
            (r) => (r.app.cron[0].resources = { memory: "1e12" }),
            "capstan:app.cron[0].resources.memory",
            "would stay Pending",
        ],
    ])("%s", (_name, stack, mutate, path, message) => {
        const problems = problemsOf(stack, mutate);
        expect(
            problems
                .filter((p) => p.path === path)
                .map((p) => p.message)
                .join("\n"),
        ).toContain(message);
    });

    it.each<[string, string, (r: Root) => void]>([
        [
            "a PreferNoSchedule taint only discourages",
            "staging",
            (r) => (r.nodeGroups[0].taints = [{ key: "spot", value: "true", effect: "PreferNoSchedule" }]),
        ],
        [
            "a worker on any group when it selects nothing and a group is untainted",
            "staging",
            (r) => {
                r.app.workers[0].nodeSelector = {};
                r.app.workers[0].tolerations = [];
            },
        ],
        [
            "a tenant quota that just fits",
            "tenant-acme",
            (r) => (r.tenant.quota = { cpu: "4", memory: "8Gi", pods: 11 }),
        ],
        [
            "API access from blocks that leave part of the internet out",
            "staging",
            (r) => (r.cluster.publicAccessCidrs = ["0.0.0.0/1", "128.0.0.0/2"]),
        ],
        ["a namespace of the app's own", "staging", (r) => (r.app.namespace = "phraseapp-staging")],
        [
            "a worker selecting labels every node carries",
            "staging",
            (r) =>
                (r.app.workers[0].nodeSelector = {
                    role: "workers",
                    "kubernetes.io/os": "linux",
                    "node.kubernetes.io/instance-type": "c7i.large",
                    "topology.kubernetes.io/zone": "eu-central-1a",
                }),
        ],
        [
            "node labels a kubelet may set",
            "staging",
            (r) => (r.nodeGroups[0].labels = { "node.kubernetes.io/pool": "general", "example.com/role": "web" }),
        ],
        ["an add-on version as EKS names it", "staging", (r) => (r.cluster.addons = { vpcCni: "v1.19.2-eksbuild.1" })],
        [
            "a worker that fits the larger of its group's instance types",
            "prod",
            (r) => (r.app.workers[0].resources = { cpu: "3", memory: "6Gi" }),
        ],
        [
            "pods on instance types whose size is not guessed",
            "staging",
            (r) => {
                r.nodeGroups[0].instanceTypes = ["t3.large"];
                r.app.web.resources = { cpu: "64", memory: "1Gi" };
            },
        ],
    ])("accepts %s", (_name, stack, mutate) => {
        expect(problemsOf(stack, mutate)).toEqual([]);
    });
});

describe("a stack on another stack's cluster is checked against what that stack runs", () => {
    const owner: NodeGroupPlacement[] = [
        { name: "general", labels: {}, taints: [] },
        {
            name: "workers",
            labels: { role: "workers" },
            taints: [{ key: "role", value: "workers", effect: "NoSchedule" }],
        },
    ];
    const worker = (
        nodeSelector: Record<string, string>,
        tolerations: { key: string; value: string; effect: "NoSchedule" }[] = [],
    ) => ({ path: "app.workers[0]", what: "worker default", nodeSelector, tolerations });

    it.each<[string, Parameters<typeof ownerProblems>, string[]]>([
        [
            "an internal entry on a cluster without the internal controller",
            [{ sharedStack: "o/capstan/prod", internal: true }, { public: "public" }, owner],
            ["capstan:ingress.internal"],
        ],
        [
            "a stack that is no cluster owner",
            [{ sharedStack: "o/capstan/staging2", internal: false }, undefined, undefined],
            ["capstan:cluster.sharedStack"],
        ],
        [
            "a worker selecting labels the owner's groups lack",
            [
                { sharedStack: "o/capstan/prod", internal: false, workloads: [worker({ role: "gpu" })] },
                { public: "public" },
                owner,
            ],
            ["capstan:app.workers[0].nodeSelector"],
        ],
        [
            "a worker on the owner's tainted group without the toleration",
            [
                { sharedStack: "o/capstan/prod", internal: false, workloads: [worker({ role: "workers" })] },
                { public: "public" },
                owner,
            ],
            ["capstan:app.workers[0].tolerations"],
        ],
        [
            "everything at once",
            [
                { sharedStack: "o/capstan/prod", internal: true, workloads: [worker({ role: "gpu" })] },
                { public: "public" },
                owner,
            ],
            ["capstan:ingress.internal", "capstan:app.workers[0].nodeSelector"],
        ],
        [
            "a worker that fits",
            [
                {
                    sharedStack: "o/capstan/prod",
                    internal: false,
                    workloads: [worker({ role: "workers" }, [{ key: "role", value: "workers", effect: "NoSchedule" }])],
                },
                { public: "public" },
                owner,
            ],
            [],
        ],
        [
            "an owner that exports no node groups leaves placement unchecked",
            [
                { sharedStack: "o/capstan/prod", internal: false, workloads: [worker({ role: "gpu" })] },
                { public: "public" },
                undefined,
            ],
            [],
        ],
    ])("%s", (_name, args, paths) => {
        expect(ownerProblems(...args).map((p) => p.path)).toEqual(paths);
    });

    it("the render of a tenant reports a worker the owner cannot place as a config problem", async () => {
        const app = structuredClone((await import("../../harness")).stackValues("tenant-acme")["capstan:app"]);
        app.workers[0].nodeSelector = { role: "gpu" };
        await expect(render("tenant-acme", { overrides: { "capstan:app": app } })).rejects.toSatisfy((e: any) =>
            e.problems?.some(
                (p: { path: string; message: string }) =>
                    p.path === "capstan:app.workers[0].nodeSelector" &&
                    p.message.includes("the cluster of acme-corp/capstan/prod"),
            ),
        );
    });
});

describe("the size of an instance type, read from its name where the family is regular", () => {
    it.each<[string, { cpu: number; memoryGiB: number } | undefined]>([
        ["m7i.large", { cpu: 2, memoryGiB: 8 }],
        ["c7i.xlarge", { cpu: 4, memoryGiB: 8 }],
        ["r6g.medium", { cpu: 1, memoryGiB: 8 }],
        ["m6i.12xlarge", { cpu: 48, memoryGiB: 192 }],
        ["c6gn.2xlarge", { cpu: 8, memoryGiB: 16 }],
        ["t3.large", undefined],
        ["m7i.metal-24xl", undefined],
        ["x2iedn.xlarge", undefined],
    ])("%s: %j", (type, capacity) => {
        expect(instanceCapacity(type)).toEqual(capacity);
    });
});

describe("CIDR blocks that together cover the whole internet", () => {
    const blocks = (...c: string[]) => c.map((x) => parseCidr(x) as Cidr);
    it.each<[string[], boolean]>([
        [["0.0.0.0/0"], true],
        [["0.0.0.0/1", "128.0.0.0/1"], true],
        [["128.0.0.0/1", "0.0.0.0/2", "64.0.0.0/2"], true],
        [["0.0.0.0/1", "128.0.0.0/2"], false],
        [["203.0.113.0/24"], false],
        [[], false],
    ])("%j covers it: %s", (cidrs, covers) => {
        expect(coverWholeInternet(blocks(...cidrs))).toBe(covers);
        expect(worldCovering(cidrs).length > 0).toBe(covers);
    });
});
