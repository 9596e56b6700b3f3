import { describe, expect, it } from "vitest";
import { clusterEgressRules, clusterIngressRules } from "../../../components/aws/securityGroups";

const groups = { controlPlane: "sg-cp", nodes: "sg-nodes" };
const ingress = () => Object.fromEntries(clusterIngressRules(groups).map((r) => [r.id, r.args]));

describe("cluster security group rules", () => {
    it("nodes reach each other on every protocol: pod traffic crosses nodes", () => {
        expect(ingress()["node-to-node"]).toMatchObject({
            securityGroupId: "sg-nodes",
            referencedSecurityGroupId: "sg-nodes",
            ipProtocol: "-1",
        });
    });

    it("the control plane reaches the nodes on the kubelet port and 443 only", () => {
        const fromControlPlane = clusterIngressRules(groups)
            .map((r) => r.args)
            .filter((a) => a.referencedSecurityGroupId === "sg-cp");
        expect(fromControlPlane.map((a) => [a.securityGroupId, a.ipProtocol, a.fromPort, a.toPort])).toEqual([
            ["sg-nodes", "tcp", 10250, 10250],
            ["sg-nodes", "tcp", 443, 443],
        ]);
    });

    it("the nodes reach the API server on 443, and nothing else reaches the control plane", () => {
        const intoControlPlane = clusterIngressRules(groups)
            .map((r) => r.args)
            .filter((a) => a.securityGroupId === "sg-cp");
        expect(intoControlPlane.map((a) => [a.referencedSecurityGroupId, a.ipProtocol, a.fromPort])).toEqual([
            ["sg-nodes", "tcp", 443],
        ]);
    });

    it("no ingress rule admits an address range, only the cluster's own groups", () => {
        for (const r of clusterIngressRules(groups)) expect(r.args).not.toHaveProperty("cidrIpv4");
    });

    it("the control plane sends only to the nodes; the nodes may send anywhere", () => {
        const egress = Object.fromEntries(clusterEgressRules(groups).map((r) => [r.id, r.args]));
        expect(egress["control-plane-egress"]).toMatchObject({
            securityGroupId: "sg-cp",
            referencedSecurityGroupId: "sg-nodes",
        });
        expect(egress["control-plane-egress"]).not.toHaveProperty("cidrIpv4");
        expect(egress["nodes-egress"]).toMatchObject({ securityGroupId: "sg-nodes", cidrIpv4: "0.0.0.0/0" });
    });
});
