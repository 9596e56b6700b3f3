import { createHash } from "crypto";
import { isSecretValue } from "./secret";

/**
 * What the mock engine answers for a new resource: the inputs, plus the outputs a real provider
 * would compute (ids, ARNs, endpoints, Kubernetes auto-names). Every value is derived from the
 * resource's type, name and inputs, so the same program gives the same answers on every run.
 */

/** The account id of the AWS documentation examples; never a real account. */
export const MOCK_ACCOUNT_ID = "123456789012";

export function shortHash(value: unknown, length = 8): string {
    return createHash("sha256")
        .update(JSON.stringify(canonical(value)))
        .digest("hex")
        .slice(0, length);
}

/** A copy with object keys sorted, so that equal values serialize to equal text. */
export function canonical(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(canonical);
    if (typeof value === "object" && value !== null) {
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(value).sort()) out[k] = canonical((value as Record<string, unknown>)[k]);
        return out;
    }
    return value;
}

export interface MockContext {
    readonly region: string;
}

/** A resource's inputs as the engine passes them: untyped, so each value is narrowed where it is read. */
export type Inputs = Record<string, unknown>;

type StateFn = (name: string, inputs: Inputs, ctx: MockContext, physical: string) => Record<string, unknown>;

/** An object input, or none: what a spread of an optional object input reads. */
function asRecord(value: unknown): Record<string, unknown> {
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

/** A list input, or none. */
function asList(value: unknown): unknown[] {
    return Array.isArray(value) ? (value as unknown[]) : [];
}

/**
 * An input as a template literal prints it, or `fallback` when it is unset. Names, ids and ports are
 * text or numbers; anything else prints as its kind, never its content (it may be a wrapped secret).
 */
function printed(value: unknown, fallback?: string): string {
    const v = value ?? fallback;
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean" || v === undefined || v === null) return String(v);
    return Object.prototype.toString.call(v);
}

const arn = (ctx: MockContext, service: string, resource: string) =>
    `arn:aws:${service}:${ctx.region}:${MOCK_ACCOUNT_ID}:${resource}`;

/** Outputs of the stack's database, cache, certificate and records: endpoints as AWS spells them. */
const DATA_STATE: Record<string, StateFn> = {
    "aws:rds/cluster:Cluster": (name, inputs, ctx) => {
        const id = printed(inputs.clusterIdentifier, `${name}-cluster`);
        return {
            arn: arn(ctx, "rds", `cluster:${id}`),
            endpoint: `${id}.cluster-${shortHash(name, 12)}.${ctx.region}.rds.amazonaws.com`,
            readerEndpoint: `${id}.cluster-ro-${shortHash(name, 12)}.${ctx.region}.rds.amazonaws.com`,
        };
    },
    "aws:rds/clusterInstance:ClusterInstance": (name, inputs, ctx) => {
        const id = printed(inputs.identifier, name);
        return {
            arn: arn(ctx, "rds", `db:${id}`),
            endpoint: `${id}.${shortHash(name, 12)}.${ctx.region}.rds.amazonaws.com`,
        };
    },
    "aws:rds/instance:Instance": (name, inputs, ctx) => {
        const id = printed(inputs.identifier, name);
        const address = `${id}.${shortHash(name, 12)}.${ctx.region}.rds.amazonaws.com`;
        return { arn: arn(ctx, "rds", `db:${id}`), address, endpoint: `${address}:${printed(inputs.port)}` };
    },
    "aws:rds/subnetGroup:SubnetGroup": (_n, inputs, _c, physical) => ({ name: inputs.name ?? physical }),
    "aws:elasticache/subnetGroup:SubnetGroup": (_n, inputs, _c, physical) => ({ name: inputs.name ?? physical }),
    "aws:elasticache/replicationGroup:ReplicationGroup": (name, inputs, ctx) => {
        const host = `${printed(inputs.replicationGroupId)}.${shortHash(name, 6)}.${ctx.region.replace(/-(\w)\w+-(\d)$/, "$1$2")}.cache.amazonaws.com`;
        return {
            arn: arn(ctx, "elasticache", `replicationgroup:${printed(inputs.replicationGroupId)}`),
            primaryEndpointAddress: `master.${host}`,
            readerEndpointAddress: `replica.${host}`,
        };
    },
    "aws:acm/certificate:Certificate": (name, inputs, ctx) => ({
        arn: arn(
            ctx,
            "acm",
            `certificate/${shortHash(name, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5")}`,
        ),
        domainValidationOptions: [inputs.domainName, ...asList(inputs.subjectAlternativeNames)].map((domainName) => ({
            domainName,
            resourceRecordName: `_${shortHash([domainName, "name"], 32)}.${printed(domainName)}.`,
            resourceRecordType: "CNAME",
            resourceRecordValue: `_${shortHash([domainName, "value"], 32)}.acm-validations.aws.`,
        })),
    }),
    "aws:route53/record:Record": (_n, inputs) => ({ fqdn: String(inputs.name).replace(/\.$/, "") }),
    // Generated secrets: a fixed, recognisable value, so that a test can prove it never reaches a rendered file.
    "random:index/randomPassword:RandomPassword": (name, inputs) => ({
        result: `mockgenerated${shortHash(name, Math.max(0, Number(inputs.length ?? 32) - 13))}`,
    }),
};

/** Outputs of AWS resources that the program reads back, by type token. */
const AWS_STATE: Record<string, StateFn> = {
    "aws:eks/cluster:Cluster": (name, inputs, ctx, physical) => {
        const id = shortHash([name, inputs.version], 32).toUpperCase();
        return {
            name: inputs.name ?? physical,
            arn: arn(ctx, "eks", `cluster/${printed(inputs.name, physical)}`),
            endpoint: `https://${id}.gr7.${ctx.region}.eks.amazonaws.com`,
            certificateAuthority: { data: Buffer.from(`mock-ca-${name}`).toString("base64") },
            identities: [{ oidcs: [{ issuer: `https://oidc.eks.${ctx.region}.amazonaws.com/id/${id}` }] }],
            vpcConfig: {
                ...asRecord(inputs.vpcConfig),
                clusterSecurityGroupId: `sg-${shortHash([name, "cluster-sg"], 17)}`,
            },
        };
    },
    "aws:iam/role:Role": (_n, inputs, _c, physical) => ({
        name: inputs.name ?? physical,
        arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${printed(inputs.name, physical)}`,
    }),
    "aws:iam/policy:Policy": (_n, inputs, _c, physical) => ({
        name: inputs.name ?? physical,
        arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:policy/${printed(inputs.name, physical)}`,
    }),
    "aws:iam/instanceProfile:InstanceProfile": (_n, inputs, _c, physical) => ({
        name: inputs.name ?? physical,
        arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:instance-profile/${printed(inputs.name, physical)}`,
    }),
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (_n, inputs) => ({
        arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/${printed(inputs.url, "").replace(/^https:\/\//, "")}`,
    }),
    "aws:kms/key:Key": (name, _i, ctx) => {
        const keyId = shortHash([name, "kms"], 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
        return { keyId, arn: arn(ctx, "kms", `key/${keyId}`) };
    },
    "aws:lb/loadBalancer:LoadBalancer": (name, inputs, ctx, physical) => ({
        name: inputs.name ?? physical,
        arn: arn(
            ctx,
            "elasticloadbalancing",
            `loadbalancer/net/${printed(inputs.name, physical)}/${shortHash(name, 16)}`,
        ),
        dnsName: `${printed(inputs.name, physical)}-${shortHash(name, 16)}.elb.${ctx.region}.amazonaws.com`,
        zoneId: "Z3F0SRJ5LGBH90",
    }),
    "aws:lb/targetGroup:TargetGroup": (name, inputs, ctx, physical) => ({
        name: inputs.name ?? physical,
        arn: arn(ctx, "elasticloadbalancing", `targetgroup/${printed(inputs.name, physical)}/${shortHash(name, 16)}`),
    }),
    "aws:sqs/queue:Queue": (_n, inputs, ctx, physical) => {
        const queue = printed(inputs.name, physical);
        return {
            name: queue,
            arn: arn(ctx, "sqs", queue),
            url: `https://sqs.${ctx.region}.amazonaws.com/${MOCK_ACCOUNT_ID}/${queue}`,
        };
    },
    "aws:s3/bucket:Bucket": (_n, inputs, ctx, physical) => ({
        bucket: inputs.bucket ?? physical,
        arn: `arn:aws:s3:::${printed(inputs.bucket, physical)}`,
        bucketRegionalDomainName: `${printed(inputs.bucket, physical)}.s3.${ctx.region}.amazonaws.com`,
    }),
    // CloudFront is global: its ARNs name no region, and every distribution's alias zone is the same.
    "aws:cloudfront/distribution:Distribution": (name) => {
        const id = `E${shortHash(name, 13).toUpperCase()}`;
        return {
            arn: `arn:aws:cloudfront::${MOCK_ACCOUNT_ID}:distribution/${id}`,
            domainName: `d${shortHash([name, "domain"], 13)}.cloudfront.net`,
            hostedZoneId: "Z2FDTNDATAQYW2",
        };
    },
    "aws:wafv2/webAcl:WebAcl": (name, inputs) => ({
        arn: `arn:aws:wafv2:us-east-1:${MOCK_ACCOUNT_ID}:global/webacl/${printed(inputs.name)}/${shortHash(name, 32)}`,
    }),
    "aws:s3/bucketV2:BucketV2": (_n, inputs, _c, physical) => ({
        bucket: inputs.bucket ?? physical,
        arn: `arn:aws:s3:::${printed(inputs.bucket, physical)}`,
    }),
    "aws:ec2/launchTemplate:LaunchTemplate": (_n, inputs, _c, physical) => ({
        name: inputs.name ?? physical,
        latestVersion: 1,
        defaultVersion: 1,
    }),
    "aws:lb/listener:Listener": (name, _i, ctx) => ({
        arn: arn(ctx, "elasticloadbalancing", `listener/net/${shortHash([name, "lb"], 16)}/${shortHash(name, 16)}`),
    }),
    ...DATA_STATE,
    "aws:cloudwatch/eventRule:EventRule": (_n, inputs, ctx, physical) => ({
        name: inputs.name ?? physical,
        arn: arn(ctx, "events", `rule/${printed(inputs.name, physical)}`),
    }),
    "aws:amp/workspace:Workspace": (name, _i, ctx) => {
        const id = `ws-${shortHash([name, "workspace"], 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5")}`;
        return {
            arn: arn(ctx, "aps", `workspace/${id}`),
            prometheusEndpoint: `https://aps-workspaces.${ctx.region}.amazonaws.com/workspaces/${id}/`,
        };
    },
    "aws:amp/scraper:Scraper": (name, _i, ctx) => {
        const id = `s-${shortHash([name, "scraper"], 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5")}`;
        return {
            arn: arn(ctx, "aps", `scraper/${id}`),
            roleArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/aws-service-role/scraper.aps.amazonaws.com/AWSServiceRoleForAmazonPrometheusScraper_${shortHash(name, 15)}`,
        };
    },
    "aws:sns/topic:Topic": (_n, inputs, ctx, physical) => ({
        name: inputs.name ?? physical,
        arn: arn(ctx, "sns", printed(inputs.name, physical)),
    }),
    "aws:cloudwatch/logGroup:LogGroup": (_n, inputs, ctx, physical) => ({
        arn: arn(ctx, "logs", `log-group:${printed(inputs.name, physical)}`),
    }),
    "aws:autoscaling/group:Group": (_n, inputs, ctx, physical) => ({
        name: inputs.name ?? physical,
        arn: arn(
            ctx,
            "autoscaling",
            `autoScalingGroup:${shortHash(physical, 8)}:autoScalingGroupName/${printed(inputs.name, physical)}`,
        ),
    }),
};

/**
 * The types whose id the AWS provider sets to one of their attributes: an IAM role's and instance
 * profile's id is its name, a managed policy's its ARN. A reference to `role.id` and one to
 * `role.name` then render the same value, as they are the same value in AWS.
 */
const AWS_ID_FIELD: Record<string, string> = {
    "aws:iam/role:Role": "name",
    "aws:iam/instanceProfile:InstanceProfile": "name",
    "aws:iam/policy:Policy": "arn",
};

function awsId(type: string, name: string): string {
    const prefixes: Record<string, string> = {
        "aws:ec2/vpc:Vpc": "vpc",
        "aws:ec2/subnet:Subnet": "subnet",
        "aws:ec2/securityGroup:SecurityGroup": "sg",
        "aws:ec2/internetGateway:InternetGateway": "igw",
        "aws:ec2/natGateway:NatGateway": "nat",
        "aws:ec2/routeTable:RouteTable": "rtb",
        "aws:ec2/eip:Eip": "eipalloc",
        "aws:ec2/launchTemplate:LaunchTemplate": "lt",
        "aws:amp/workspace:Workspace": "ws",
    };
    const prefix = prefixes[type];
    return prefix ? `${prefix}-${shortHash([type, name], 17)}` : `${name}-id`;
}

/** The physical name Pulumi would give an auto-named resource: the logical name plus a suffix. */
function physicalName(type: string, name: string): string {
    return `${name}-${shortHash([type, name], 7)}`;
}

function withoutName(metadata: Record<string, unknown> | undefined) {
    const { name: _ignored, ...rest } = metadata ?? {};
    return rest;
}

/**
 * Kubernetes auto-naming: an object declared without `metadata.name` gets the logical name plus a
 * suffix. The real provider's suffix is random and changes on replacement; here it is a hash of
 * the object's content, so a ConfigMap or Secret with new data gets a new name, as it would when
 * the provider replaces it.
 */
export function kubernetesName(name: string, inputs: Inputs): string {
    return `${name}-${shortHash(withoutSecrets({ ...inputs, metadata: withoutName(asRecord(inputs.metadata)) }))}`;
}

/**
 * Secret values never feed a name: a short hash of a password in a public object name could
 * confirm a guess. (The render sees placeholders anyway; this guards tests given real values.)
 */
function withoutSecrets(value: unknown): unknown {
    if (isSecretValue(value)) return "[secret]";
    if (Array.isArray(value)) return value.map(withoutSecrets);
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSecrets(v)]));
    }
    return value;
}

export interface MockResult {
    readonly id: string;
    readonly state: Record<string, unknown>;
}

export function mockState(type: string, name: string, inputs: Inputs, ctx: MockContext): MockResult {
    if (type.startsWith("kubernetes:") && !type.startsWith("kubernetes:helm.sh/") && inputs.kind !== undefined) {
        const metadata = { ...asRecord(inputs.metadata) };
        metadata.name ??= kubernetesName(name, inputs);
        const id = metadata.namespace
            ? `${printed(metadata.namespace)}/${printed(metadata.name)}`
            : printed(metadata.name);
        return { id, state: { ...inputs, metadata } };
    }
    if (type.startsWith("kubernetes:helm.sh/")) {
        return {
            id: `${printed(inputs.namespace, "default")}/${printed(inputs.name, name)}`,
            state: { ...inputs, name: inputs.name ?? name, status: { status: "deployed" } },
        };
    }
    if (type.startsWith("random:"))
        return { id: `${name}-id`, state: { ...inputs, ...(DATA_STATE[type]?.(name, inputs, ctx, name) ?? {}) } };
    if (type.startsWith("aws:")) {
        const physical = physicalName(type, name);
        const extra = AWS_STATE[type]?.(name, inputs, ctx, physical) ?? {};
        const state = { ...inputs, ...extra };
        return { id: AWS_ID_FIELD[type] ? printed(state[AWS_ID_FIELD[type]]) : awsId(type, name), state };
    }
    return { id: `${name}-id`, state: { ...inputs } };
}
