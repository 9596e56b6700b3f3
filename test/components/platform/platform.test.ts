import { describe, expect, it } from "vitest";
import { CHARTS, EKS_AMI_RELEASES } from "../../../components/core/versions";
import type { ResourceTransformArgs } from "@pulumi/pulumi";
import { adoptAndRetain } from "../../../components/platform/nginxCrds";
import { ofType, render } from "../../harness";
import { inputs, prodConfig, useProdRender, type Any } from "../../prodRender";

const { prod: rendered, resources: all, byType, byId } = useProdRender();

describe("launch templates", () => {
    it("exist for every node group", () => {
        expect(
            byType("aws:ec2/launchTemplate:LaunchTemplate")
                .map((r) => r.name)
                .sort(),
        ).toEqual(
            prodConfig()
                ["capstan:nodeGroups"].map((g: Any) => `capstan-prod-${g.name}`)
                .sort(),
        );
    });

    it.each(["general", "workers"])(
        "%s: IMDSv2 required with hop limit 1, encrypted gp3 root volume, no public IP, the pinned AL2023 AMI release",
        (group) => {
            const lt = inputs(
                byType("aws:ec2/launchTemplate:LaunchTemplate").find((r) => r.name === `capstan-prod-${group}`)!,
            );
            expect(lt.metadataOptions).toMatchObject({
                httpTokens: "required",
                httpPutResponseHopLimit: 1,
                httpEndpoint: "enabled",
            });
            expect(lt.blockDeviceMappings).toHaveLength(1);
            expect(lt.blockDeviceMappings[0].ebs).toMatchObject({ encrypted: "true", volumeType: "gp3" });
            expect(lt.networkInterfaces.map((n: Any) => n.associatePublicIpAddress)).toEqual(["false"]);
            expect(lt.imageId).toBe(
                `resolve:ssm:/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/amazon-eks-node-al2023-x86_64-standard-1.34-${EKS_AMI_RELEASES["1.34"]}/image_id`,
            );
        },
    );

    it("change their AMI only through config: a new release is a new launch template, and nothing else changes", async () => {
        const bumped = await render("prod", {
            overrides: { "capstan:cluster": { ...prodConfig()["capstan:cluster"], amiRelease: "v20261104" } },
        });
        const before = new Map(rendered().plan.resources.map((r) => [r.urn, JSON.stringify(r.inputs)]));
        const changed = bumped.plan.resources.filter((r) => before.get(r.urn) !== JSON.stringify(r.inputs));
        expect(changed.map((r) => r.type)).toEqual([
            "aws:ec2/launchTemplate:LaunchTemplate",
            "aws:ec2/launchTemplate:LaunchTemplate",
        ]);
        for (const lt of changed)
            expect(String(lt.inputs.imageId)).toContain(
                "amazon-eks-node-al2023-x86_64-standard-1.34-v20261104/image_id",
            );
    });

    it("carry nodeadm user data with the group's labels and taints", () => {
        const lt = inputs(
            byType("aws:ec2/launchTemplate:LaunchTemplate").find((r) => r.name === "capstan-prod-workers")!,
        );
        const text = Buffer.from(lt.userData, "base64").toString();
        expect(text).toContain("Content-Type: application/node.eks.aws");
        const nodeConfig = JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1));
        expect(nodeConfig.kind).toBe("NodeConfig");
        expect(nodeConfig.spec.cluster).toMatchObject({ name: "capstan-prod", cidr: "172.20.0.0/16" });
        expect(nodeConfig.spec.cluster.apiServerEndpoint).toMatch(/^https:\/\//);
        expect(nodeConfig.spec.kubelet.flags).toEqual([
            "--node-labels=role=workers",
            "--register-with-taints=role=workers:NoSchedule",
        ]);
    });
});

describe("the cluster", () => {
    const cluster = () => byType("aws:eks/cluster:Cluster")[0];

    it("keeps the endpoint private, public only to the configured networks", () => {
        const vpc = inputs(cluster()).vpcConfig;
        expect(vpc.endpointPrivateAccess).toBe(true);
        expect(vpc.publicAccessCidrs).toEqual(prodConfig()["capstan:cluster"].publicAccessCidrs);
        expect(vpc.publicAccessCidrs).not.toContain("0.0.0.0/0");
    });

    it("turns the public endpoint off when no network is listed", async () => {
        const values = prodConfig();
        const r = await render("prod", {
            overrides: { "capstan:cluster": { ...values["capstan:cluster"], publicAccessCidrs: [] } },
        });
        const vpc = inputs(ofType(r.result.resources, "aws:eks/cluster:Cluster")[0]).vpcConfig;
        expect(vpc.endpointPublicAccess).toBe(false);
        expect(vpc.publicAccessCidrs).toBeUndefined();
    });

    it("ships every control-plane log type, encrypts secrets with a rotating key, uses access entries", () => {
        const c = inputs(cluster());
        // Every type EKS offers: audit and authenticator answer "who did what"; api, controllerManager
        // and scheduler explain a failed rollout or a pod that never got a node.
        expect([...c.enabledClusterLogTypes].sort()).toEqual([
            "api",
            "audit",
            "authenticator",
            "controllerManager",
            "scheduler",
        ]);
        const key = byType("aws:kms/key:Key")[0];
        expect(c.encryptionConfig).toEqual({ provider: { keyArn: key.state.arn }, resources: ["secrets"] });
        expect(inputs(key).enableKeyRotation).toBe(true);
        expect(c.accessConfig.authenticationMode).toBe("API");
        expect(c.version).toBe("1.34");
    });

    it("protects the cluster and the key", () => {
        expect(cluster().protect).toBe(true);
        const secretsKey = byType("aws:kms/key:Key").filter((k) => k.name.endsWith("-secrets"));
        expect(secretsKey.map((k) => k.protect)).toEqual([true]);
    });

    it("installs the VPC CNI, kube-proxy and CoreDNS add-ons, CoreDNS after the node groups", () => {
        const addons = byType("aws:eks/addon:Addon");
        expect(addons.map((a) => inputs(a).addonName).sort()).toEqual(["coredns", "kube-proxy", "vpc-cni"]);
        const coreDns = addons.find((a) => inputs(a).addonName === "coredns")!;
        const groups = byType("capstan:aws:NodeGroup").map((g) => g.urn);
        expect([...coreDns.dependsOn].sort()).toEqual(groups.sort());
    });

    it("gives each node role an EC2_LINUX access entry", () => {
        const entries = byType("aws:eks/accessEntry:AccessEntry")
            .map(inputs)
            .filter((e) => e.type === "EC2_LINUX");
        const nodeRoles = byType("aws:iam/role:Role")
            .filter((r) => r.name.endsWith("-node"))
            .map((r) => r.state.arn);
        expect(entries.map((e) => e.principalArn).sort()).toEqual(nodeRoles.sort());
    });

    it("exports a secret kubeconfig that authenticates with aws eks get-token", () => {
        const kc = rendered().result.outputs.kubeconfig as Any;
        expect(Object.keys(kc)).toContain("value"); // recorded as a secret
        const config = JSON.parse(kc.value);
        expect(config.users[0].user.exec.command).toBe("aws");
        expect(config.users[0].user.exec.args.slice(0, 2)).toEqual(["eks", "get-token"]);
        expect(rendered().plan.outputs.kubeconfig).toBe("[secret]");
    });

    it("has every Kubernetes resource use the cluster's provider, the CRDs a provider of the same cluster that may adopt them", () => {
        const [main, crds] = ["capstan-prod-k8s", "capstan-prod-nginx-crds"].map((n) =>
            byType("pulumi:providers:kubernetes").find((p) => p.name === n)!,
        );
        expect(JSON.stringify(inputs(crds).kubeconfig)).toBe(JSON.stringify(inputs(main).kubeconfig));
        expect(inputs(crds)).toMatchObject({ enableServerSideApply: "true" });
        const k8s = all().filter((r) => r.type.startsWith("kubernetes:"));
        expect(k8s.length).toBeGreaterThan(0);
        for (const r of k8s)
            expect(r.provider, r.name).toBe(r.type === "kubernetes:yaml/v2:ConfigFile" ? crds.urn : main.urn);
    });

    it("a chart bump brings the NGINX CRDs up to date: they come from the chart's controller release, Helm installs none, and the controllers wait for them", () => {
        const file = inputs(byType("kubernetes:yaml/v2:ConfigFile")[0]).file;
        expect(file).toBe(
            `https://raw.githubusercontent.com/nginx/kubernetes-ingress/v${CHARTS.nginxIngress.appVersion}/deploy/crds.yaml`,
        );
        const crds = byType("capstan:platform:NginxCrds")[0].urn;
        for (const r of byType("kubernetes:helm.sh/v3:Release").filter((r) => inputs(r).chart === "nginx-ingress"))
            expect(inputs(r).skipCrds, r.name).toBe(true);
        for (const c of byType("capstan:platform:IngressController")) expect(c.dependsOn, c.name).toContain(crds);
    });
});

describe("node groups and cluster-autoscaler", () => {
    const autoscalerValues = () =>
        inputs(byType("kubernetes:helm.sh/v3:Release").find((r) => r.name === "capstan-prod-autoscaler")!).values;

    it("tag every ASG with exactly the tags the autoscaler discovers", () => {
        const discovery = autoscalerValues().autoDiscovery;
        expect(discovery.clusterName).toBe("capstan-prod");
        // The chart turns each into a tag filter: an ASG lacking one is never scaled.
        expect([...discovery.tags].sort()).toEqual([
            "k8s.io/cluster-autoscaler/capstan-prod",
            "k8s.io/cluster-autoscaler/enabled",
        ]);
        const asgs = byType("aws:autoscaling/group:Group");
        expect(asgs).toHaveLength(2);
        for (const asg of asgs) {
            const tags = Object.fromEntries((inputs(asg).tags as Any[]).map((t) => [t.key, t.value]));
            expect(tags["k8s.io/cluster-autoscaler/enabled"], asg.name).toBe("true");
            expect(tags["k8s.io/cluster-autoscaler/capstan-prod"], asg.name).toBe("owned");
        }
    });

    it("tags the node template's labels and taints, so a group can scale from zero", () => {
        const workers = byType("aws:autoscaling/group:Group").find((r) => r.name === "capstan-prod-workers")!;
        const tags = Object.fromEntries((inputs(workers).tags as Any[]).map((t) => [t.key, t.value]));
        expect(tags["k8s.io/cluster-autoscaler/node-template/label/role"]).toBe("workers");
        expect(tags["k8s.io/cluster-autoscaler/node-template/taint/role"]).toBe("workers:NoSchedule");
    });

    it.each(["general", "workers"])(
        "%s: min and max from config, the desired size ignored after creation, refreshed on template change, in the private subnets",
        (group) => {
            const asg = byType("aws:autoscaling/group:Group").find((r) => r.name === `capstan-prod-${group}`)!;
            const cfg = prodConfig()["capstan:nodeGroups"].find((g: Any) => g.name === group);
            expect(inputs(asg)).toMatchObject({
                minSize: cfg.minSize,
                maxSize: cfg.maxSize,
                desiredCapacity: cfg.minSize,
            });
            expect(asg.ignoreChanges).toEqual(["desiredCapacity"]);
            expect(inputs(asg).instanceRefresh.strategy).toBe("Rolling");
            expect(
                (inputs(asg).vpcZoneIdentifiers as string[])
                    .map((id) => byId(id)!.name)
                    .every((n) => n.includes("-private-")),
            ).toBe(true);
            expect(inputs(asg).mixedInstancesPolicy.launchTemplate.overrides.map((o: Any) => o.instanceType)).toEqual(
                cfg.instanceTypes,
            );
        },
    );

    it("the autoscaler may only resize groups tagged for this cluster, balances similar groups, and runs the cluster's minor", () => {
        const policy = JSON.parse(
            inputs(byType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "capstan-prod-autoscaler")!).policy,
        );
        const write = policy.Statement.find((s: Any) => s.Action.includes("autoscaling:SetDesiredCapacity"));
        expect(write.Condition).toEqual({
            StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/capstan-prod": "owned" },
        });
        for (const s of policy.Statement.filter((s: Any) => s !== write))
            expect(s.Action.every((a: string) => /:(Describe|Get)/.test(a))).toBe(true);
        expect(autoscalerValues().extraArgs["balance-similar-node-groups"]).toBe(true);
        expect(autoscalerValues().image.tag).toMatch(/^v1\.34\./);
    });
});

describe("node replacement drains first", () => {
    const asgs = () => byType("aws:autoscaling/group:Group");
    const handler = () =>
        inputs(
            byType("kubernetes:helm.sh/v3:Release").find((r) => r.name === "capstan-prod-node-termination-handler")!,
        );

    it("every Auto Scaling group suspends AZRebalance, which would replace nodes behind cluster-autoscaler's back", () => {
        expect(asgs()).toHaveLength(2);
        for (const asg of asgs()) expect(inputs(asg).suspendedProcesses, asg.name).toContain("AZRebalance");
    });

    it("every Auto Scaling group holds a terminating instance until its node is drained (termination lifecycle hook)", () => {
        const hooks = byType("aws:autoscaling/lifecycleHook:LifecycleHook").map(inputs);
        for (const asg of asgs()) {
            const hook = hooks.find((h) => h.autoscalingGroupName === asg.state.name);
            expect(hook, asg.name).toBeDefined();
            expect(hook).toMatchObject({
                lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
                defaultResult: "CONTINUE",
            });
            expect(hook!.heartbeatTimeout).toBeGreaterThanOrEqual(300);
            const tags = Object.fromEntries((inputs(asg).tags as Any[]).map((t) => [t.key, t]));
            expect(
                tags["aws-node-termination-handler/managed"],
                `${asg.name}: its instances are not the handler's`,
            ).toMatchObject({ propagateAtLaunch: true });
        }
    });

    it("this cluster's lifecycle actions reach the queue the handler reads, and only EventBridge may send to it", () => {
        const queue = byType("aws:sqs/queue:Queue").find((q) => q.name === "capstan-prod-drain")!;
        const rules = byType("aws:cloudwatch/eventRule:EventRule").filter((r) => r.name.startsWith("capstan-prod-"));
        const lifecycle = rules.find(
            (r) => JSON.parse(inputs(r).eventPattern)["detail-type"][0] === "EC2 Instance-terminate Lifecycle Action",
        )!;
        expect(JSON.parse(inputs(lifecycle).eventPattern).detail.AutoScalingGroupName.sort()).toEqual(
            asgs()
                .map((a) => a.state.name)
                .sort(),
        );
        const targets = byType("aws:cloudwatch/eventTarget:EventTarget").map(inputs);
        for (const rule of rules)
            expect(targets.find((t) => t.rule === rule.state.name)?.arn, rule.name).toBe(queue.state.arn);
        const policy = JSON.parse(inputs(byType("aws:sqs/queuePolicy:QueuePolicy")[0]).policy);
        expect(policy.Statement[0]).toMatchObject({
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: queue.state.arn,
        });
        expect(policy.Statement[0].Condition.ArnEquals["aws:SourceArn"].sort()).toEqual(
            rules.map((r) => r.state.arn).sort(),
        );
        expect(handler().values).toMatchObject({
            enableSqsTerminationDraining: true,
            queueURL: queue.state.url,
            awsRegion: "eu-central-1",
            podTerminationGracePeriod: -1,
        });
    });

    it("the handler gives up a drain before the hook times out, and may complete lifecycle actions only in this cluster's groups", () => {
        const hook = inputs(byType("aws:autoscaling/lifecycleHook:LifecycleHook")[0]);
        expect(handler().values.nodeTerminationGracePeriod).toBeLessThan(hook.heartbeatTimeout);
        const role = byType("aws:iam/role:Role").find((r) => r.name === "capstan-prod-nth")!;
        expect(handler().values.serviceAccount.annotations["eks.amazonaws.com/role-arn"]).toBe(role.state.arn);
        const policy = JSON.parse(
            inputs(byType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "capstan-prod-nth")!).policy,
        );
        const complete = policy.Statement.find((s: Any) => s.Action.includes("autoscaling:CompleteLifecycleAction"));
        expect(complete.Condition).toEqual({
            StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/capstan-prod": "owned" },
        });
    });
});

describe("Helm releases and IRSA", () => {
    it("pin every chart version and repository", () => {
        const releases = byType("kubernetes:helm.sh/v3:Release").map(inputs);
        expect(releases).toHaveLength(8);
        const pinned = Object.values(CHARTS).map((c) => `${c.repo}/${c.chart} ${c.version}`);
        // An OCI chart is named by its full reference; a repository chart by repository and name.
        const reference = (r: Any) => (r.repositoryOpts ? `${r.repositoryOpts.repo}/${r.chart}` : r.chart);
        for (const r of releases) {
            expect(r.version).toMatch(/^\d+\.\d+\.\d+$/);
            expect(pinned).toContain(`${reference(r)} ${r.version}`);
        }
        expect(releases.map((r) => reference(r).split("/").pop()).sort()).toEqual([
            "aws-node-termination-handler",
            "cluster-autoscaler",
            "fluent-bit",
            "kube-state-metrics",
            "metrics-server",
            "nginx-ingress",
            "nginx-ingress",
            "prometheus-node-exporter",
        ]);
    });

    it.each([
        ["capstan-prod-vpc-cni", "kube-system", "aws-node"],
        ["capstan-prod-autoscaler", "kube-system", "cluster-autoscaler"],
        ["capstan-prod-nth", "kube-system", "aws-node-termination-handler"],
    ])("%s trusts exactly the service account %s/%s, through the cluster's OIDC provider", (role, ns, sa) => {
        const trust = JSON.parse(
            inputs(byType("aws:iam/role:Role").find((r) => r.name === role)!).assumeRolePolicy as string,
        );
        const issuer = rendered().result.outputs.oidcIssuer as string;
        expect(trust.Statement).toHaveLength(1);
        expect(trust.Statement[0].Principal.Federated).toBe(rendered().result.outputs.oidcProviderArn);
        expect(trust.Statement[0].Condition).toEqual({
            StringEquals: {
                [`${issuer}:sub`]: `system:serviceaccount:${ns}:${sa}`,
                [`${issuer}:aud`]: "sts.amazonaws.com",
            },
        });
    });

    it("the autoscaler's service account carries its role", () => {
        const values = inputs(
            byType("kubernetes:helm.sh/v3:Release").find((r) => r.name === "capstan-prod-autoscaler")!,
        ).values;
        const role = byType("aws:iam/role:Role").find((r) => r.name === "capstan-prod-autoscaler")!;
        expect(values.rbac.serviceAccount).toMatchObject({
            name: "cluster-autoscaler",
            annotations: { "eks.amazonaws.com/role-arn": role.state.arn },
        });
    });
});

describe("the network", () => {
    it.each([
        ["perZone", 3],
        ["single", 1],
    ])("natGateways %s gives %i NAT gateways, and every private subnet a route through one", async (mode, count) => {
        const values = prodConfig();
        const r = await render("prod", {
            overrides: { "capstan:network": { ...values["capstan:network"], natGateways: mode } },
        });
        expect(ofType(r.result.resources, "aws:ec2/natGateway:NatGateway")).toHaveLength(count);
        const natIds = ofType(r.result.resources, "aws:ec2/natGateway:NatGateway").map((n) => n.id);
        const privateTables = ofType(r.result.resources, "aws:ec2/routeTable:RouteTable").filter((t) =>
            t.name.includes("-private-"),
        );
        expect(privateTables).toHaveLength(3);
        for (const t of privateTables) expect(natIds).toContain(inputs(t).routes[0].natGatewayId);
    });

    it("tags public subnets for internet-facing and private ones for internal load balancers", () => {
        for (const s of byType("aws:ec2/subnet:Subnet")) {
            const tags = inputs(s).tags as Any;
            expect(tags["kubernetes.io/cluster/capstan-prod"]).toBe("shared");
            if (s.name.includes("-public-")) expect(tags["kubernetes.io/role/elb"]).toBe("1");
            else expect(tags["kubernetes.io/role/internal-elb"]).toBe("1");
        }
    });
});

describe("the VPC CNI", () => {
    it("enforces NetworkPolicies, which a tenant's isolation depends on", () => {
        const cni = byType("aws:eks/addon:Addon")
            .map(inputs)
            .find((a) => a.addonName === "vpc-cni")!;
        expect(JSON.parse(cni.configurationValues)).toMatchObject({ enableNetworkPolicy: "true" });
    });
});

describe("the NGINX CRDs' transform", () => {
    const crd = {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: {
            name: "virtualservers.k8s.nginx.org",
            annotations: { "controller-gen.kubebuilder.io/version": "v0.16" },
        },
    };
    const applied = adoptAndRetain({
        type: "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition",
        name: "virtualservers.k8s.nginx.org",
        props: crd,
        opts: {},
    } as unknown as ResourceTransformArgs) as { props: typeof crd; opts: { retainOnDelete?: boolean } };

    it("forces the apply over Helm's field manager, keeping the CRD's own annotations", () => {
        expect(applied.props.metadata.annotations).toEqual({
            "controller-gen.kubebuilder.io/version": "v0.16",
            "pulumi.com/patchForce": "true",
        });
        expect(applied.props.metadata.name).toBe("virtualservers.k8s.nginx.org");
    });

    it("never deletes a CRD", () => {
        expect(applied.opts.retainOnDelete).toBe(true);
    });
});
