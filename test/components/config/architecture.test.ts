import { describe, expect, it } from "vitest";
import { architectureWarning, instanceArchitecture } from "../../../components/config";
import { ofType, problemsOf, render, stackValues } from "../../harness";

type Obj = Record<string, any>;

describe("the architecture of an instance type, read from its family", () => {
    it.each([
        ["m7g.large", "arm64"],
        ["c7gn.xlarge", "arm64"],
        ["r8gd.2xlarge", "arm64"],
        ["t4g.medium", "arm64"],
        ["im4gn.large", "arm64"],
        ["g5g.xlarge", "arm64"],
        ["a1.large", "arm64"],
        ["m7i.large", "x86_64"],
        ["m7i-flex.large", "x86_64"],
        ["c7a.xlarge", "x86_64"],
        ["g4dn.xlarge", "x86_64"],
        ["m5zn.large", "x86_64"],
        ["m7i.metal-24xl", "x86_64"],
    ])("%s is %s", (type, arch) => {
        expect(instanceArchitecture(type)).toBe(arch);
    });
});

describe("Graviton node groups get the arm64 AMI", () => {
    it("a group of Graviton types resolves the arm64 AMI parameter, the others keep x86_64", async () => {
        const groups = stackValues("staging")["capstan:nodeGroups"] as Obj[];
        groups[0] = { ...groups[0], instanceTypes: ["m7g.large", "m6g.large"] };
        const { result } = await render("staging", { overrides: { "capstan:nodeGroups": groups } });
        const images = ofType(result.resources, "aws:ec2/launchTemplate:LaunchTemplate").map(
            (t) => [t.name, (t.inputs as Obj).imageId as string] as const,
        );
        const [graviton, ...others] = images;
        expect(graviton[1]).toMatch(
            /^resolve:ssm:.*\/amazon-linux-2023\/arm64\/standard\/amazon-eks-node-al2023-arm64-/,
        );
        expect(others.length).toBeGreaterThan(0);
        for (const [, image] of others) expect(image).toMatch(/\/x86_64\/standard\/amazon-eks-node-al2023-x86_64-/);
    });

    it("a group that mixes Graviton and x86_64 types is refused, naming both", () => {
        const problems = problemsOf("staging", (r) => (r.nodeGroups[1].instanceTypes = ["c7i.xlarge", "c7g.xlarge"]));
        expect(problems.map((p) => p.path)).toEqual(["capstan:nodeGroups[1].instanceTypes"]);
        expect(problems[0].message).toMatch(/c7g\.xlarge.*c7i\.xlarge/);
    });

    it("warns that the app image must be built for arm64, and only for Graviton groups", () => {
        expect(architectureWarning("capstan-prod-general", "arm64")).toMatch(/linux\/arm64/);
        expect(architectureWarning("capstan-prod-general", "x86_64")).toBeUndefined();
    });
});
