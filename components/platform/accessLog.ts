/**
 * The NGINX Ingress Controller's access log: one JSON object per request, written with NGINX's
 * `escape=json` (the controller's `log-format-escaping: json`), so a quote, a backslash or a
 * control character in a header cannot break the line. Query strings are logged with the values
 * of sensitive parameters replaced, by a chain of `map` blocks in the controller's http context.
 */

/** The headers to log besides the fixed fields. */
export interface LogHeaders {
    readonly request: readonly string[];
    readonly response: readonly string[];
}

/** The value a sensitive query parameter is logged with. */
export const REDACTED = "[REDACTED]";

/** The variable that holds the query string with sensitive values replaced. */
export const LOGGED_QUERY_VARIABLE = "capstan_log_query";

/** NGINX's variable of a header: `X-User-Id` is `$http_x_user_id` (request) or `$sent_http_x_user_id` (response). */
export function headerVariable(header: string, side: "request" | "response"): string {
    const name = header.toLowerCase().replace(/-/g, "_");
    return side === "request" ? `http_${name}` : `sent_http_${name}`;
}

/**
 * The fields of each line, as JSON key and NGINX variable; `number` fields are written without
 * quotes (NGINX always fills them with a number). `client` is the address the load balancer saw:
 * the internet-facing load balancer preserves the client's address and the controller's Service
 * keeps it (`externalTrafficPolicy: Local`).
 */
export function accessLogFields(headers: LogHeaders): { key: string; variable: string; number?: true }[] {
    return [
        { key: "time", variable: "time_iso8601" },
        { key: "request_id", variable: "request_id" },
        { key: "client", variable: "remote_addr" },
        { key: "forwarded_for", variable: "http_x_forwarded_for" },
        { key: "host", variable: "host" },
        { key: "method", variable: "request_method" },
        { key: "path", variable: "uri" },
        { key: "query", variable: LOGGED_QUERY_VARIABLE },
        { key: "protocol", variable: "server_protocol" },
        { key: "status", variable: "status", number: true },
        { key: "bytes", variable: "body_bytes_sent", number: true },
        { key: "request_time", variable: "request_time", number: true },
        { key: "upstream_addr", variable: "upstream_addr" },
        { key: "upstream_status", variable: "upstream_status" },
        { key: "upstream_time", variable: "upstream_response_time" },
        { key: "user_agent", variable: "http_user_agent" },
        { key: "referer", variable: "http_referer" },
        ...headers.request.map((h) => ({
            key: `req_${headerVariable(h, "request").slice(5)}`,
            variable: headerVariable(h, "request"),
        })),
        ...headers.response.map((h) => ({
            key: `resp_${headerVariable(h, "response").slice(10)}`,
            variable: headerVariable(h, "response"),
        })),
    ];
}

/** The controller's `log-format`: one JSON object per line. */
export function accessLogFormat(headers: LogHeaders): string {
    const fields = accessLogFields(headers).map((f) =>
        f.number ? `"${f.key}":$${f.variable}` : `"${f.key}":"$${f.variable}"`,
    );
    return `{${fields.join(",")}}`;
}

/** A query parameter name as a PCRE literal. */
function literal(name: string): string {
    return name.replace(/[.[\]]/g, (c) => `\\${c}`);
}

/** One step of the redaction chain: where the regex matches `source`, `target` is `replacement`. */
export interface RedactionStep {
    readonly source: string;
    readonly target: string;
    /** A case-insensitive PCRE (and JavaScript) regular expression; `$1`, `$2` are its captures. */
    readonly regex: string;
    readonly replacement: string;
}

/**
 * The redaction chain: one map per parameter replaces its value (the last occurrence, which the
 * greedy prefix finds), then a final map logs the whole query as [REDACTED] if any sensitive
 * parameter still carries a value, such as a second occurrence. Nothing sensitive reaches the log.
 */
export function redactionSteps(params: readonly string[]): RedactionStep[] {
    const steps: RedactionStep[] = params.map((p, i) => ({
        source: i === 0 ? "args" : `capstan_args_${i}`,
        target: `capstan_args_${i + 1}`,
        regex: `^(.*&)?${literal(p)}=[^&]*(.*)$`,
        replacement: `$1${p}=${REDACTED}$2`,
    }));
    const last = steps.length === 0 ? "args" : steps[steps.length - 1].target;
    if (params.length === 0) return [{ source: last, target: LOGGED_QUERY_VARIABLE, regex: "", replacement: "" }];
    const names = params.map(literal).join("|");
    return [
        ...steps,
        {
            source: last,
            target: LOGGED_QUERY_VARIABLE,
            regex: `(^|&)(${names})=(?!${literal(REDACTED)}(&|$))`,
            replacement: REDACTED,
        },
    ];
}

/** The redaction chain as NGINX `map` blocks for the controller's `http-snippets`. */
export function redactionMaps(params: readonly string[]): string {
    return redactionSteps(params)
        .map((s) =>
            [
                `map $${s.source} $${s.target} {`,
                ...(s.regex ? [`    "~*${s.regex}" "${s.replacement}";`] : []),
                `    default $${s.source};`,
                "}",
            ].join("\n"),
        )
        .join("\n");
}

/**
 * The controller ConfigMap entries of the access log: the JSON format, and the request id NGINX
 * generates passed to the app as `X-Request-ID` in every location (replacing any the client sent),
 * so the app's own log lines carry the id of the access log's line.
 */
export function accessLogEntries(headers: LogHeaders): Record<string, string> {
    return {
        "log-format": accessLogFormat(headers),
        "log-format-escaping": "json",
        "location-snippets": "proxy_set_header X-Request-ID $request_id;",
    };
}
