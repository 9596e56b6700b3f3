/**
 * Pulumi records a stack trace on every promise it creates (`debuggablePromise`), for the report
 * of leaked promises, and reads it at once. With ts-node's source-map support installed, formatting
 * each trace maps every frame back to TypeScript: measured, that bookkeeping cost more than the
 * program's own work. Those traces are formatted plainly here; every other error's stack is still
 * source-mapped.
 *
 * SDK internals relied on: the function name `debuggablePromise` (`runtime/debuggable.ts` of
 * @pulumi/pulumi, which stores `new Error().stack` on each promise as `_debugStackTrace`). When
 * upgrading @pulumi/pulumi, check that the function still has that name and still takes the trace
 * itself; if not, nothing breaks, but renders slow down to the source-mapped cost again (`npm run
 * bench` shows it).
 */

type Prepare = (err: Error, frames: NodeJS.CallSite[]) => unknown;

/** The frames that say where a leaked promise came from; deeper ones are the runtime's own. */
const PROMISE_TRACE_FRAMES = 8;

/** A stack trace as V8 prints it without source maps, cut to the frames below the first. */
export function plainTrace(err: Error, frames: readonly NodeJS.CallSite[]): string {
    const lines = frames
        .slice(1, 1 + PROMISE_TRACE_FRAMES)
        .map(
            (f) =>
                `    at ${f.getFunctionName() ?? "<anonymous>"} (${f.getFileName()}:${f.getLineNumber()}:${f.getColumnNumber()})`,
        );
    return `${String(err)}\n${lines.join("\n")}`;
}

/**
 * Wraps the installed `Error.prepareStackTrace` (source-map support's) so that the traces Pulumi
 * takes for its promises skip it. Does nothing when none is installed or it is wrapped already.
 */
export function formatPromiseTracesPlainly(): void {
    // Node's hook is a plain function of (err, frames); it never reads `this`.
    // eslint-disable-next-line @typescript-eslint/unbound-method -- a plain function of (err, frames)
    const current = Error.prepareStackTrace as (Prepare & { plainPromiseTraces?: true }) | undefined;
    if (!current || current.plainPromiseTraces) return;
    Error.prepareStackTrace = Object.assign(
        (err: Error, frames: NodeJS.CallSite[]) =>
            frames[0]?.getFunctionName() === "debuggablePromise" ? plainTrace(err, frames) : current(err, frames),
        { plainPromiseTraces: true as const },
    );
}
