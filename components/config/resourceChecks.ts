import type { ConfigProblem } from "./errors";
import { parseQuantity, showQuantity } from "../core/quantity";
import type { RootConfig } from "./schema";

type Resources = RootConfig["app"]["web"]["resources"];

/** Below this, a container is killed out of memory as it starts: the amount is a bare number of bytes by mistake. */
const MIN_MEMORY = 6 * 2 ** 20;

const at = (path: string, message: string): ConfigProblem => ({ path: `capstan:${path}`, message });

/**
 * What the API server and the autoscaler would refuse in one container's resources: a memory
 * limit below its request (the API server rejects the pod), no memory at all, and, for a workload
 * an HPA scales on CPU utilization, a CPU request of zero (utilization is a share of the request,
 * so there is nothing to scale on).
 */
export function resourceProblems(path: string, r: Resources, scaledOnCpu: boolean): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const cpu = parseQuantity(r.cpu);
    const memory = parseQuantity(r.memory);
    const limit = parseQuantity(r.memoryLimit);
    if (scaledOnCpu && cpu === 0) {
        problems.push(
            at(
                `${path}.cpu`,
                `${JSON.stringify(r.cpu)} requests no CPU, but its autoscaler scales on CPU utilization, a share of the request: request some CPU, e.g. 100m`,
            ),
        );
    }
    if (memory === 0)
        problems.push(
            at(
                `${path}.memory`,
                `${JSON.stringify(r.memory)} requests no memory; request what the process needs, e.g. 512Mi`,
            ),
        );
    if (limit !== undefined && limit > 0 && limit < MIN_MEMORY) {
        problems.push(
            at(
                `${path}.${r.memoryLimit === r.memory ? "memory" : "memoryLimit"}`,
                `${showQuantity(r.memoryLimit, "memory")} is too little memory for any process to start; a bare number is bytes: write the unit, e.g. 512Mi or 1.5Gi`,
            ),
        );
    }
    if (memory !== undefined && limit !== undefined && limit < memory) {
        problems.push(
            at(
                `${path}.memoryLimit`,
                `${showQuantity(r.memoryLimit, "memory")} is below the memory request ${showQuantity(r.memory, "memory")}, which the API server refuses; set memoryLimit >= memory`,
            ),
        );
    }
    return problems;
}

/** The least disk each writable path (emptyDir) gets as its share of the ephemeral-storage limit. */
const MIN_WRITABLE_PATH = 16 * 2 ** 20;

/**
 * A container's ephemeral storage: a limit the API server accepts (not below the request), and
 * room in it for every writable path, each of which gets an equal share as its size limit.
 */
export function storageProblems(path: string, r: Resources, writablePaths: number): ConfigProblem[] {
    const request = parseQuantity(r.ephemeralStorage);
    const limit = parseQuantity(r.ephemeralStorageLimit);
    if (request === undefined || limit === undefined) return [];
    const problems: ConfigProblem[] = [];
    if (limit < request)
        problems.push(
            at(
                `${path}.ephemeralStorageLimit`,
                `${showQuantity(r.ephemeralStorageLimit, "ephemeral storage")} is below the request ephemeralStorage ${showQuantity(r.ephemeralStorage, "ephemeral storage")}, which the API server refuses; set ephemeralStorageLimit >= ephemeralStorage`,
            ),
        );
    const needed = writablePaths * MIN_WRITABLE_PATH;
    if (limit < needed)
        problems.push(
            at(
                `${path}.ephemeralStorageLimit`,
                `${showQuantity(r.ephemeralStorageLimit, "ephemeral storage")} leaves less than 16Mi to each of the ${writablePaths} writable paths (app.writablePaths), which share it; raise it to at least ${needed / 2 ** 20}Mi`,
            ),
        );
    return problems;
}

/** The resource problems of every container the app runs: web (and canary, migration), workers, cron. */
export function appResourceChecks(cfg: RootConfig): ConfigProblem[] {
    const app = cfg.app;
    const paths = app.writablePaths.length;
    const both = (path: string, r: Resources, scaledOnCpu: boolean) => [
        ...resourceProblems(path, r, scaledOnCpu),
        ...storageProblems(path, r, paths),
    ];
    return [
        ...both("app.web.resources", app.web.resources, true),
        ...(app.migrate.resources ? both("app.migrate.resources", app.migrate.resources, false) : []),
        ...app.workers.flatMap((w, i) => both(`app.workers[${i}].resources`, w.resources, true)),
        ...app.cron.flatMap((c, i) => both(`app.cron[${i}].resources`, c.resources, false)),
    ];
}
