import { describe, expect, it } from "vitest";
import { AUTONAME_SUFFIX, awsNames, NAME_LIMITS } from "../../../components/core";
import { problemsOf, render } from "../../harness";

type Root = Record<string, any>;
const x = (n: number) => "x".repeat(n);

/** Problems at `path` of the stack changed by `mutate`, rendered as if its stack name were `stackName`. */
const at = (stack: string, mutate: (r: Root) => void, path: string, stackName = stack) =>
    problemsOf(stack, mutate, stackName)
        .filter((p) => p.path === path)
        .map((p) => p.message)
        .join("\n");

describe("every name the program builds fits what is really created, Pulumi's auto-name suffix included", () => {
    it.each<[string, string, string, (r: Root) => void, string, string]>([
        [
            "a 36-character stack name breaks a node group's IAM role",
            "staging",
            x(36),
            () => undefined,
            "capstan:nodeGroups[0].name",
            "IAM role name",
        ],
        [
            "a 40-character stack name breaks the cluster's own IAM roles",
            "staging",
            x(40),
            () => undefined,
            "capstan:cluster.mode",
            "IAM role name",
        ],
        [
            "the largest node-group name the stack leaves room for",
            "staging",
            "production-eu-central",
            (r) => (r.nodeGroups[0].name = x(32)),
            "capstan:nodeGroups[0].name",
            "64 is the limit",
        ],
        [
            "a stack name with a dot cannot name an EKS cluster",
            "staging",
            "prod.eu",
            () => undefined,
            "capstan:cluster.mode",
            "EKS allows only letters, digits",
        ],
        [
            "a long tenant name breaks the S3 bucket",
            "tenant-acme",
            "tenant-acme",
            (r) => (r.tenant.name = x(40)),
            "capstan:tenant.name",
            "S3 bucket name",
        ],
        [
            "a long namespace breaks the app's IAM role",
            "staging",
            "staging",
            (r) => (r.app.namespace = x(52)),
            "capstan:app.namespace",
            "IAM role name",
        ],
        [
            "a long queue name breaks its dead-letter queue",
            "staging",
            "staging",
            (r) => {
                r.app.namespace = x(40);
                r.app.queues = [x(35)];
            },
            "capstan:app.queues[0]",
            "SQS queue name",
        ],
        [
            "a host label of 70 characters",
            "staging",
            "staging",
            (r) => (r.ingress.public.hosts = [`${x(70)}.example.com`]),
            "capstan:ingress.public.hosts[0]",
            "DNS allows 63 per label",
        ],
        [
            "a host name of 260 characters",
            "staging",
            "staging",
            (r) => (r.ingress.public.hosts = [`${Array(5).fill(x(50)).join(".")}.example.com`]),
            "capstan:ingress.public.hosts[0]",
            "DNS allows 253",
        ],
        [
            "a node label key too long for its Auto Scaling group tag",
            "staging",
            "staging",
            (r) => (r.nodeGroups[1].labels = { [`${x(70)}.example.com/role`]: "a" }),
            `capstan:nodeGroups[1].labels.${x(70)}.example.com/role`,
            "AWS allows 128",
        ],
        [
            "an app name starting with a digit cannot name its Service",
            "staging",
            "staging",
            (r) => (r.app.name = "1phrase"),
            "capstan:app.name",
            "must start with a letter",
        ],
        [
            "an app name too long for the staging access Policy's label",
            "staging",
            "staging",
            (r) => (r.app.name = x(50)),
            "capstan:app.name",
            "staging access Policy",
        ],
        [
            "a toleration key longer than a label key may be",
            "staging",
            "staging",
            (r) => (r.app.workers[0].tolerations[0].key = x(64)),
            "capstan:app.workers[0].tolerations[0].key",
            "too long for a Kubernetes label key",
        ],
        [
            "an image name longer than 255 characters",
            "staging",
            "staging",
            (r) => (r.app.image = `registry.example.com/${x(250)}`),
            "capstan:app.image",
            "255 characters",
        ],
    ])("%s", (_name, stack, stackName, mutate, path, message) => {
        expect(at(stack, mutate, path, stackName)).toContain(message);
    });

    it.each<[string, string, string, (r: Root) => void]>([
        ["a 35-character stack name with 7-character node-group names", "prod", x(35), () => undefined],
        ["a 32-character node group on a short stack", "staging", "staging", (r) => (r.nodeGroups[0].name = x(32))],
        ["a 38-character tenant name", "tenant-acme", "tenant-acme", (r) => (r.tenant.name = x(38))],
        [
            "a host label of 63 characters",
            "staging",
            "staging",
            (r) => (r.ingress.public.hosts = [`${x(63)}.example.com`]),
        ],
    ])("%s fits", (_name, stack, stackName, mutate) => {
        expect(problemsOf(stack, mutate, stackName)).toEqual([]);
    });
});

describe("the name table is the program's: every auto-named AWS resource it renders is in it", () => {
    it.each(["staging", "prod", "tenant-acme"])("%s", async (stack) => {
        const { plan } = await render(stack);
        const cluster = awsNames.cluster("capstan", stack);
        const groups = stack === "tenant-acme" ? [] : ["general", "workers"];
        const namespace = stack === "tenant-acme" ? "phraseapp-acme" : "phraseapp";
        const queues = stack === "staging" ? ["mailers"] : ["mailers", "exports"];
        const expected: Record<string, string[]> = {
            "aws:iam/role:Role": [
                awsNames.appRole(namespace),
                ...(groups.length
                    ? [
                          awsNames.clusterRole(cluster),
                          awsNames.cniRole(cluster),
                          awsNames.autoscalerRole(cluster),
                          awsNames.terminationHandlerRole(cluster),
                          awsNames.logShipperRole(cluster),
                      ]
                    : []),
                ...groups.map((g) => awsNames.nodeRole(cluster, g)),
            ],
            "aws:iam/instanceProfile:InstanceProfile": groups.map((g) => awsNames.nodeRole(cluster, g)),
            "aws:ec2/launchTemplate:LaunchTemplate": groups.map((g) => awsNames.nodeGroup(cluster, g)),
            "aws:s3/bucket:Bucket": [awsNames.bucket(namespace)],
            "aws:sqs/queue:Queue": [
                ...queues.flatMap((q) => [awsNames.queue(namespace, q), awsNames.deadLetterQueue(namespace, q)]),
                ...(groups.length ? [awsNames.drainQueue(cluster)] : []),
            ],
        };
        for (const [type, names] of Object.entries(expected)) {
            const rendered = plan.resources.filter((r) => r.type === type);
            expect(rendered.map((r) => r.name).sort(), type).toEqual([...names].sort());
            for (const r of rendered) expect(r.inputs.name, `${r.name} is auto-named`).toBeUndefined();
        }
        for (const r of plan.resources.filter((r) => r.type === "aws:eks/cluster:Cluster"))
            expect(r.inputs.name).toBe(cluster);
        for (const r of plan.resources.filter(
            (r) => r.type === "aws:lb/loadBalancer:LoadBalancer" || r.type === "aws:lb/targetGroup:TargetGroup",
        )) {
            expect(String(r.inputs.namePrefix).length).toBeLessThanOrEqual(NAME_LIMITS.loadBalancerNamePrefix);
        }
        expect(AUTONAME_SUFFIX).toBe(8);
    });
});
