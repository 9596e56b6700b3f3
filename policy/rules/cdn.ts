/**
 * The CDN in front of the public entry: once clients reach the app through it, nothing reaches
 * the load balancer around it; and a production distribution speaks only current TLS.
 */
import { at, listAt, type ResourceRule, type StackRule, type StackViolation } from "./types";
import { ENVIRONMENT_TAG } from "./observability";

const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const RECORD = "aws:route53/record:Record";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
/** Route 53's zone of every CloudFront distribution: an alias into it names a distribution. */
const CLOUDFRONT_ZONE = "Z2FDTNDATAQYW2";
/** The tag that says where a stack moving behind its CDN is (`capstan:edge.cdn.switchOver`). */
export const SWITCH_OVER_TAG = "capstan:switchOver";
/** The viewer security policies a production distribution may use: TLSv1.2_2021 and newer. */
export const PRODUCTION_TLS = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];

export const productionCdnTls: ResourceRule = {
    name: "production-cdn-tls",
    description: "A production CloudFront distribution has a minimum viewer TLS of TLSv1.2_2021 or newer.",
    types: [DISTRIBUTION],
    check: (_type, props) => {
        if (at(props, "tags", ENVIRONMENT_TAG) !== "production") return [];
        const version = at(props, "viewerCertificate", "minimumProtocolVersion");
        return PRODUCTION_TLS.includes(version as string)
            ? []
            : [
                  `viewerCertificate.minimumProtocolVersion is ${JSON.stringify(version)}; a production distribution needs ${PRODUCTION_TLS.join(", ")}: set capstan:edge.cdn.minimumProtocolVersion to TLSv1.2_2021 or newer`,
              ];
    },
};

/** Whether the stack's records send clients to a CloudFront distribution. */
const recordsNameCloudFront = (resources: readonly { type: string; props: unknown }[]) =>
    resources.some(
        (r) => r.type === RECORD && listAt(r.props, "aliases").some((a) => at(a, "zoneId") === CLOUDFRONT_ZONE),
    );

export const cdnOriginLocked: StackRule = {
    name: "cdn-origin-locked",
    description:
        "A stack whose hosts resolve to its CloudFront distribution (switched over) admits only CloudFront's origin-facing prefix list to its public load balancer, with no rule open to the internet beside it.",
    check: (resources) => {
        const distributions = resources.filter((r) => r.type === DISTRIBUTION);
        if (distributions.length === 0) return [];
        const stage = distributions.map((d) => at(d.props, "tags", SWITCH_OVER_TAG));
        const switched = stage.includes("locked") || (recordsNameCloudFront(resources) && !stage.includes("dns"));
        if (!switched) return [];
        const rules = resources.filter((r) => r.type === INGRESS_RULE);
        const locked = rules.filter((r) => typeof at(r.props, "prefixListId") === "string");
        const groups = new Set(locked.map((r) => JSON.stringify(at(r.props, "securityGroupId"))));
        const open = rules.filter(
            (r) =>
                groups.has(JSON.stringify(at(r.props, "securityGroupId"))) &&
                ["0.0.0.0/0"].includes(at(r.props, "cidrIpv4") as string),
        );
        if (locked.length > 0 && open.length === 0) return [];
        const why =
            locked.length === 0
                ? "no security group rule admits CloudFront's origin-facing prefix list"
                : `${open.length} rule(s) still admit the whole internet beside it`;
        return distributions.map((d): StackViolation => ({
            urn: d.urn,
            message: `the stack serves through this distribution, but its public load balancer is not locked to CloudFront (${why}); set capstan:edge.cdn.switchOver to locked once DNS has moved (docs/edge.md)`,
        }));
    },
};

export const cdnResourceRules: readonly ResourceRule[] = [productionCdnTls];
