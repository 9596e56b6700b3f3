import { describe, expect, it } from "vitest";
import {
    addonArgs,
    adminAccess,
    clusterRoleArgs,
    controlPlaneArgs,
    secretsKeyArgs,
    vpcCniAddonArgs,
    type ClusterArgs,
} from "../../../components/aws/clusterArgs";

const base: ClusterArgs = {
    clusterName: "capstan-test",
    version: "1.34",
    region: "eu-west-1",
    subnetIds: ["subnet-a", "subnet-b"],
    securityGroupId: "sg-control-plane",
    publicAccessCidrs: [],
    tags: { "capstan:stack": "test" },
};
const controlPlane = (args: Partial<ClusterArgs> = {}) =>
    controlPlaneArgs({ ...base, ...args }, "arn:aws:iam::1:role/cluster", "arn:aws:kms:eu-west-1:1:key/k") as any;

describe("control plane", () => {
    it("logs every control-plane log type, audit and authenticator included", () => {
        expect(controlPlane().enabledClusterLogTypes).toEqual([
            "api",
            "audit",
            "authenticator",
            "controllerManager",
            "scheduler",
        ]);
    });

    it("without public access networks the API is reachable from inside the VPC only", () => {
        const vpc = controlPlane({ publicAccessCidrs: [] }).vpcConfig;
        expect(vpc.endpointPrivateAccess).toBe(true);
        expect(vpc.endpointPublicAccess).toBe(false);
        // An empty list would let EKS fill in 0.0.0.0/0.
        expect(vpc.publicAccessCidrs).toBeUndefined();
    });

    it("with public access networks the public endpoint admits exactly those, and the private one stays on", () => {
        const vpc = controlPlane({ publicAccessCidrs: ["203.0.113.0/24", "198.51.100.7/32"] }).vpcConfig;
        expect(vpc.endpointPublicAccess).toBe(true);
        expect(vpc.endpointPrivateAccess).toBe(true);
        expect(vpc.publicAccessCidrs).toEqual(["203.0.113.0/24", "198.51.100.7/32"]);
    });

    it("puts its network interfaces in the given subnets, behind the control plane's security group", () => {
        const vpc = controlPlane().vpcConfig;
        expect(vpc.subnetIds).toEqual(["subnet-a", "subnet-b"]);
        expect(vpc.securityGroupIds).toEqual(["sg-control-plane"]);
    });

    it("envelope-encrypts Secrets with the cluster's own key", () => {
        expect(controlPlane().encryptionConfig).toEqual({
            provider: { keyArn: "arn:aws:kms:eu-west-1:1:key/k" },
            resources: ["secrets"],
        });
    });

    it("authenticates through access entries only and leaves the add-ons to the program", () => {
        const cp = controlPlane();
        expect(cp.accessConfig.authenticationMode).toBe("API");
        expect(cp.accessConfig.bootstrapClusterCreatorAdminPermissions).toBe(true);
        expect(cp.bootstrapSelfManagedAddons).toBe(false);
    });

    it("uses the fixed Service CIDR node user data names", () => {
        expect(controlPlane().kubernetesNetworkConfig).toEqual({ serviceIpv4Cidr: "172.20.0.0/16", ipFamily: "ipv4" });
    });

    it("is named by the cluster name and runs the configured version", () => {
        const cp = controlPlane({ clusterName: "acme", version: "1.33" });
        expect([cp.name, cp.version]).toEqual(["acme", "1.33"]);
    });
});

describe("Secrets key and cluster role", () => {
    it("the Secrets key rotates and can be recovered for 30 days after a deletion", () => {
        const key = secretsKeyArgs(base) as any;
        expect(key.enableKeyRotation).toBe(true);
        expect(key.deletionWindowInDays).toBe(30);
        expect(key.description).toContain("capstan-test");
    });

    it("only the EKS service may assume the cluster role", () => {
        const policy = JSON.parse(clusterRoleArgs().assumeRolePolicy as string);
        expect(policy.Statement).toEqual([
            {
                Effect: "Allow",
                Principal: { Service: "eks.amazonaws.com" },
                Action: ["sts:AssumeRole", "sts:TagSession"],
            },
        ]);
    });
});

describe("admin access", () => {
    it("gives each admin role its own access entry with cluster-admin over the whole cluster", () => {
        const roles = ["arn:aws:iam::1:role/ops", "arn:aws:iam::1:role/oncall"];
        const access = adminAccess("capstan-test", roles);
        expect(access.map((a) => a.entry)).toEqual([
            { principalArn: "arn:aws:iam::1:role/ops", type: "STANDARD" },
            { principalArn: "arn:aws:iam::1:role/oncall", type: "STANDARD" },
        ]);
        for (const a of access)
            expect(a.association).toEqual({
                policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                accessScope: { type: "cluster" },
            });
    });

    it("names each entry by the role's position, so the names stay stable while the list does", () => {
        const access = adminAccess("capstan-test", ["arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b"]);
        expect(access.map((a) => a.name)).toEqual(["capstan-test-admin-0", "capstan-test-admin-1"]);
    });

    it("no admin roles, no access entries", () => {
        expect(adminAccess("capstan-test")).toEqual([]);
    });
});

describe("add-ons", () => {
    it("an add-on overwrites conflicting edits, and an omitted version is left to EKS", () => {
        expect(addonArgs("capstan-test", "kube-proxy", undefined, {})).toEqual({
            clusterName: "capstan-test",
            addonName: "kube-proxy",
            addonVersion: undefined,
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            tags: {},
        });
    });

    it("the VPC CNI runs under its IRSA role, at the pinned version, with its network policy agent on", () => {
        const cni = vpcCniAddonArgs(
            "capstan-test",
            { addons: { vpcCni: "v1.20.0-eksbuild.1" } },
            "arn:role/cni",
        ) as any;
        expect(cni.addonName).toBe("vpc-cni");
        expect(cni.addonVersion).toBe("v1.20.0-eksbuild.1");
        expect(cni.serviceAccountRoleArn).toBe("arn:role/cni");
        expect(JSON.parse(cni.configurationValues)).toEqual({ enableNetworkPolicy: "true" });
    });
});
