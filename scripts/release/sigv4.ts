/**
 * The stack's own metrics: the query endpoint of its Amazon Managed Service for Prometheus
 * workspace (the `observability` stack output), with every request signed by AWS's own SigV4
 * signer (`@smithy/signature-v4`, the one the AWS SDK signs with) from the credentials of your
 * environment (the SDK's default chain: variables, profile, SSO, instance or pod role).
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { SignatureV4 } from "@smithy/signature-v4";
import type { RequestSigner } from "./prometheus";

/** The region of a workspace endpoint such as `https://aps-workspaces.eu-central-1.amazonaws.com/workspaces/ws-1/`. */
export function workspaceRegion(endpoint: string): string | undefined {
    return /^aps-workspaces\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(new URL(endpoint).hostname)?.[1];
}

export interface SignerOptions {
    readonly service: string;
    readonly region: string;
    /** Fixed keys or a provider of them (the SDK's default chain for the workspace). */
    readonly credentials: ConstructorParameters<typeof SignatureV4>[0]["credentials"];
    /**
     * Whether the payload's hash is sent and signed as `x-amz-content-sha256`.
     * @default true, as the SDK's clients sign
     */
    readonly signPayloadHash?: boolean;
    /** The signing time. @default now */
    readonly now?: () => Date;
}

/** A SigV4 signer of GET requests (no body): the headers to add, `authorization` and `x-amz-date` among them. */
export function sigv4Signer(o: SignerOptions): RequestSigner {
    const signer = new SignatureV4({
        service: o.service,
        region: o.region,
        sha256: Sha256,
        credentials: o.credentials,
        applyChecksum: o.signPayloadHash ?? true,
    });
    return async (url) => {
        const query: Record<string, string | string[]> = {};
        for (const [k, v] of url.searchParams) {
            const seen = query[k];
            query[k] = seen === undefined ? v : [...(Array.isArray(seen) ? seen : [seen]), v];
        }
        const signed = await signer.sign(
            {
                method: "GET",
                protocol: url.protocol,
                hostname: url.hostname,
                path: url.pathname,
                query,
                headers: { host: url.host },
            },
            o.now ? { signingDate: o.now() } : {},
        );
        return signed.headers;
    };
}

/** A signer of GET requests to the workspace's API (service `aps`), from the environment's credentials. */
export function ampSigner(region: string): RequestSigner {
    return sigv4Signer({ service: "aps", region, credentials: fromNodeProviderChain() });
}
