import type { ConfigProblem } from "./errors";
import type { RootConfig } from "./schema";

/** The CPU architecture of an EKS AMI, as its SSM parameter path spells it. */
export type Architecture = "x86_64" | "arm64";

/**
 * The CPU architecture of an EC2 instance type, read from its family: AWS Graviton families carry
 * a `g` right after the generation (`m7g`, `c7gn`, `r8gd`, `t4g`, `im4gn`, `g5g`), and `a1` is the
 * first Graviton; every other family is x86_64 (`m7i`, `c7a`, `g4dn`, `m7i-flex`).
 */
export function instanceArchitecture(type: string): Architecture {
    const family = type.split(".")[0].replace(/-[a-z]+$/, "");
    return family === "a1" || /^[a-z]+\d+g[a-z]*$/.test(family) ? "arm64" : "x86_64";
}

/** The architecture of a node group's instance types, or undefined when they mix architectures. */
export function groupArchitecture(instanceTypes: readonly string[]): Architecture | undefined {
    const found = new Set(instanceTypes.map(instanceArchitecture));
    return found.size === 1 ? [...found][0] : undefined;
}

const at = (path: string, message: string): ConfigProblem => ({ path: `capstan:${path}`, message });

/**
 * One launch template takes one AMI, and an AMI is built for one architecture: a group whose
 * instance types mix Graviton (arm64) and x86_64 would launch nodes that cannot boot it.
 */
export function architectureChecks(cfg: Pick<RootConfig, "nodeGroups">): ConfigProblem[] {
    return cfg.nodeGroups.flatMap((g, i) => {
        if (groupArchitecture(g.instanceTypes)) return [];
        const of = (arch: Architecture) => g.instanceTypes.filter((t) => instanceArchitecture(t) === arch).join(", ");
        return [
            at(
                `nodeGroups[${i}].instanceTypes`,
                `mix arm64 (Graviton: ${of("arm64")}) and x86_64 (${of("x86_64")}) types, but a group's nodes share one AMI of one architecture; put them in two groups`,
            ),
        ];
    });
}

/** What to tell the operator about a group of arm64 nodes: the app's image must run there too. */
export function architectureWarning(group: string, architecture: Architecture): string | undefined {
    return architecture === "arm64"
        ? `node group ${group} runs arm64 (Graviton) nodes: the app image must be built for linux/arm64 (a multi-arch image), or its pods there fail with "exec format error"`
        : undefined;
}
