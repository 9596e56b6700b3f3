import { describe, expect, it } from "vitest";
import {
    autoScalingGroupArgs,
    autoScalingGroupTags,
    launchTemplateArgs,
    type NodeGroupArgs,
} from "../../../components/aws/nodeGroup";

const base: NodeGroupArgs = {
    clusterName: "capstan-test",
    version: "1.34",
    amiRelease: "v20260930",
    endpoint: "https://api",
    certificateAuthority: "ca",
    serviceCidr: "172.20.0.0/16",
    subnetIds: ["subnet-a"],
    securityGroupId: "sg-nodes",
    instanceTypes: ["m7i.large", "m6i.large"],
    minSize: 2,
    maxSize: 6,
    labels: { role: "web" },
    taints: [{ key: "dedicated", value: "web", effect: "NoSchedule" }],
};
const template = (args: NodeGroupArgs = base) => launchTemplateArgs("ng", args, "arn:profile") as any;
const asg = (args: NodeGroupArgs = base) => autoScalingGroupArgs("ng", args, { id: "lt-1", version: "3" }) as any;

describe("launch template", () => {
    it("requires IMDSv2 with a hop limit of 1, so a pod cannot reach the node's credentials", () => {
        expect(template().metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
    });

    it("boots the pinned AMI release from its SSM parameter", () => {
        expect(template().imageId).toBe(
            "resolve:ssm:/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/amazon-eks-node-al2023-x86_64-standard-1.34-v20260930/image_id",
        );
    });

    it("encrypts a gp3 root volume of 50 GiB unless set, and gives no public address", () => {
        expect(template().blockDeviceMappings[0].ebs).toMatchObject({
            volumeSize: 50,
            volumeType: "gp3",
            encrypted: "true",
        });
        expect(template({ ...base, volumeSizeGiB: 100 }).blockDeviceMappings[0].ebs.volumeSize).toBe(100);
        expect(template().networkInterfaces[0]).toMatchObject({
            associatePublicIpAddress: "false",
            securityGroups: ["sg-nodes"],
        });
    });
});

describe("Auto Scaling group", () => {
    it("starts at the minimum size and launches the instance types in preference order, on demand", () => {
        const g = asg();
        expect([g.minSize, g.maxSize, g.desiredCapacity]).toEqual([2, 6, 2]);
        expect(g.mixedInstancesPolicy.launchTemplate.overrides).toEqual([
            { instanceType: "m7i.large" },
            { instanceType: "m6i.large" },
        ]);
        expect(g.mixedInstancesPolicy.instancesDistribution).toMatchObject({
            onDemandPercentageAboveBaseCapacity: 100,
            onDemandAllocationStrategy: "prioritized",
        });
    });

    it("replaces nodes by launching before terminating, unless set otherwise, and never rebalances zones itself", () => {
        // Launch before terminating: 100 % stays in service, up to 110 % meanwhile.
        const launchFirst = { minHealthyPercentage: 100, maxHealthyPercentage: 110 };
        expect(asg().instanceRefresh).toEqual({ strategy: "Rolling", preferences: launchFirst });
        expect(asg().instanceMaintenancePolicy).toEqual(launchFirst);
        const custom = asg({ ...base, healthyPercentage: { min: 90, max: 150 } });
        expect(custom.instanceRefresh.preferences).toEqual({ minHealthyPercentage: 90, maxHealthyPercentage: 150 });
        expect(asg().suspendedProcesses).toEqual(["AZRebalance"]);
    });

    it("tells cluster-autoscaler its labels and taints and owner, and propagates every tag to the instances", () => {
        const tags = autoScalingGroupTags("ng", base);
        expect(tags).toMatchObject({
            "kubernetes.io/cluster/capstan-test": "owned",
            "k8s.io/cluster-autoscaler/enabled": "true",
            "k8s.io/cluster-autoscaler/node-template/label/role": "web",
            "k8s.io/cluster-autoscaler/node-template/taint/dedicated": "web:NoSchedule",
        });
        for (const t of asg().tags) expect(t.propagateAtLaunch).toBe(true);
        expect(asg().tags.length).toBe(Object.keys(tags).length);
    });
});
