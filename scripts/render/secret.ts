/**
 * Pulumi's signature on serialized secret values: how the mock engine's inputs and a run's outputs
 * mark what must be redacted.
 */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

export function isSecretValue(v: unknown): v is { value: unknown } {
    return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG_VALUE;
}

/** A value wrapped as Pulumi serializes a secret. */
export function secretValue(value: unknown): { value: unknown } {
    const wrapped: Record<string, unknown> = { [SECRET_SIG_KEY]: SECRET_SIG_VALUE, value };
    return wrapped as { value: unknown };
}
