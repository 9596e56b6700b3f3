import { describe, expect, it } from "vitest";
import { resourceRules, runPolicies, stackRules, type PolicyInput } from "../../policy/rules";
import { parseImage } from "../../policy/rules/images";
import { committedStacks, render } from "../harness";

// ---------- compliant resources, one of each kind the rules look at ----------

const securePod = (image = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/phraseapp:2026.11.20-4f2c9e1") => ({
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [
        {
            name: "web",
            image,
            ports: [{ containerPort: 3000 }],
            readinessProbe: { httpGet: { path: "/up", port: 3000 } },
            livenessProbe: { httpGet: { path: "/up", port: 3000 } },
            resources: { requests: { cpu: "250m", memory: "768Mi" }, limits: { memory: "768Mi" } },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        },
    ],
});

function good(): PolicyInput[] {
    const meta = (name: string) => ({ name, namespace: "phraseapp" });
    return [
        {
            type: "kubernetes:apps/v1:Deployment",
            urn: "urn:deployment",
            name: "phraseapp-web",
            props: {
                apiVersion: "apps/v1",
                kind: "Deployment",
                metadata: meta("phraseapp-web"),
                spec: {
                    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                    template: { spec: securePod() },
                },
            },
        },
        {
            type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
            urn: "urn:hpa",
            name: "phraseapp-web",
            props: {
                metadata: meta("phraseapp-web"),
                spec: {
                    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "phraseapp-web" },
                    minReplicas: 2,
                    maxReplicas: 4,
                },
            },
        },
        {
            type: "kubernetes:batch/v1:CronJob",
            urn: "urn:cronjob",
            name: "phraseapp-cron-cleanup",
            props: {
                metadata: meta("phraseapp-cron-cleanup"),
                spec: {
                    schedule: "15 3 * * *",
                    concurrencyPolicy: "Forbid",
                    jobTemplate: { spec: { template: { spec: securePod() } } },
                },
            },
        },
        {
            type: "kubernetes:batch/v1:Job",
            urn: "urn:job",
            name: "phraseapp-migrate",
            props: {
                metadata: meta("phraseapp-migrate-4f2c9e10"),
                spec: { template: { spec: securePod("registry.example.com:5000/phraseapp@sha256:0123456789abcdef") } },
            },
        },
        {
            type: "aws:ec2/launchTemplate:LaunchTemplate",
            urn: "urn:lt",
            props: {
                metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 },
                blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeType: "gp3" } }],
            },
        },
        {
            type: "aws:eks/cluster:Cluster",
            urn: "urn:cluster",
            props: {
                vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
                enabledClusterLogTypes: ["api", "audit", "authenticator"],
            },
        },
        {
            type: "aws:ec2/securityGroup:SecurityGroup",
            urn: "urn:sg",
            props: {
                ingress: [
                    { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
                    { protocol: "tcp", fromPort: 30000, toPort: 32767, cidrBlocks: ["10.20.0.0/16"] },
                ],
            },
        },
        {
            type: "aws:ec2/securityGroupRule:SecurityGroupRule",
            urn: "urn:sgr",
            props: { type: "egress", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] },
        },
        {
            type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            urn: "urn:sgir",
            props: { ipProtocol: "tcp", fromPort: 30080, toPort: 30080, referencedSecurityGroupId: "sg-0123" },
        },
    ];
}

/** The compliant set with one resource changed by `mutate`. */
function withChange(urn: string, mutate: (props: any) => void): PolicyInput[] {
    return good().map((r) => {
        if (r.urn !== urn) return r;
        const props = structuredClone(r.props);
        mutate(props);
        return { ...r, props };
    });
}

const web = (p: any) => p.spec.template.spec.containers[0];
const cron = (p: any) => p.spec.jobTemplate.spec.template.spec;

describe("the policy pack", () => {
    it("passes the compliant resources of every kind it checks", () => {
        expect(runPolicies(good())).toEqual([]);
    });

    it.each(committedStacks())("passes every resource of the committed stack %s", async (stack) => {
        const rendered = await render(stack);
        const resources = rendered.plan.resources.map((r) => ({
            type: r.type,
            props: r.inputs,
            urn: r.urn,
            name: r.name,
        }));
        expect(runPolicies(resources)).toEqual([]);
    });

    it.each<[string, string | string[], string, (p: any) => void]>([
        [
            "an untagged image",
            "pinned-image-tags",
            "urn:deployment",
            (p) => (web(p).image = "registry.example.com:5000/phraseapp"),
        ],
        [
            "the latest tag",
            "pinned-image-tags",
            "urn:cronjob",
            (p) => (cron(p).containers[0].image = "phraseapp:latest"),
        ],
        [
            "an untagged init container",
            "pinned-image-tags",
            "urn:job",
            (p) =>
                (p.spec.template.spec.initContainers = [
                    { ...p.spec.template.spec.containers[0], name: "setup", image: "busybox" },
                ]),
        ],
        [
            "a container without a CPU request",
            "container-resources",
            "urn:deployment",
            (p) => delete web(p).resources.requests.cpu,
        ],
        [
            "a container without a memory limit",
            "container-resources",
            "urn:job",
            (p) => delete p.spec.template.spec.containers[0].resources.limits,
        ],
        [
            "a container without resources",
            "container-resources",
            "urn:cronjob",
            (p) => delete cron(p).containers[0].resources,
        ],
        [
            "a web container without a readiness probe",
            "web-probes",
            "urn:deployment",
            (p) => delete web(p).readinessProbe,
        ],
        [
            "a web container without a liveness probe",
            "web-probes",
            "urn:deployment",
            (p) => delete web(p).livenessProbe,
        ],
        ["replicas on an HPA-managed Deployment", "hpa-owns-replicas", "urn:deployment", (p) => (p.spec.replicas = 2)],
        ["no rolling-update settings", "zero-max-unavailable", "urn:deployment", (p) => delete p.spec.strategy],
        [
            "maxUnavailable 25%",
            "zero-max-unavailable",
            "urn:deployment",
            (p) => (p.spec.strategy.rollingUpdate.maxUnavailable = "25%"),
        ],
        [
            "the Recreate strategy",
            "zero-max-unavailable",
            "urn:deployment",
            (p) => (p.spec.strategy = { type: "Recreate" }),
        ],
        [
            "a CronJob that allows overlapping runs",
            "cronjob-forbid-concurrency",
            "urn:cronjob",
            (p) => (p.spec.concurrencyPolicy = "Allow"),
        ],
        [
            "a CronJob without a concurrency policy",
            "cronjob-forbid-concurrency",
            "urn:cronjob",
            (p) => delete p.spec.concurrencyPolicy,
        ],
        [
            "privilege escalation allowed",
            "restricted-pod-security",
            "urn:deployment",
            (p) => delete web(p).securityContext.allowPrivilegeEscalation,
        ],
        [
            "capabilities not dropped",
            "restricted-pod-security",
            "urn:cronjob",
            (p) => (cron(p).containers[0].securityContext.capabilities = { drop: ["NET_RAW"] }),
        ],
        [
            "an added capability",
            "restricted-pod-security",
            "urn:deployment",
            (p) => (web(p).securityContext.capabilities.add = ["SYS_ADMIN"]),
        ],
        [
            "a pod that may run as root",
            "restricted-pod-security",
            "urn:job",
            (p) => delete p.spec.template.spec.securityContext.runAsNonRoot,
        ],
        ["user 0", "restricted-pod-security", "urn:deployment", (p) => (web(p).securityContext.runAsUser = 0)],
        [
            "no seccomp profile",
            "restricted-pod-security",
            "urn:deployment",
            (p) => delete p.spec.template.spec.securityContext.seccompProfile,
        ],
        [
            "a privileged container",
            "restricted-pod-security",
            "urn:deployment",
            (p) => (web(p).securityContext.privileged = true),
        ],
        [
            "the host network",
            "restricted-pod-security",
            "urn:deployment",
            (p) => (p.spec.template.spec.hostNetwork = true),
        ],
        [
            "a hostPath volume",
            "restricted-pod-security",
            "urn:deployment",
            (p) => (p.spec.template.spec.volumes = [{ name: "docker", hostPath: { path: "/var/run/docker.sock" } }]),
        ],
        ["IMDSv1 allowed", "launch-template-imdsv2", "urn:lt", (p) => (p.metadataOptions.httpTokens = "optional")],
        ["no metadata options", "launch-template-imdsv2", "urn:lt", (p) => delete p.metadataOptions],
        [
            "an unencrypted volume",
            "launch-template-encrypted-volumes",
            "urn:lt",
            (p) => (p.blockDeviceMappings[0].ebs.encrypted = "false"),
        ],
        ["no declared volumes", "launch-template-encrypted-volumes", "urn:lt", (p) => delete p.blockDeviceMappings],
        [
            "an inline rule opening the NodePorts to the world",
            "no-world-open-nodeports",
            "urn:sg",
            (p) => (p.ingress[1].cidrBlocks = ["0.0.0.0/0"]),
        ],
        [
            "an inline all-traffic rule from IPv6 anywhere",
            ["no-world-open-nodeports", "no-world-open-data-ports"],
            "urn:sg",
            (p) => p.ingress.push({ protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] }),
        ],
        [
            "a SecurityGroupRule opening one NodePort",
            "no-world-open-nodeports",
            "urn:sgr",
            (p) => Object.assign(p, { type: "ingress", protocol: "tcp", fromPort: 30443, toPort: 30443 }),
        ],
        [
            "a SecurityGroupIngressRule from anywhere",
            "no-world-open-nodeports",
            "urn:sgir",
            (p) => (p.cidrIpv4 = "0.0.0.0/0"),
        ],
        [
            "a SecurityGroupIngressRule for all protocols",
            ["no-world-open-nodeports", "no-world-open-data-ports"],
            "urn:sgir",
            (p) => Object.assign(p, { ipProtocol: "-1", fromPort: undefined, toPort: undefined, cidrIpv6: "::/0" }),
        ],
        [
            "an endpoint public to the world",
            "eks-endpoint-not-world-public",
            "urn:cluster",
            (p) => (p.vpcConfig.publicAccessCidrs = ["0.0.0.0/0"]),
        ],
        [
            "an endpoint public to two halves of the internet",
            "eks-endpoint-not-world-public",
            "urn:cluster",
            (p) => (p.vpcConfig.publicAccessCidrs = ["0.0.0.0/1", "128.0.0.0/1"]),
        ],
        [
            "an endpoint public to overlapping blocks covering the internet",
            "eks-endpoint-not-world-public",
            "urn:cluster",
            (p) => (p.vpcConfig.publicAccessCidrs = ["0.0.0.0/2", "0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/2"]),
        ],
        [
            "an endpoint public to all of IPv6 in halves",
            "eks-endpoint-not-world-public",
            "urn:cluster",
            (p) => (p.vpcConfig.publicAccessCidrs = ["203.0.113.0/24", "::/1", "8000::/1"]),
        ],
        [
            "a public endpoint without CIDRs",
            "eks-endpoint-not-world-public",
            "urn:cluster",
            (p) => delete p.vpcConfig.publicAccessCidrs,
        ],
        ["a public endpoint by default", "eks-endpoint-not-world-public", "urn:cluster", (p) => (p.vpcConfig = {})],
        ["no control-plane logs", "eks-control-plane-logging", "urn:cluster", (p) => delete p.enabledClusterLogTypes],
        ["no audit log", "eks-control-plane-logging", "urn:cluster", (p) => (p.enabledClusterLogTypes = ["api"])],
    ])("reports %s (%s)", (_what, policy, urn, mutate) => {
        const findings = runPolicies(withChange(urn, mutate));
        expect(findings.length).toBeGreaterThan(0);
        // All traffic from anywhere also opens the database and cache ports: both rules report it.
        expect([...new Set(findings.map((f) => f.policy))].sort()).toEqual([policy].flat().sort());
        for (const f of findings) expect(f.urn).toBe(urn);
        for (const f of findings) expect(f.message.length).toBeGreaterThan(20);
    });

    it("finds the Deployment an HPA scales when Kubernetes auto-names it", () => {
        const resources = good().map((r) => {
            if (r.urn === "urn:deployment")
                return {
                    ...r,
                    props: {
                        ...r.props,
                        metadata: { namespace: "phraseapp" },
                        spec: { ...(r.props.spec as object), replicas: 3 },
                    },
                };
            if (r.urn === "urn:hpa")
                return {
                    ...r,
                    props: {
                        ...r.props,
                        spec: {
                            ...(r.props.spec as object),
                            scaleTargetRef: { kind: "Deployment", name: "phraseapp-web-1a2b3c4d" },
                        },
                    },
                };
            return r;
        });
        expect(runPolicies(resources).map((f) => f.policy)).toEqual(["hpa-owns-replicas"]);
    });

    it("lets a Deployment no HPA scales set replicas", () => {
        const resources = withChange("urn:deployment", (p) => (p.spec.replicas = 1)).filter((r) => r.urn !== "urn:hpa");
        expect(runPolicies(resources)).toEqual([]);
    });

    it.each([
        ["phraseapp:1.2.3", { repository: "phraseapp", tag: "1.2.3" }],
        ["registry.example.com:5000/team/phraseapp", { repository: "registry.example.com:5000/team/phraseapp" }],
        [
            "registry.example.com:5000/phraseapp:v2@sha256:abc",
            { repository: "registry.example.com:5000/phraseapp", tag: "v2", digest: "sha256:abc" },
        ],
    ])("reads the image reference %s", (image, ref) => {
        expect(parseImage(image)).toEqual({ digest: undefined, tag: undefined, ...ref });
    });

    it("has unique policy names", () => {
        const names = [...resourceRules, ...stackRules].map((r) => r.name);
        expect(new Set(names).size).toBe(names.length);
    });
});
