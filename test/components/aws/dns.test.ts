/** The stack's certificate and host records, under the mock engine. */
import { describe, expect, it } from "vitest";
import { HostCertificate, HostRecords } from "../../../components/aws/dns";
import { ofType, runComponents, type RecordedResource } from "../../harness";

const ZONE = "Z0123456789ABCDEFGHIJ";
const HOSTS = ["shop.example.com", "app.example.com", "admin.internal.example.com"];
const inputs = (r: RecordedResource) => r.inputs as Record<string, any>;

function certificate(hosts = HOSTS) {
    return runComponents(() => {
        const cert = new HostCertificate("phraseapp-tls", { zoneId: ZONE, hosts });
        cert.attachTo("public", "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/net/pub/abc/def");
        return { arn: cert.arn };
    });
}

describe("the stack's certificate", () => {
    it("covers every host, the shortest first, validated through DNS", async () => {
        const { resources } = await certificate();
        const [cert] = ofType(resources, "aws:acm/certificate:Certificate");
        expect(inputs(cert)).toMatchObject({
            domainName: "app.example.com",
            subjectAlternativeNames: ["shop.example.com", "admin.internal.example.com"],
            validationMethod: "DNS",
        });
    });

    it("writes ACM's validation record of every host into the zone, and waits for validation on exactly those", async () => {
        const { resources, outputs } = await certificate();
        const [cert] = ofType(resources, "aws:acm/certificate:Certificate");
        const options = cert.state.domainValidationOptions as {
            domainName: string;
            resourceRecordName: string;
            resourceRecordValue: string;
        }[];
        const records = ofType(resources, "aws:route53/record:Record").map(inputs);
        expect(records).toHaveLength(HOSTS.length);
        for (const o of options) {
            expect(records).toContainEqual(
                expect.objectContaining({
                    zoneId: ZONE,
                    name: o.resourceRecordName,
                    type: "CNAME",
                    records: [o.resourceRecordValue],
                }),
            );
        }
        const [validation] = ofType(resources, "aws:acm/certificateValidation:CertificateValidation");
        expect(inputs(validation).certificateArn).toBe(cert.state.arn);
        expect([...inputs(validation).validationRecordFqdns].sort()).toEqual(
            options.map((o) => o.resourceRecordName.replace(/\.$/, "")).sort(),
        );
        // What listeners get is the validated certificate: its ARN comes through the validation.
        expect(outputs.arn).toBe(cert.state.arn);
        const [attached] = ofType(resources, "aws:lb/listenerCertificate:ListenerCertificate");
        expect(inputs(attached)).toEqual({
            listenerArn: "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/net/pub/abc/def",
            certificateArn: cert.state.arn,
        });
        expect(attached.dependsOn).toEqual([]);
    });

    it("names each validation record after its host, so adding a host renames no record", async () => {
        const names = async (hosts: string[]) =>
            ofType((await certificate(hosts)).resources, "aws:route53/record:Record").map((r) => r.name);
        const before = await names(HOSTS);
        const after = await names([...HOSTS, "www.example.com"]);
        expect(after.filter((n) => !before.includes(n))).toEqual(["phraseapp-tls-validation-www.example.com"]);
    });
});

describe("the host records", () => {
    it("point each host at the load balancer of its entry, by alias", async () => {
        const { resources } = await runComponents(() => {
            new HostRecords("phraseapp-dns", {
                zoneId: ZONE,
                entries: [
                    {
                        hosts: ["app.example.com", "www.example.com"],
                        dnsName: "pub.elb.amazonaws.com",
                        zoneId: "Z3F0SRJ5LGBH90",
                    },
                    {
                        hosts: ["admin.internal.example.com"],
                        dnsName: "int.elb.amazonaws.com",
                        zoneId: "Z3F0SRJ5LGBH90",
                    },
                ],
            });
        });
        const byName = Object.fromEntries(
            ofType(resources, "aws:route53/record:Record").map((r) => [inputs(r).name, inputs(r)]),
        );
        expect(Object.keys(byName).sort()).toEqual([
            "admin.internal.example.com",
            "app.example.com",
            "www.example.com",
        ]);
        for (const [host, lb] of [
            ["app.example.com", "pub"],
            ["www.example.com", "pub"],
            ["admin.internal.example.com", "int"],
        ]) {
            expect(byName[host]).toMatchObject({
                zoneId: ZONE,
                type: "A",
                aliases: [{ name: `${lb}.elb.amazonaws.com`, zoneId: "Z3F0SRJ5LGBH90", evaluateTargetHealth: true }],
            });
        }
    });
});
