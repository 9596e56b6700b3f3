import * as pulumi from "@pulumi/pulumi";

/** The value of an Input, once known. */
export function resolveOutput<T>(o: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(o).apply((v) => resolve(v as T)));
}
