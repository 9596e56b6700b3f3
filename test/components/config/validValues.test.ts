import { describe, expect, it } from "vitest";
import { problemsOf } from "../../harness";

type Root = Record<string, any>;

describe("values AWS and Kubernetes accept are accepted", () => {
    it.each<[string, string, (r: Root) => void]>([
        ["memory written with an exponent", "staging", (r) => (r.app.web.resources = { cpu: "500m", memory: "1e9" })],
        ["a CPU request with a sign", "staging", (r) => (r.app.workers[0].resources = { cpu: "+1", memory: "512Mi" })],
        ["a fractional memory in binary units", "prod", (r) => (r.app.web.resources = { cpu: "1", memory: "1.5Gi" })],
        ["the UTC time zone", "staging", (r) => (r.app.cron[0].timeZone = "UTC")],
        ["the Etc/UTC time zone", "staging", (r) => (r.app.cron[0].timeZone = "Etc/UTC")],
        ["a time zone link such as US/Pacific", "prod", (r) => (r.app.cron[1].timeZone = "US/Pacific")],
        ["a metal instance type", "prod", (r) => (r.nodeGroups[0].instanceTypes = ["m7i.metal-24xl"])],
        ["a flex instance type", "staging", (r) => (r.nodeGroups[0].instanceTypes = ["m7i-flex.large"])],
        [
            "an env name with a dot or dash",
            "staging",
            (r) => (r.app.env = { ...r.app.env, "JAVA.OPTS": "-Xmx1g", "my-var": "x" }),
        ],
        [
            "an env value that looks like a number, quoted",
            "staging",
            (r) => (r.app.env = { ...r.app.env, APP_VERSION: "1.10" }),
        ],
        [
            "a host label of 63 characters",
            "staging",
            (r) => (r.ingress.public.hosts = [`${"a".repeat(63)}.example.com`]),
        ],
        ["a canary cookie name with underscores and digits", "prod", (r) => (r.canary.cookie.name = "_canary_2")],
        ["a node group of 0 nodes at first", "staging", (r) => (r.nodeGroups[1].minSize = 0)],
        [
            "a tenant quota in plain numbers",
            "tenant-acme",
            (r) => (r.tenant.quota = { cpu: 8, memory: "16Gi", pods: 50 }),
        ],
    ])("%s", (_name, stack, mutate) => {
        expect(problemsOf(stack, mutate)).toEqual([]);
    });
});
