/**
 * What the *restricted* Pod Security Standard (which every app and tenant namespace enforces)
 * refuses in a pod spec, so that the policy pack and the tests find it before the API server does. Covers the
 * controls of the standard that a pod template sets: host namespaces, privileged containers,
 * capabilities, host paths and ports, volume types, privilege escalation, non-root users and the
 * seccomp profile.
 */

import { at, listAt, objAt, objectsAt, shown, type Obj } from "./types";

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
    const pod = objAt(podSpec, "securityContext");
    for (const key of ["hostNetwork", "hostPID", "hostIPC"])
        if (podSpec[key] === true) problems.push(`spec.${key} must not be true`);
    for (const v of objectsAt(podSpec, "volumes")) {
        const type = Object.keys(v).find((k) => k !== "name");
        if (type && !RESTRICTED_VOLUME_TYPES.has(type))
            problems.push(`volume ${shown(v.name)}: type ${type} is not allowed`);
    }
    if (pod.runAsUser === 0) problems.push("spec.securityContext.runAsUser must not be 0");
    const containers = ["initContainers", "containers", "ephemeralContainers"].flatMap((f) => objectsAt(podSpec, f));
    for (const c of containers) problems.push(...containerViolations(c, pod));
    return problems;
}

/** The violations of one container, given its pod's security context (which some fields fall back to). */
function containerViolations(c: Obj, pod: Obj): string[] {
    const problems: string[] = [];
    const sc = objAt(c, "securityContext");
    const who = `container ${shown(c.name)}`;
    if (sc.privileged === true) problems.push(`${who}: privileged must not be true`);
    if (sc.allowPrivilegeEscalation !== false)
        problems.push(`${who}: securityContext.allowPrivilegeEscalation must be false`);
    const runAsNonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
    if (runAsNonRoot !== true)
        problems.push(`${who}: runAsNonRoot must be true (in the container's or the pod's securityContext)`);
    if (sc.runAsUser === 0) problems.push(`${who}: runAsUser must not be 0`);
    const seccomp = at(sc.seccompProfile ?? pod.seccompProfile, "type");
    if (typeof seccomp !== "string" || !SECCOMP_ALLOWED.has(seccomp))
        problems.push(
            `${who}: seccompProfile.type must be RuntimeDefault or Localhost (in the container's or the pod's securityContext)`,
        );
    const caps = objAt(sc, "capabilities");
    if (!listAt(caps, "drop").includes("ALL")) problems.push(`${who}: capabilities must drop ALL`);
    for (const add of listAt(caps, "add"))
        if (add !== "NET_BIND_SERVICE") problems.push(`${who}: capability ${shown(add)} must not be added`);
    for (const p of objectsAt(c, "ports"))
        if (p.hostPort) problems.push(`${who}: hostPort ${shown(p.hostPort)} is not allowed`);
    return problems;
}
