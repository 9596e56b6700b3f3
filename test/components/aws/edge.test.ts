import { describe, expect, it } from "vitest";
import { TARGET_HEALTH_CHECK, TLS_POLICY, unhealthyAfterSeconds } from "../../../components/aws/edgeLoadBalancer";
import { HEALTH_STATUS_PATH, OFFLOADED_LISTENER } from "../../../components/platform/ingressContract";
import { inputs, prodConfig, useProdRender, type Any } from "../../prodRender";

const { prod, resources: all, byType, byId } = useProdRender();

/** The Service the load balancer of a controller class reaches it through, from manifests.yaml. */
const controllerService = (cls: string) =>
    (prod().manifests as Any[]).find((o) => o.kind === "Service" && o.metadata.name === `nginx-${cls}-edge`)!;
const nodePortOf = (cls: string, port: string) =>
    controllerService(cls).spec.ports.find((p: Any) => p.name === port).nodePort as number;
const targetGroupsOf = (cls: string) =>
    byType("aws:lb/targetGroup:TargetGroup")
        .filter((r) => r.name.startsWith(`capstan-prod-${cls}-`))
        .map(inputs);

describe("security groups", () => {
    /** The NodePorts of both controllers' Services, the health check's included. */
    const nodePorts = () =>
        ["public", "internal"].flatMap((cls) => [
            ...controllerService(cls).spec.ports.map((p: Any) => p.nodePort),
            controllerService(cls).spec.healthCheckNodePort,
        ]) as number[];
    const covers = (rule: Any, port: number) =>
        rule.ipProtocol === "-1" || (rule.fromPort <= port && port <= rule.toPort);

    it("no NodePort is reachable from 0.0.0.0/0", () => {
        const open = byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
            .map(inputs)
            .filter((r) => r.cidrIpv4 === "0.0.0.0/0");
        expect(open.length).toBeGreaterThan(0); // the public listeners are open, on 80 and 443 only
        for (const rule of open) {
            expect(rule.ipProtocol).toBe("tcp");
            expect(rule.toPort).toBeLessThan(30000);
        }
    });

    it("NodePorts are reachable from the load balancers' security groups, and from nothing else outside the nodes", () => {
        const nodeSg = byType("aws:ec2/securityGroup:SecurityGroup").find((r) => r.name === "capstan-prod-nodes")!;
        const lbSgs = byType("aws:ec2/securityGroup:SecurityGroup")
            .filter((r) => r.name.endsWith("-lb"))
            .map((r) => r.id);
        expect(lbSgs).toHaveLength(2);
        const rules = byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
            .map(inputs)
            .filter((r) => r.securityGroupId === nodeSg.id);
        expect(nodePorts()).toHaveLength(6);
        for (const port of nodePorts()) {
            const reaching = rules.filter((r) => covers(r, port));
            const sources = reaching.map((r) => r.referencedSecurityGroupId);
            expect(sources.some((s) => lbSgs.includes(s))).toBe(true);
            for (const s of sources) expect([...lbSgs, nodeSg.id]).toContain(s);
            expect(reaching.every((r) => r.cidrIpv4 === undefined)).toBe(true);
        }
    });

    it("the control plane reaches the kubelets and the nodes reach the API", () => {
        const sg = (name: string) => byType("aws:ec2/securityGroup:SecurityGroup").find((r) => r.name === name)!.id;
        const rules = byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(inputs);
        const has = (to: string, from: string, port: number) =>
            rules.some(
                (r) => r.securityGroupId === sg(to) && r.referencedSecurityGroupId === sg(from) && covers(r, port),
            );
        expect(has("capstan-prod-nodes", "capstan-prod-control-plane", 10250)).toBe(true);
        expect(has("capstan-prod-nodes", "capstan-prod-control-plane", 443)).toBe(true);
        expect(has("capstan-prod-control-plane", "capstan-prod-nodes", 443)).toBe(true);
    });
});

describe("edge load balancers", () => {
    const controllerValues = (cls: string) =>
        inputs(byType("kubernetes:helm.sh/v3:Release").find((r) => r.name === `capstan-prod-ingress-${cls}`)!).values;

    it.each(["public", "internal"])("%s: the target group ports equal the controller Service's NodePorts", (cls) => {
        const service = controllerService(cls);
        const tgPorts = targetGroupsOf(cls).map((tg) => tg.port);
        expect(tgPorts.sort()).toEqual(service.spec.ports.map((p: Any) => p.nodePort).sort());
        expect(service.spec.ports.find((p: Any) => p.name === OFFLOADED_LISTENER.name)).toMatchObject({
            port: OFFLOADED_LISTENER.port,
            targetPort: OFFLOADED_LISTENER.port,
        });
        expect(controllerValues(cls).controller.service.create).toBe(false);
    });

    it.each([
        ["public", false],
        ["internal", true],
    ])(
        "%s: internal is %s, cross-zone on, TLS on 443 with the certificate, TCP on 80, each to its own NodePort",
        (cls, internal) => {
            const lb = byType("aws:lb/loadBalancer:LoadBalancer").find((r) => r.name === `capstan-prod-${cls}`)!;
            expect(inputs(lb)).toMatchObject({
                loadBalancerType: "network",
                internal,
                enableCrossZoneLoadBalancing: true,
            });
            const subnets = (inputs(lb).subnets as string[]).map((id) => byId(id)!.name);
            expect(subnets.every((n) => n.includes(internal ? "-private-" : "-public-"))).toBe(true);
            const listeners = byType("aws:lb/listener:Listener")
                .filter((r) => r.name.startsWith(`capstan-prod-${cls}-`))
                .map(inputs);
            const tgPort = (l: Any) =>
                inputs(
                    all().find(
                        (r) =>
                            r.type === "aws:lb/targetGroup:TargetGroup" &&
                            r.state.arn === l.defaultActions[0].targetGroupArn,
                    )!,
                ).port;
            const tls = listeners.find((l) => l.port === 443)!;
            const tcp = listeners.find((l) => l.port === 80)!;
            const entry = prodConfig()["capstan:ingress"][cls];
            expect(tls).toMatchObject({ protocol: "TLS", certificateArn: entry.certificateArn, sslPolicy: TLS_POLICY });
            expect(tcp.protocol).toBe("TCP");
            expect(tgPort(tcp)).toBe(nodePortOf(cls, "http"));
            expect(tgPort(tls)).toBe(nodePortOf(cls, OFFLOADED_LISTENER.name));
        },
    );

    it.each(["public", "internal"])(
        "%s: both target groups are checked on kube-proxy's health check of the controller Service, which fails once the node's controller pod is not ready or terminating",
        (cls) => {
            const spec = controllerService(cls).spec;
            // A healthCheckNodePort exists only for type LoadBalancer with externalTrafficPolicy Local;
            // the class keeps any load-balancer controller from creating a second load balancer.
            expect(spec).toMatchObject({ type: "LoadBalancer", externalTrafficPolicy: "Local" });
            expect(spec.loadBalancerClass).toMatch(/\S/);
            expect(controllerService(cls).metadata.annotations["pulumi.com/skipAwait"]).toBe("true");
            expect(spec.healthCheckNodePort).toBe(
                prodConfig()["capstan:ingress"][cls].nodePorts?.healthCheck ?? { public: 30090, internal: 30091 }[cls],
            );
            const groups = targetGroupsOf(cls);
            expect(groups).toHaveLength(2);
            for (const tg of groups) {
                expect(tg.healthCheck).toMatchObject({
                    protocol: "HTTP",
                    port: String(spec.healthCheckNodePort),
                    path: "/healthz",
                    matcher: "200",
                });
                // Not through a traffic port: there kube-proxy still forwards to a terminating pod, which answers 200.
                expect(spec.ports.map((p: Any) => String(p.nodePort))).not.toContain(tg.healthCheck.port);
            }
        },
    );

    it.each(["public", "internal"])(
        "%s: the https target group is checked on the Service that serves https, not through the http listener",
        (cls) => {
            const https = targetGroupsOf(cls).find((tg) => tg.port === nodePortOf(cls, OFFLOADED_LISTENER.name))!;
            expect(https.healthCheck.port).not.toBe(String(nodePortOf(cls, "http")));
            expect(https.healthCheck.port).toBe(String(controllerService(cls).spec.healthCheckNodePort));
            expect(controllerService(cls).spec.selector).toEqual({
                "app.kubernetes.io/name": "nginx-ingress",
                "app.kubernetes.io/instance": `nginx-${cls}`,
            });
        },
    );

    it("a stopping controller serves until the load balancer has stopped sending to its node, and an unhealthy node's open connections drain instead of being reset", () => {
        expect(unhealthyAfterSeconds()).toBe(
            TARGET_HEALTH_CHECK.intervalSeconds * (TARGET_HEALTH_CHECK.unhealthyThreshold + 1) + 2,
        );
        for (const cls of ["public", "internal"]) {
            const controller = controllerValues(cls).controller;
            for (const tg of targetGroupsOf(cls)) {
                const detection = tg.healthCheck.interval * (tg.healthCheck.unhealthyThreshold + 1);
                expect(controller.lifecycle.preStop.sleep.seconds).toBeGreaterThan(detection);
                expect(controller.lifecycle.preStop.sleep.seconds).toBeGreaterThan(tg.deregistrationDelay);
                expect(tg.targetHealthStates).toEqual([
                    { enableUnhealthyConnectionTermination: false, unhealthyDrainingInterval: tg.deregistrationDelay },
                ]);
            }
            expect(controller.terminationGracePeriodSeconds).toBeGreaterThan(
                controller.lifecycle.preStop.sleep.seconds,
            );
        }
    });

    it("the internal load balancer serves a client on its own node: no client IP preservation there (no hairpin), and no PROXY header, which its health checks would carry to kube-proxy", () => {
        for (const tg of targetGroupsOf("internal"))
            expect(tg).toMatchObject({ preserveClientIp: "false", proxyProtocolV2: false });
        // Internet clients are never the targets: the public entry keeps the client's address as the source.
        for (const tg of targetGroupsOf("public"))
            expect(tg).toMatchObject({ preserveClientIp: "true", proxyProtocolV2: false });
        for (const cls of ["public", "internal"])
            expect(controllerValues(cls).controller.config.entries["proxy-protocol"]).toBe("False");
    });

    it("every node group's ASG is registered in every target group", () => {
        const tgArns = byType("aws:lb/targetGroup:TargetGroup")
            .map((r) => r.state.arn)
            .sort();
        expect(tgArns).toHaveLength(4);
        for (const asg of byType("aws:autoscaling/group:Group"))
            expect([...(inputs(asg).targetGroupArns as string[])].sort()).toEqual(tgArns);
    });

    it.each(["public", "internal"])(
        "%s: an unknown Host on the offloaded listener gets the listener's own default server (404), never a tenant's app",
        (cls) => {
            const snippet: string = controllerValues(cls).controller.config.entries["http-snippets"];
            const server = snippet.slice(snippet.indexOf("server {"));
            expect(server).toMatch(new RegExp(`listen ${OFFLOADED_LISTENER.port} default_server[ ;]`));
            expect(server).toMatch(new RegExp(`listen \\[::\\]:${OFFLOADED_LISTENER.port} default_server[ ;]`));
            expect(server).toMatch(/location \/ \{\s*return 404;\s*\}/);
            expect(server).toContain(`location = ${HEALTH_STATUS_PATH}`);
            expect(server).not.toMatch(/proxy_pass/);
            // ConfigMap snippets are applied whatever enableSnippets says; tenants still get no snippets.
            expect(controllerValues(cls).controller.enableSnippets).toBe(false);
        },
    );

    it("the controllers redirect plain http to https and serve apps on the offloaded listener only", () => {
        for (const cls of ["public", "internal"]) {
            const c = controllerValues(cls).controller;
            expect(c.ingressClass.name).toBe(cls);
            expect(c.config.entries["default-server-return"]).toBe("301 https://$host$request_uri");
            expect(
                controllerService(cls)
                    .spec.ports.map((p: Any) => p.port)
                    .sort(),
            ).toEqual([80, OFFLOADED_LISTENER.port]);
            expect(c.globalConfiguration.spec.listeners).toEqual([
                { name: OFFLOADED_LISTENER.name, port: OFFLOADED_LISTENER.port, protocol: "HTTP" },
            ]);
            expect(c.podDisruptionBudget.enabled).toBe(true);
            expect(c.replicaCount).toBeGreaterThan(1);
            expect(c.topologySpreadConstraints[0].topologyKey).toBe("topology.kubernetes.io/zone");
        }
    });
});

describe("load balancer names", () => {
    it("are prefixes of at most 6 characters, so the provider's names fit AWS's 32 for any stack name", () => {
        const named = [...byType("aws:lb/loadBalancer:LoadBalancer"), ...byType("aws:lb/targetGroup:TargetGroup")].map(
            inputs,
        );
        expect(named).toHaveLength(6);
        for (const r of named) {
            expect(r.name).toBeUndefined();
            expect(r.namePrefix.length).toBeLessThanOrEqual(6);
        }
        expect(new Set(named.map((r) => r.namePrefix)).size).toBe(6);
    });
});
