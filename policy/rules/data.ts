/**
 * Rules for a stack's own data stores: RDS and Aurora databases and ElastiCache replication groups
 * are encrypted, never public, and a database cannot be lost by one careless delete.
 */
import { listAt, objectsAt, type ResourceRule } from "./types";
import { worldIn } from "./aws";

export const DATA = {
    rdsCluster: "aws:rds/cluster:Cluster",
    rdsClusterInstance: "aws:rds/clusterInstance:ClusterInstance",
    rdsInstance: "aws:rds/instance:Instance",
    replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    securityGroupIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
} as const;

/** The ports of the engines a stack may run: PostgreSQL, MySQL, Valkey and Redis. */
export const DATA_PORTS = [5432, 3306, 6379];

const isTrue = (v: unknown) => v === true || v === "true";
const isFalse = (v: unknown) => v === false || v === "false";
const kind = (type: string) =>
    type === DATA.rdsCluster ? "Aurora cluster" : type === DATA.rdsInstance ? "RDS instance" : "cluster instance";

export const databaseEncrypted: ResourceRule = {
    name: "database-encrypted",
    description: "RDS instances and Aurora clusters encrypt their storage.",
    types: [DATA.rdsCluster, DATA.rdsInstance],
    check: (type, props) =>
        isTrue(props.storageEncrypted)
            ? []
            : [
                  `the ${kind(type)} leaves its storage unencrypted; set storageEncrypted: true (it cannot be turned on later without a restore)`,
              ],
};

export const databaseNotPublic: ResourceRule = {
    name: "database-not-public",
    description: "RDS and Aurora instances say publiclyAccessible: false.",
    types: [DATA.rdsInstance, DATA.rdsClusterInstance],
    check: (type, props) =>
        isFalse(props.publiclyAccessible)
            ? []
            : [
                  `the ${kind(type)} is ${props.publiclyAccessible === undefined ? "public or not depending on its subnets" : "publicly accessible"}; set publiclyAccessible: false`,
              ],
};

export const databaseDeletionProtected: ResourceRule = {
    name: "database-deletion-protected",
    description: "RDS instances and Aurora clusters have deletion protection, and take a final snapshot when deleted.",
    types: [DATA.rdsCluster, DATA.rdsInstance],
    check: (type, props) => {
        const problems: string[] = [];
        if (!isTrue(props.deletionProtection))
            problems.push(`the ${kind(type)} can be deleted by one call; set deletionProtection: true`);
        if (isTrue(props.skipFinalSnapshot) || !props.finalSnapshotIdentifier)
            problems.push(
                `deleting the ${kind(type)} would leave no snapshot; set skipFinalSnapshot: false and a finalSnapshotIdentifier`,
            );
        return problems;
    },
};

export const databaseBackups: ResourceRule = {
    name: "database-backups",
    description: "RDS instances and Aurora clusters keep automated backups for at least a day.",
    types: [DATA.rdsCluster, DATA.rdsInstance],
    check: (type, props) =>
        Number(props.backupRetentionPeriod) >= 1
            ? []
            : [`the ${kind(type)} keeps no automated backups; set backupRetentionPeriod to 1 or more days`],
};

export const cacheEncrypted: ResourceRule = {
    name: "cache-encrypted",
    description: "ElastiCache replication groups encrypt at rest and in transit, and require authentication.",
    types: [DATA.replicationGroup],
    check: (_type, props) => {
        const problems: string[] = [];
        if (!isTrue(props.atRestEncryptionEnabled))
            problems.push("the cache stores its data unencrypted; set atRestEncryptionEnabled: true");
        if (!isTrue(props.transitEncryptionEnabled))
            problems.push("the cache speaks plain text on the network; set transitEncryptionEnabled: true");
        const userGroups = listAt(props, "userGroupIds");
        if (!props.authToken && !props.authTokenWo && userGroups.length === 0)
            problems.push("the cache answers anyone who reaches it; set an authToken or userGroupIds");
        return problems;
    },
};

/** Whether a rule's port range (absent = all ports, as with protocol -1) takes in one of the data ports. */
function coversDataPort(protocol: unknown, from: unknown, to: unknown): number[] {
    if (protocol === "icmp" || protocol === "icmpv6" || protocol === "1" || protocol === "58") return [];
    const all = protocol === "-1" || protocol === "all" || protocol === -1;
    const lo = all || from === undefined || from === null ? 0 : Number(from);
    const hi = all || to === undefined || to === null ? 65535 : Number(to);
    return DATA_PORTS.filter((p) => lo <= p && p <= hi);
}

const message = (cidrs: string[], ports: number[]) =>
    `ingress from ${cidrs.join(", ")} reaches the database and cache port${ports.length > 1 ? "s" : ""} ${ports.join(", ")}; let in only the cluster's nodes (their security group)`;

export const noWorldOpenDataPorts: ResourceRule = {
    name: "no-world-open-data-ports",
    description: "No security group lets the whole internet reach a database or cache port (5432, 3306, 6379).",
    types: [DATA.securityGroup, DATA.securityGroupRule, DATA.securityGroupIngressRule],
    check: (type, props) => {
        const judge = (cidrs: string[], protocol: unknown, from: unknown, to: unknown) => {
            const ports = cidrs.length ? coversDataPort(protocol, from, to) : [];
            return ports.length ? [message(cidrs, ports)] : [];
        };
        if (type === DATA.securityGroup) {
            return objectsAt(props, "ingress").flatMap((r) =>
                judge(worldIn(r.cidrBlocks, r.ipv6CidrBlocks), r.protocol, r.fromPort, r.toPort),
            );
        }
        if (type === DATA.securityGroupRule)
            return props.type === "ingress"
                ? judge(worldIn(props.cidrBlocks, props.ipv6CidrBlocks), props.protocol, props.fromPort, props.toPort)
                : [];
        return judge(worldIn(props.cidrIpv4, props.cidrIpv6), props.ipProtocol, props.fromPort, props.toPort);
    },
};

export const dataResourceRules: readonly ResourceRule[] = [
    databaseEncrypted,
    databaseNotPublic,
    databaseDeletionProtected,
    databaseBackups,
    cacheEncrypted,
    noWorldOpenDataPorts,
];
