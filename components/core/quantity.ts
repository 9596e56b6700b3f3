/**
 * Kubernetes resource quantities, by the grammar of `k8s.io/apimachinery/pkg/api/resource`
 * (quantity.go):
 *
 *     <quantity>        ::= <signedNumber><suffix>
 *     <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
 *     <signedNumber>    ::= <number> | <sign><number>
 *     <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI>
 *     <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei
 *     <decimalSI>       ::= m | "" | k | M | G | T | P | E
 *     <decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber>   (an integer exponent)
 *
 * So `1e9`, `1.5Gi`, `500m`, `.5`, `2.` and `+1` are quantities; `1 Gi`, `1gi` and `1GB` are not.
 * Values are JavaScript numbers in the base unit (cores, bytes): exact enough to compare.
 */

const QUANTITY = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

const SUFFIXES: Record<string, number> = {
    "": 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};

/** A quantity's value in its base unit (cores, bytes); undefined when the text is not a quantity. */
export function parseQuantity(text: string): number | undefined {
    const m = QUANTITY.exec(text);
    if (!m) return undefined;
    const suffix = m[3] ?? "";
    const scale = /^[eE][+-]?[0-9]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIXES[suffix];
    const value = Number(m[2]) * scale;
    return m[1] === "-" ? -value : value;
}

export type QuantityKind = "CPU" | "memory" | "ephemeral storage";

const EXAMPLES: Record<QuantityKind, string> = {
    CPU: "500m, 0.5 or 2",
    memory: "512Mi, 1Gi or 1e9",
    "ephemeral storage": "256Mi or 2Gi",
};

/** Why a requested amount of CPU or memory is not one Kubernetes accepts; undefined when it is. */
export function quantityProblem(text: string, kind: QuantityKind): string | undefined {
    const value = parseQuantity(text);
    if (value === undefined)
        return `${JSON.stringify(text)} is not a Kubernetes quantity; write the ${kind} like ${EXAMPLES[kind]} (no space, binary units as Ki/Mi/Gi)`;
    if (value < 0) return `${JSON.stringify(text)} is negative; Kubernetes refuses negative ${kind} amounts`;
    return undefined;
}

/** A quantity for messages: the text as written and, when it helps, its value in plain units. */
export function showQuantity(text: string, kind: QuantityKind): string {
    const value = parseQuantity(text) ?? 0;
    const plain =
        kind === "CPU"
            ? `${Math.round(value * 1000) / 1000} CPU`
            : value >= 2 ** 20
              ? `${Math.round((value / 2 ** 20) * 10) / 10}Mi`
              : `${value} bytes`;
    return `${text} (${plain})`;
}
