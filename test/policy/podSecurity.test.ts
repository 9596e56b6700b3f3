import { describe, expect, it } from "vitest";
import { restrictedViolations } from "../../policy/rules/podSecurity";

/** A pod spec that meets the restricted Pod Security Standard. */
const compliant = () => ({
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
    volumes: [{ name: "tmp", emptyDir: {} }],
    initContainers: [
        {
            name: "init",
            image: "x",
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        },
    ],
    containers: [
        {
            name: "web",
            image: "x",
            ports: [{ containerPort: 3000 }],
            securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
            },
        },
    ],
});

type Spec = ReturnType<typeof compliant> & Record<string, any>;

describe("the restricted Pod Security Standard of tenant namespaces", () => {
    it("admits a pod that is non-root, drops every capability, forbids escalation and uses the runtime's seccomp profile", () => {
        expect(restrictedViolations(compliant())).toEqual([]);
    });

    it.each<[string, (s: Spec) => void, RegExp]>([
        ["host network", (s) => (s.hostNetwork = true), /hostNetwork/],
        ["host PID", (s) => (s.hostPID = true), /hostPID/],
        [
            "a hostPath volume",
            (s) => s.volumes.push({ name: "host", hostPath: { path: "/" } } as never),
            /volume host: type hostPath/,
        ],
        ["root user on the pod", (s) => (s.securityContext.runAsUser = 0), /runAsUser must not be 0/],
        [
            "no runAsNonRoot anywhere",
            (s) => delete (s.securityContext as Record<string, unknown>).runAsNonRoot,
            /container (init|web): runAsNonRoot/,
        ],
        [
            "no seccomp profile",
            (s) => delete (s.securityContext as Record<string, unknown>).seccompProfile,
            /container (init|web): seccompProfile/,
        ],
        [
            "an Unconfined seccomp profile",
            (s) => (s.securityContext.seccompProfile.type = "Unconfined"),
            /seccompProfile/,
        ],
        [
            "privilege escalation left open",
            (s) => delete (s.containers[0].securityContext as Record<string, unknown>).allowPrivilegeEscalation,
            /container web: securityContext.allowPrivilegeEscalation/,
        ],
        [
            "a privileged init container",
            (s) => Object.assign(s.initContainers[0].securityContext, { privileged: true }),
            /container init: privileged/,
        ],
        [
            "capabilities not dropped",
            (s) => (s.containers[0].securityContext.capabilities.drop = []),
            /container web: capabilities must drop ALL/,
        ],
        [
            "an added capability",
            (s) => s.containers[0].securityContext.capabilities.add.push("NET_ADMIN"),
            /capability NET_ADMIN/,
        ],
        ["a host port", (s) => Object.assign(s.containers[0].ports[0], { hostPort: 80 }), /hostPort 80/],
    ])("refuses %s, and nothing else", (_name, mutate, message) => {
        const spec = compliant() as Spec;
        mutate(spec);
        const problems = restrictedViolations(spec);
        expect(problems.length).toBeGreaterThan(0);
        for (const p of problems) expect(p).toMatch(message);
    });
});
