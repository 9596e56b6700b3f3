import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { certificateFirstName } from "../config/services";

/** TTL of the validation records; ACM reads them again at every renewal. */
const VALIDATION_TTL = 300;

export interface HostCertificateArgs {
    /** The Route 53 public hosted zone of every host. */
    readonly zoneId: pulumi.Input<string>;
    /** Every host the certificate covers; the shortest is its first name (ACM allows 64 characters there). */
    readonly hosts: readonly string[];
    readonly tags?: Record<string, string>;
}

/**
 * An ACM certificate for the stack's hosts, validated through DNS records in the stack's zone.
 * `arn` resolves once ACM has issued it, so a listener that uses it never serves an unvalidated
 * certificate. ACM renews it by itself as long as the validation records stay.
 *
 * A listener either uses it as its default certificate, or gets it as an extra (SNI) certificate
 * with `attachTo`. Changing the hosts replaces the certificate (a new one is issued and attached
 * before the old one is deleted).
 */
export class HostCertificate extends pulumi.ComponentResource {
    /** The issued certificate's ARN. */
    public readonly arn: pulumi.Output<string>;
    private readonly name: string;

    constructor(name: string, args: HostCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:aws:HostCertificate", name, {}, opts);
        if (args.hosts.length === 0) throw new Error(`HostCertificate ${name}: needs at least one host`);
        this.name = name;
        const first = certificateFirstName(args.hosts);
        const certificate = new aws.acm.Certificate(
            name,
            {
                domainName: first,
                subjectAlternativeNames: args.hosts.filter((h) => h !== first),
                validationMethod: "DNS",
                tags: args.tags ?? {},
            },
            { parent: this },
        );
        // One record per host, named after it, so adding a host adds a record and renames none.
        const records = args.hosts.map((host) => {
            const option = certificate.domainValidationOptions.apply((options) => {
                const o = options.find((v) => v.domainName === host);
                if (!o) throw new Error(`HostCertificate ${name}: ACM returned no validation record for ${host}`);
                return o;
            });
            return new aws.route53.Record(
                `${name}-validation-${host}`,
                {
                    zoneId: args.zoneId,
                    name: option.resourceRecordName,
                    type: option.resourceRecordType,
                    records: [option.resourceRecordValue],
                    ttl: VALIDATION_TTL,
                    // A certificate for the same name in another stack (or its predecessor) uses the same record.
                    allowOverwrite: true,
                },
                { parent: certificate },
            );
        });
        const validation = new aws.acm.CertificateValidation(
            name,
            { certificateArn: certificate.arn, validationRecordFqdns: records.map((r) => r.fqdn) },
            { parent: certificate },
        );
        this.arn = validation.certificateArn;
        this.registerOutputs({ arn: this.arn });
    }

    /** Adds the certificate to a TLS listener as an extra certificate, which the listener picks by SNI. `id` names it (e.g. `public`). */
    public attachTo(id: string, listenerArn: pulumi.Input<string>): aws.lb.ListenerCertificate {
        return new aws.lb.ListenerCertificate(
            `${this.name}-${id}`,
            { listenerArn, certificateArn: this.arn },
            { parent: this },
        );
    }
}

/** A load balancer, and the hosts it serves. */
export interface ServedHosts {
    readonly hosts: readonly string[];
    /** The load balancer's DNS name and Route 53 zone (its own, not the stack's). */
    readonly dnsName: pulumi.Input<string>;
    readonly zoneId: pulumi.Input<string>;
    /**
     * Whether Route 53 drops the record while its target has no healthy target. @default true; a
     * CloudFront distribution has no health to evaluate, and Route 53 refuses it there
     */
    readonly evaluateTargetHealth?: boolean;
}

export interface HostRecordsArgs {
    /** The Route 53 hosted zone of every host. */
    readonly zoneId: pulumi.Input<string>;
    readonly entries: readonly ServedHosts[];
}

/**
 * An alias A record per host, to the Network Load Balancer that serves it; Route 53 answers with
 * the load balancer's current addresses and drops it while it has no healthy target. A record is
 * named after its host: removing a host deletes exactly its record.
 */
export class HostRecords extends pulumi.ComponentResource {
    /** The names that were given records. */
    public readonly hosts: readonly string[];

    constructor(name: string, args: HostRecordsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:aws:HostRecords", name, {}, opts);
        const hosts: string[] = [];
        for (const entry of args.entries) {
            for (const host of entry.hosts) {
                new aws.route53.Record(
                    `${name}-${host}`,
                    {
                        zoneId: args.zoneId,
                        name: host,
                        type: "A",
                        aliases: [
                            {
                                name: entry.dnsName,
                                zoneId: entry.zoneId,
                                evaluateTargetHealth: entry.evaluateTargetHealth ?? true,
                            },
                        ],
                    },
                    { parent: this },
                );
                hosts.push(host);
            }
        }
        this.hosts = hosts;
        this.registerOutputs({ hosts: this.hosts });
    }
}
