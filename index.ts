/**
 * Capstan: the whole platform of a Rails-style monolith, one stack per environment or tenant.
 * Reads the stack config once, composes the layers, and returns the stack outputs.
 */
import { loadConfig } from "./components/config";

export = async () => {
    const cfg = loadConfig();
    return {
        environment: cfg.environment,
        namespace: cfg.namespace,
        imageTag: cfg.imageTag,
    };
};
