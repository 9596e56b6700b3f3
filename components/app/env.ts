import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface AppEnvArgs {
    /** The namespace of both objects. */
    readonly namespace: pulumi.Input<string>;
    /** Labels of both objects. */
    readonly labels: Record<string, string>;
    /** Plain environment: the ConfigMap's data. */
    readonly env: Record<string, pulumi.Input<string>>;
    /** Names of the secret variables. @default [] : no Secret is created */
    readonly secretEnv?: readonly string[];
    /** Values of the secret variables, by name; a secret Output. Names not in `secretEnv` are left out. */
    readonly secretValues?: pulumi.Input<Record<string, string>>;
}

/** The entries of `values` named in `names`, in the order of `names`; a missing value is an error. */
export function pickSecretEnv(values: Record<string, string>, names: readonly string[]): Record<string, string> {
    const missing = names.filter((n) => values[n] === undefined);
    if (missing.length > 0) throw new Error(`capstan:appSecrets has no value for ${missing.join(", ")}`);
    return Object.fromEntries(names.map((n) => [n, values[n]]));
}

/**
 * The app's environment: a ConfigMap of plain values and a Secret of secret ones. Both are
 * auto-named, so new data means a new object, and every workload that reads it rolls.
 */
export class AppEnv extends pulumi.ComponentResource {
    public readonly configMapName: pulumi.Output<string>;
    /** Undefined when the app has no secret environment. */
    public readonly secretName?: pulumi.Output<string>;

    constructor(name: string, args: AppEnvArgs, opts?: pulumi.ComponentResourceOptions) {
        super("capstan:app:AppEnv", name, {}, opts);
        const secretEnv = args.secretEnv ?? [];
        const configMap = new k8s.core.v1.ConfigMap(
            name,
            { metadata: { namespace: args.namespace, labels: args.labels }, data: args.env },
            { parent: this },
        );
        this.configMapName = configMap.metadata.name;
        if (secretEnv.length > 0) {
            const values = pulumi.output(args.secretValues ?? {}).apply((v) => pickSecretEnv(v, secretEnv));
            const secret = new k8s.core.v1.Secret(
                `${name}-secret`,
                {
                    metadata: { namespace: args.namespace, labels: args.labels },
                    type: "Opaque",
                    stringData: pulumi.secret(values),
                },
                { parent: this },
            );
            this.secretName = secret.metadata.name;
        }
        this.registerOutputs({
            configMapName: this.configMapName,
            ...(this.secretName ? { secretName: this.secretName } : {}),
        });
    }
}
