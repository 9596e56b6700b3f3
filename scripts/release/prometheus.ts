/**
 * A client of the Prometheus HTTP API's instant query (`GET <base>/api/v1/query`), as Prometheus
 * and Amazon Managed Service for Prometheus serve it. A request may be signed (SigV4 for the
 * workspace). Every query the analysis sends returns one value or none.
 */

/** Headers to add to a request to `url`: a signature, or nothing. */
export type RequestSigner = (url: URL) => Promise<Record<string, string>>;

/** One value of an instant query at `at`, or undefined when the result is empty or not a number. */
export type InstantQuery = (expr: string, at: Date) => Promise<number | undefined>;

/** A failure to reach the API or a query it refused, with what to do. */
export class PrometheusError extends Error {}

interface ApiAnswer {
    readonly status: "success" | "error";
    readonly error?: string;
    readonly data?: { readonly resultType: string; readonly result: unknown };
}

/** The value of a query's result: a scalar, or a vector of at most one sample. */
export function valueOf(expr: string, data: NonNullable<ApiAnswer["data"]>): number | undefined {
    let text: string | undefined;
    if (data.resultType === "scalar") text = (data.result as [number, string])[1];
    else if (data.resultType === "vector") {
        const samples = data.result as { metric: Record<string, string>; value: [number, string] }[];
        if (samples.length > 1)
            throw new PrometheusError(
                `the query returns ${samples.length} series, not one value: wrap it in sum() or another aggregation: ${expr}`,
            );
        text = samples[0]?.value[1];
    } else throw new PrometheusError(`the query returns a ${data.resultType}, not one value: ${expr}`);
    const value = text === undefined ? NaN : Number(text);
    return Number.isFinite(value) ? value : undefined;
}

/**
 * A query string encoded as SigV4 canonicalizes it (RFC 3986: a space is `%20`, never `+`), so the
 * server reads back exactly the values that were signed.
 */
export function queryString(params: Readonly<Record<string, string>>): string {
    const encode = (v: string) =>
        encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    return Object.entries(params)
        .map(([k, v]) => `${encode(k)}=${encode(v)}`)
        .join("&");
}

/** An instant-query client of the API at `baseUrl` (the URL `/api/v1/query` is appended to). */
export function prometheusClient(baseUrl: string, sign?: RequestSigner, timeoutMs = 15_000): InstantQuery {
    const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
    return async (expr, at) => {
        const url = new URL("api/v1/query", base);
        url.search = queryString({ query: expr, time: (at.getTime() / 1000).toFixed(3) });
        let answer: ApiAnswer;
        try {
            const headers = sign ? await sign(url) : {};
            const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
            const body = await res.text();
            const notApi = () =>
                new PrometheusError(`${url.origin} answered ${res.status} ${body.slice(0, 300).trim()}`);
            try {
                answer = JSON.parse(body) as ApiAnswer;
            } catch {
                throw notApi();
            }
            // Not the API's own answer: the workspace's gateway refusing a signature or a permission.
            if (answer.status !== "success" && answer.status !== "error") throw notApi();
        } catch (err) {
            if (err instanceof PrometheusError) throw err;
            throw new PrometheusError(`cannot reach the Prometheus API at ${base}: ${(err as Error).message}`);
        }
        if (answer.status !== "success" || !answer.data)
            throw new PrometheusError(`the Prometheus API refused the query (${answer.error ?? "no reason"}): ${expr}`);
        return valueOf(expr, answer.data);
    };
}
