/** The rules every pod of the app must meet, shared by the whole-stack and canary tests. */

import { parseQuantity } from "../../../components/core/quantity";
import { restrictedViolations } from "../../../policy/rules/podSecurity";

type Obj = Record<string, any>;

/** The pod template of a workload object. */
export function podTemplateOf(o: Obj): Obj {
    return o.kind === "CronJob" ? o.spec.jobTemplate.spec.template : o.spec.template;
}

/** Every way a pod template breaks the restricted Pod Security Standard or the app's own rules. */
export function podProblems(template: Obj): string[] {
    const spec = template.spec;
    const p: string[] = restrictedViolations(spec);
    const writable = new Set((spec.volumes ?? []).filter((v: Obj) => v.emptyDir).map((v: Obj) => v.name));
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        if (c.securityContext?.readOnlyRootFilesystem !== true) p.push(`${c.name}: root filesystem is writable`);
        const mounts: Obj[] = c.volumeMounts ?? [];
        if (!mounts.some((m) => m.mountPath === "/tmp" && writable.has(m.name)))
            p.push(`${c.name}: /tmp is not a writable emptyDir`);
        if (!mounts.some((m) => /\/tmp$/.test(m.mountPath) && m.mountPath !== "/tmp" && writable.has(m.name)))
            p.push(`${c.name}: the app's tmp/ is not a writable emptyDir`);
        if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory)
            p.push(`${c.name}: no CPU and memory requests`);
        if (!c.resources?.limits?.memory) p.push(`${c.name}: no memory limit`);
        p.push(...storageProblems(spec, c));
        if (!/^[^@\s]+:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(c.image) || /:latest$/.test(c.image))
            p.push(`${c.name}: image ${c.image} is not pinned to a tag`);
    }
    return p;
}

/**
 * A container's share of the node's disk: an ephemeral-storage request and limit, and every
 * writable emptyDir with a size limit, all of them together within the container's limit.
 */
function storageProblems(spec: Obj, c: Obj): string[] {
    const request = c.resources?.requests?.["ephemeral-storage"];
    const limit = c.resources?.limits?.["ephemeral-storage"];
    if (request === undefined || limit === undefined) return [`${c.name}: no ephemeral-storage request and limit`];
    const p: string[] = [];
    const emptyDirs: Obj[] = (spec.volumes ?? []).filter((v: Obj) => v.emptyDir);
    const unbounded = emptyDirs.filter((v) => v.emptyDir.sizeLimit === undefined).map((v) => v.name);
    if (unbounded.length > 0) p.push(`${c.name}: emptyDirs ${unbounded.join(", ")} have no sizeLimit`);
    const total = emptyDirs.reduce((sum, v) => sum + (parseQuantity(String(v.emptyDir.sizeLimit ?? 0)) ?? Infinity), 0);
    if (total > (parseQuantity(String(limit)) ?? 0))
        p.push(`${c.name}: the emptyDirs' size limits add up to more than the ephemeral-storage limit ${limit}`);
    return p;
}

/** What the API server refuses in a pod's tolerations (core/validation ValidateTolerations). */
export function tolerationProblems(tolerations: readonly Obj[]): string[] {
    const p: string[] = [];
    for (const t of tolerations) {
        const what = `toleration ${JSON.stringify(t)}`;
        if (!["Equal", "Exists", undefined].includes(t.operator)) p.push(`${what}: unknown operator`);
        if (t.operator === "Exists" && (t.value ?? "") !== "")
            p.push(`${what}: value must be empty when operator is 'Exists'`);
        if ((t.key ?? "") === "" && t.operator !== "Exists") p.push(`${what}: an empty key needs operator 'Exists'`);
    }
    return p;
}

/** What a web pod must have beyond the common rules: probes, a preStop sleep, a long enough grace period. */
export function webPodProblems(template: Obj): string[] {
    const p: string[] = [];
    const spec = template.spec;
    const c = spec.containers[0];
    for (const probe of ["readinessProbe", "livenessProbe", "startupProbe"])
        if (!c[probe]?.httpGet) p.push(`no HTTP ${probe}`);
    if (JSON.stringify(c.livenessProbe) === JSON.stringify(c.readinessProbe))
        p.push("liveness is identical to readiness");
    const sleep = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
    if (!(sleep > 0)) p.push("no preStop sleep");
    if (!((spec.terminationGracePeriodSeconds ?? 30) > sleep + 1))
        p.push("grace period not longer than the preStop sleep");
    p.push(...spreadProblems(template));
    return p;
}

/**
 * A Deployment's pods are spread across zones and across the nodes of a zone, never at the cost of
 * leaving a pod pending (`ScheduleAnyway`), each constraint selecting the workload's own pods.
 */
export function spreadProblems(template: Obj): string[] {
    const p: string[] = [];
    const constraints: Obj[] = template.spec.topologySpreadConstraints ?? [];
    for (const key of ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]) {
        const c = constraints.find((t) => t.topologyKey === key);
        if (!c) p.push(`not spread by ${key}`);
        else if (c.whenUnsatisfiable !== "ScheduleAnyway") p.push(`${key} spread may leave pods pending`);
        else if (Object.entries(c.labelSelector?.matchLabels ?? {}).some(([k, v]) => template.metadata.labels[k] !== v))
            p.push(`${key} spread does not select the workload's own pods`);
    }
    return p;
}
