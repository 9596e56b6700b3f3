import { parser } from "@prometheus-io/lezer-promql";

/** What Prometheus' own PromQL grammar finds in an expression. */
export interface PromqlParse {
    /** Offsets of the parse errors; empty when the expression parses. */
    readonly errors: readonly number[];
    /** The metric names its selectors name, in order. */
    readonly metrics: readonly string[];
}

/**
 * Parses a PromQL expression with Prometheus' own grammar (@prometheus-io/lezer-promql, the parser
 * of Prometheus' query editor): its parse errors and the metrics it names. Used on the alert rules
 * and on the canary analysis' queries, so a query that cannot run is refused before anything starts.
 */
export function parsePromql(expr: string): PromqlParse {
    const errors: number[] = [];
    const metrics: string[] = [];
    parser.parse(expr).iterate({
        enter: (n) => {
            if (n.type.isError) errors.push(n.from);
            if (n.name === "VectorSelector") {
                const id = n.node.getChild("Identifier");
                if (id) metrics.push(expr.slice(id.from, id.to));
            }
        },
    });
    return { errors, metrics };
}

/** Why an expression is not PromQL (where it stops parsing), or undefined when it parses. */
export function promqlProblem(expr: string): string | undefined {
    if (expr.trim() === "") return "is empty: give a PromQL expression";
    const { errors } = parsePromql(expr);
    if (errors.length === 0) return undefined;
    const at = errors[0];
    return `is not PromQL: the grammar stops at character ${at + 1} (${JSON.stringify(expr.slice(at, at + 20) || "the end")})`;
}
