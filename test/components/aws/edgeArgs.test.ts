import { describe, expect, it } from "vitest";
import {
    clientIngressRules,
    edgeSettings,
    httpListenerArgs,
    loadBalancerArgs,
    nodePortEgressRules,
    targetGroupArgs,
    tlsListenerArgs,
    type EdgeLoadBalancerArgs,
} from "../../../components/aws/edgeArgs";

const publicArgs: EdgeLoadBalancerArgs = {
    vpcId: "vpc-1",
    vpcCidr: "10.0.0.0/16",
    nodeSecurityGroupId: "sg-nodes",
    internal: false,
    subnetIds: ["subnet-pub-a", "subnet-pub-b"],
    nodePorts: { http: 30080, https: 30443, healthCheck: 31000 },
    certificateArn: "arn:aws:acm:eu-west-1:1:certificate/c",
    tags: { "capstan:stack": "test" },
};
const internalArgs: EdgeLoadBalancerArgs = { ...publicArgs, internal: true, subnetIds: ["subnet-priv-a"] };
const group = (args: EdgeLoadBalancerArgs, id: "http" | "https") =>
    targetGroupArgs(args, edgeSettings("edge", args), id) as any;

describe("defaults", () => {
    it("an internet-facing load balancer admits the whole internet, an internal one the VPC only", () => {
        expect(edgeSettings("edge", publicArgs).clientCidrs).toEqual(["0.0.0.0/0"]);
        expect(edgeSettings("edge", internalArgs).clientCidrs).toEqual(["10.0.0.0/16"]);
        expect(edgeSettings("edge", { ...internalArgs, clientCidrs: ["100.64.0.0/16"] }).clientCidrs).toEqual([
            "100.64.0.0/16",
        ]);
    });

    it("refuses NodePorts that are not three different ports, naming the ports", () => {
        const args = { ...publicArgs, nodePorts: { http: 30080, https: 30443, healthCheck: 30080 } };
        expect(() => edgeSettings("edge", args)).toThrow(/EdgeLoadBalancer edge: nodePorts .*30080.* three different/);
    });
});

describe("target groups", () => {
    it("forward to the controller's http and https NodePorts, as instance targets over TCP", () => {
        const [http, https] = [group(publicArgs, "http"), group(publicArgs, "https")];
        expect([http.port, https.port]).toEqual([30080, 30443]);
        for (const g of [http, https])
            expect([g.protocol, g.targetType, g.vpcId]).toEqual(["TCP", "instance", "vpc-1"]);
    });

    it("both health-check kube-proxy's healthCheckNodePort of the Service over HTTP, expecting 200", () => {
        for (const id of ["http", "https"] as const)
            expect(group(publicArgs, id).healthCheck).toEqual({
                protocol: "HTTP",
                port: "31000",
                path: "/healthz",
                matcher: "200",
                interval: 5,
                timeout: 3,
                healthyThreshold: 2,
                unhealthyThreshold: 2,
            });
    });

    it("a node leaving keeps its open connections for the deregistration delay, 30 seconds unless set", () => {
        const byDefault = group(publicArgs, "https");
        expect(byDefault.deregistrationDelay).toBe(30);
        expect(byDefault.targetHealthStates).toEqual([
            { enableUnhealthyConnectionTermination: false, unhealthyDrainingInterval: 30 },
        ]);
        const set = group({ ...publicArgs, deregistrationDelaySeconds: 90 }, "http");
        expect(set.deregistrationDelay).toBe(90);
        expect(set.targetHealthStates[0].unhealthyDrainingInterval).toBe(90);
    });

    it("client IP preservation is on for the internet-facing load balancer and off for the internal one", () => {
        expect(group(publicArgs, "https").preserveClientIp).toBe("true");
        expect(group(internalArgs, "https").preserveClientIp).toBe("false");
        expect(group({ ...internalArgs, preserveClientIp: true }, "http").preserveClientIp).toBe("true");
    });

    it("send no PROXY protocol header, which kube-proxy's health check would not understand", () => {
        for (const args of [publicArgs, internalArgs]) expect(group(args, "http").proxyProtocolV2).toBe(false);
    });

    it("have short name prefixes, different per class and per group", () => {
        const prefixes = [publicArgs, internalArgs].flatMap((a) => [group(a, "http"), group(a, "https")]);
        expect(prefixes.map((g) => g.namePrefix)).toEqual(["pubh-", "pubs-", "inth-", "ints-"]);
    });
});

describe("listeners", () => {
    it("TCP:80 forwards to the http group", () => {
        expect(httpListenerArgs("arn:lb", "arn:tg-http", {})).toMatchObject({
            port: 80,
            protocol: "TCP",
            defaultActions: [{ type: "forward", targetGroupArn: "arn:tg-http" }],
        });
    });

    it("TLS:443 ends TLS 1.3/1.2 with the certificate and forwards to the https group", () => {
        expect(tlsListenerArgs("arn:lb", "arn:tg-https", "arn:cert", {})).toMatchObject({
            port: 443,
            protocol: "TLS",
            certificateArn: "arn:cert",
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            alpnPolicy: "HTTP1Only",
            defaultActions: [{ type: "forward", targetGroupArn: "arn:tg-https" }],
        });
    });
});

describe("load balancer and security group rules", () => {
    it("is a cross-zone network load balancer in the given subnets, internal only when asked", () => {
        const lb = loadBalancerArgs(internalArgs, edgeSettings("edge", internalArgs), "sg-lb") as any;
        expect(lb).toMatchObject({
            loadBalancerType: "network",
            internal: true,
            subnets: ["subnet-priv-a"],
            securityGroups: ["sg-lb"],
            enableCrossZoneLoadBalancing: true,
            namePrefix: "int-",
        });
    });

    it("every client network reaches ports 80 and 443 and nothing else", () => {
        const rules = clientIngressRules("edge", ["10.0.0.0/16", "100.64.0.0/16"]);
        expect(rules.map((r) => [r.name, r.args.cidrIpv4, r.args.fromPort, r.args.toPort])).toEqual([
            ["edge-lb-80-0", "10.0.0.0/16", 80, 80],
            ["edge-lb-443-0", "10.0.0.0/16", 443, 443],
            ["edge-lb-80-1", "100.64.0.0/16", 80, 80],
            ["edge-lb-443-1", "100.64.0.0/16", 443, 443],
        ]);
        for (const r of rules) expect(r.args.ipProtocol).toBe("tcp");
    });

    it("sends only to the nodes' security group, on each NodePort the health check's included", () => {
        const rules = nodePortEgressRules("edge", edgeSettings("edge", publicArgs).targetPorts, "sg-nodes");
        expect(rules.map((r) => [r.name, r.args.referencedSecurityGroupId, r.args.fromPort, r.args.toPort])).toEqual([
            ["edge-lb-to-30080", "sg-nodes", 30080, 30080],
            ["edge-lb-to-30443", "sg-nodes", 30443, 30443],
            ["edge-lb-to-31000", "sg-nodes", 31000, 31000],
        ]);
        for (const r of rules) expect(r.args).not.toHaveProperty("cidrIpv4");
    });
});
