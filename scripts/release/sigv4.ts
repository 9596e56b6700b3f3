/**
 * The stack's own metrics: the query endpoint of its Amazon Managed Service for Prometheus
 * workspace (the `observability` stack output), with every request signed by AWS's own SigV4
 * signer from the credentials of your environment (the SDK's default chain: variables, profile,
 * SSO, instance or pod role).
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { SignatureV4 } from "@smithy/signature-v4";
import type { RequestSigner } from "./prometheus";

/** The region of a workspace endpoint such as `https://aps-workspaces.eu-central-1.amazonaws.com/workspaces/ws-1/`. */
export function workspaceRegion(endpoint: string): string | undefined {
    return /^aps-workspaces\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(new URL(endpoint).hostname)?.[1];
}

/** A signer of GET requests to the workspace's API (service `aps`). */
export function ampSigner(region: string): RequestSigner {
    const signer = new SignatureV4({ service: "aps", region, sha256: Sha256, credentials: fromNodeProviderChain() });
    return async (url) => {
        const signed = await signer.sign({
            method: "GET",
            protocol: url.protocol,
            hostname: url.hostname,
            path: url.pathname,
            query: Object.fromEntries(url.searchParams),
            headers: { host: url.host },
        });
        return signed.headers;
    };
}
