/**
 * Rules for the AWS layer: node launch templates, the EKS control plane, and who may reach the
 * Kubernetes NodePorts.
 */
import { at, AWS, listAt, objAt, objectsAt, shown, type ResourceRule } from "./types";

export const launchTemplateImdsv2: ResourceRule = {
    name: "launch-template-imdsv2",
    description: "Launch templates require IMDSv2 (metadataOptions.httpTokens: required).",
    types: [AWS.launchTemplate],
    check: (_type, props) => {
        const tokens = at(props, "metadataOptions", "httpTokens");
        return tokens === "required"
            ? []
            : [
                  `metadataOptions.httpTokens is ${tokens === undefined ? "unset" : JSON.stringify(tokens)}; set it to "required" so that pods cannot steal node credentials through IMDSv1`,
              ];
    },
};

export const launchTemplateEncryptedVolumes: ResourceRule = {
    name: "launch-template-encrypted-volumes",
    description: "Launch templates declare their volumes, every one encrypted.",
    types: [AWS.launchTemplate],
    check: (_type, props) => {
        const mappings = listAt(props, "blockDeviceMappings");
        if (mappings.length === 0)
            return [
                "declares no blockDeviceMappings, so the root volume follows the AMI and may be unencrypted; declare it with ebs.encrypted: true",
            ];
        return mappings
            .filter((m) => {
                const ebs = at(m, "ebs");
                const encrypted = at(ebs, "encrypted");
                return Boolean(ebs) && encrypted !== true && encrypted !== "true";
            })
            .map(
                (m) =>
                    `volume ${shown(at(m, "deviceName") ?? "(no device name)")} is not encrypted; set ebs.encrypted: true`,
            );
    },
};

const NODE_PORTS = { from: 30000, to: 32767 };
const WORLD = ["0.0.0.0/0", "::/0"];

/** Whether a port range (absent = all ports, as with protocol -1) overlaps the NodePort range. */
function coversNodePorts(protocol: unknown, from: unknown, to: unknown): boolean {
    if (protocol === "-1" || protocol === "all" || protocol === -1) return true;
    if (protocol === "icmp" || protocol === "icmpv6" || protocol === "1" || protocol === "58") return false;
    const lo = from === undefined || from === null ? 0 : Number(from);
    const hi = to === undefined || to === null ? 65535 : Number(to);
    return lo <= NODE_PORTS.to && hi >= NODE_PORTS.from;
}

export function worldIn(...lists: unknown[]): string[] {
    return lists
        .flatMap((l): unknown[] => (Array.isArray(l) ? (l as unknown[]) : l === undefined ? [] : [l]))
        .filter((c): c is string => WORLD.includes(c as string));
}

function describe(from: unknown, to: unknown, cidrs: string[]): string {
    const ports = from === undefined ? "all ports" : `ports ${shown(from)}-${shown(to)}`;
    return `ingress from ${cidrs.join(", ")} on ${ports} opens the Kubernetes NodePorts (${NODE_PORTS.from}-${NODE_PORTS.to}) to the internet; allow only the load balancer (its security group or the VPC's CIDR)`;
}

export const noWorldOpenNodePorts: ResourceRule = {
    name: "no-world-open-nodeports",
    description: "No security group lets the whole internet reach the NodePort range.",
    types: [AWS.securityGroup, AWS.securityGroupRule, AWS.securityGroupIngressRule],
    check: (type, props) => {
        if (type === AWS.securityGroup) {
            return objectsAt(props, "ingress").flatMap((r) => {
                const world = worldIn(r.cidrBlocks, r.ipv6CidrBlocks);
                return world.length && coversNodePorts(r.protocol, r.fromPort, r.toPort)
                    ? [describe(r.fromPort, r.toPort, world)]
                    : [];
            });
        }
        if (type === AWS.securityGroupRule) {
            if (props.type !== "ingress") return [];
            const world = worldIn(props.cidrBlocks, props.ipv6CidrBlocks);
            return world.length && coversNodePorts(props.protocol, props.fromPort, props.toPort)
                ? [describe(props.fromPort, props.toPort, world)]
                : [];
        }
        const world = worldIn(props.cidrIpv4, props.cidrIpv6);
        return world.length && coversNodePorts(props.ipProtocol, props.fromPort, props.toPort)
            ? [describe(props.fromPort, props.toPort, world)]
            : [];
    },
};

/** An IPv4 or IPv6 CIDR block as [first address, one past the last, bits]; undefined when malformed. */
function span(cidr: string): [bigint, bigint, number] | undefined {
    const [addr, len] = cidr.split("/");
    const v6 = addr.includes(":");
    const bits = v6 ? 128 : 32;
    const prefix = Number(len);
    if (!/^\d+$/.test(len ?? "") || prefix > bits) return undefined;
    let value = 0n;
    if (v6) {
        const [head, tail = ""] = addr.split("::");
        const groups = (s: string) => (s === "" ? [] : s.split(":"));
        const parts = addr.includes("::")
            ? [
                  ...groups(head),
                  ...Array<string>(8 - groups(head).length - groups(tail).length).fill("0"),
                  ...groups(tail),
              ]
            : groups(addr);
        if (parts.length !== 8 || parts.some((p) => !/^[0-9a-fA-F]{1,4}$/.test(p))) return undefined;
        for (const p of parts) value = (value << 16n) + BigInt(parseInt(p, 16));
    } else {
        const octets = addr.split(".");
        if (octets.length !== 4 || octets.some((o) => !/^\d{1,3}$/.test(o) || Number(o) > 255)) return undefined;
        for (const o of octets) value = (value << 8n) + BigInt(o);
    }
    const size = 1n << BigInt(bits - prefix);
    return [value - (value % size), value - (value % size) + size, bits];
}

/** The CIDR lists that together reach every address of IPv4 or of IPv6: 0.0.0.0/1 + 128.0.0.0/1 is 0.0.0.0/0. */
export function worldCovering(cidrs: readonly string[]): string[] {
    return [32, 128].flatMap((bits) => {
        const mine = cidrs.filter((c) => span(c)?.[2] === bits);
        const spans = mine.map((c) => span(c) as [bigint, bigint, number]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
        let reached = 0n;
        for (const [start, end] of spans) {
            if (start > reached) return [];
            if (end > reached) reached = end;
        }
        return reached >= 1n << BigInt(bits) ? [mine.join(" + ")] : [];
    });
}

export const eksEndpointNotWorldPublic: ResourceRule = {
    name: "eks-endpoint-not-world-public",
    description: "The EKS API endpoint is private, or public only to listed networks.",
    types: [AWS.eksCluster],
    check: (_type, props) => {
        const vpc = objAt(props, "vpcConfig");
        // AWS makes the endpoint public (to 0.0.0.0/0) unless told otherwise.
        if (vpc.endpointPublicAccess === false || vpc.endpointPublicAccess === "false") return [];
        const cidrs = listAt(vpc, "publicAccessCidrs");
        if (cidrs.length === 0)
            return [
                "the API endpoint is public and vpcConfig.publicAccessCidrs is empty, which AWS reads as 0.0.0.0/0; list the networks that may reach it, or set endpointPublicAccess: false",
            ];
        const world = worldCovering(cidrs.filter((c): c is string => typeof c === "string"));
        return world.length
            ? [
                  `vpcConfig.publicAccessCidrs ${world.map((w) => (w.includes("+") ? `${w} together cover` : `${w} is`)).join(" and ")} the whole internet; list only the networks that may reach the API`,
              ]
            : [];
    },
};

/** The control-plane logs a cluster must send to CloudWatch: API requests and the audit trail. */
export const REQUIRED_CLUSTER_LOGS = ["api", "audit"];

export const eksControlPlaneLogging: ResourceRule = {
    name: "eks-control-plane-logging",
    description: `The EKS control plane logs ${REQUIRED_CLUSTER_LOGS.join(", ")} to CloudWatch.`,
    types: [AWS.eksCluster],
    check: (_type, props) => {
        const enabled = listAt(props, "enabledClusterLogTypes");
        const missing = REQUIRED_CLUSTER_LOGS.filter((t) => !enabled.includes(t));
        return missing.length
            ? [
                  `enabledClusterLogTypes lacks ${missing.join(", ")}; without them nobody can tell who changed the cluster`,
              ]
            : [];
    },
};

export const awsResourceRules: readonly ResourceRule[] = [
    launchTemplateImdsv2,
    launchTemplateEncryptedVolumes,
    noWorldOpenNodePorts,
    eksEndpointNotWorldPublic,
    eksControlPlaneLogging,
];
