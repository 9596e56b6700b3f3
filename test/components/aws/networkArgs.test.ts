import { describe, expect, it } from "vitest";
import { natIndexOfZone, natZones, subnetArgs, vpcArgs } from "../../../components/aws/networkArgs";

const zone = { zone: "eu-west-1a", private: "10.0.0.0/19", public: "10.0.96.0/21" };

describe("network arguments", () => {
    it("the VPC resolves private DNS names, which EKS nodes register by", () => {
        expect(vpcArgs("capstan", "10.0.0.0/16", { team: "platform" })).toEqual({
            cidrBlock: "10.0.0.0/16",
            enableDnsHostnames: true,
            enableDnsSupport: true,
            tags: { team: "platform", Name: "capstan" },
        });
    });

    it("a public subnet carries the cluster tag and the role tag of internet-facing load balancers", () => {
        expect(subnetArgs("capstan", "public", zone, "capstan-prod", "vpc-1", { team: "platform" })).toEqual({
            vpcId: "vpc-1",
            cidrBlock: "10.0.96.0/21",
            availabilityZone: "eu-west-1a",
            mapPublicIpOnLaunch: false,
            tags: {
                team: "platform",
                "kubernetes.io/cluster/capstan-prod": "shared",
                Name: "capstan-public-eu-west-1a",
                "kubernetes.io/role/elb": "1",
            },
        });
    });

    it("a private subnet takes the zone's private block and the role tag of internal load balancers", () => {
        expect(subnetArgs("capstan", "private", zone, "capstan-prod", "vpc-1")).toEqual({
            vpcId: "vpc-1",
            cidrBlock: "10.0.0.0/19",
            availabilityZone: "eu-west-1a",
            mapPublicIpOnLaunch: false,
            tags: {
                "kubernetes.io/cluster/capstan-prod": "shared",
                Name: "capstan-private-eu-west-1a",
                "kubernetes.io/role/internal-elb": "1",
            },
        });
    });

    it.each([
        ["perZone", ["a", "b", "c"], [0, 1, 2]],
        ["single", ["a"], [0, 0, 0]],
    ] as const)(
        "with %s NAT gateways the NAT zones are %j and zones route through gateways %j",
        (mode, zones, indexes) => {
            expect(natZones(mode, ["a", "b", "c"])).toEqual(zones);
            expect([0, 1, 2].map((i) => natIndexOfZone(mode, i))).toEqual(indexes);
        },
    );
});
