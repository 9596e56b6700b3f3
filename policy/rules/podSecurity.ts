/**
 * What the *restricted* Pod Security Standard (which every app and tenant namespace enforces)
 * refuses in a pod spec, so that the policy pack and the tests find it before the API server does. Covers the
 * controls of the standard that a pod template sets: host namespaces, privileged containers,
 * capabilities, host paths and ports, volume types, privilege escalation, non-root users and the
 * seccomp profile.
 */

type Obj = Record<string, any>;

const RESTRICTED_VOLUME_TYPES = new Set([
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
]);
const SECCOMP_ALLOWED = new Set(["RuntimeDefault", "Localhost"]);

/** Every violation of the restricted standard in a pod spec, one readable line each; empty when it passes. */
export function restrictedViolations(podSpec: Obj): string[] {
    const problems: string[] = [];
    const pod = (podSpec.securityContext ?? {}) as Obj;
    for (const key of ["hostNetwork", "hostPID", "hostIPC"])
        if (podSpec[key] === true) problems.push(`spec.${key} must not be true`);
    for (const v of (podSpec.volumes ?? []) as Obj[]) {
        const type = Object.keys(v).find((k) => k !== "name");
        if (type && !RESTRICTED_VOLUME_TYPES.has(type)) problems.push(`volume ${v.name}: type ${type} is not allowed`);
    }
    if (pod.runAsUser === 0) problems.push("spec.securityContext.runAsUser must not be 0");
    const containers = [
        ...((podSpec.initContainers ?? []) as Obj[]),
        ...((podSpec.containers ?? []) as Obj[]),
        ...((podSpec.ephemeralContainers ?? []) as Obj[]),
    ];
    for (const c of containers) {
        const sc = (c.securityContext ?? {}) as Obj;
        const at = `container ${c.name}`;
        if (sc.privileged === true) problems.push(`${at}: privileged must not be true`);
        if (sc.allowPrivilegeEscalation !== false)
            problems.push(`${at}: securityContext.allowPrivilegeEscalation must be false`);
        const runAsNonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
        if (runAsNonRoot !== true)
            problems.push(`${at}: runAsNonRoot must be true (in the container's or the pod's securityContext)`);
        if (sc.runAsUser === 0) problems.push(`${at}: runAsUser must not be 0`);
        const seccomp = (sc.seccompProfile ?? pod.seccompProfile)?.type;
        if (!SECCOMP_ALLOWED.has(seccomp))
            problems.push(
                `${at}: seccompProfile.type must be RuntimeDefault or Localhost (in the container's or the pod's securityContext)`,
            );
        const caps = (sc.capabilities ?? {}) as Obj;
        if (!((caps.drop ?? []) as string[]).includes("ALL")) problems.push(`${at}: capabilities must drop ALL`);
        for (const add of (caps.add ?? []) as string[])
            if (add !== "NET_BIND_SERVICE") problems.push(`${at}: capability ${add} must not be added`);
        for (const p of (c.ports ?? []) as Obj[])
            if (p.hostPort) problems.push(`${at}: hostPort ${p.hostPort} is not allowed`);
    }
    return problems;
}
