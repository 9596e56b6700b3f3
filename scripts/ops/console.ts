/**
 * `capstan console <stack> [--timeout D] [-- command...]`: an interactive session in a fresh pod of
 * the web template (see podFromTemplate.ts), running `capstan:app.console.command` (default
 * `bin/rails console`) with a TTY attached. The pod is deleted when the session ends; should this
 * command die without deleting it, its active deadline (--timeout, 4 hours by default) ends it.
 */
import { randomBytes } from "crypto";
import type { V1Pod } from "@kubernetes/client-node";
import type { ConsoleArgs } from "./args";
import { apiMessage, connect, webDeployment, type Cluster } from "../cli/cluster";
import { target, type OpsIo } from "./command";
import { consolePod, oneOffName } from "./podFromTemplate";
import { podProgress } from "./podProgress";
import { readStackSettings, type StackSettings } from "../cli/stackfile";
import { localUser, OpsError, stackDir } from "../cli/target";

export const DEFAULT_CONSOLE_COMMAND = ["bin/rails", "console"];

/** The console command of the stack file, `capstan:app.console.command`, or the default. */
export function configuredConsoleCommand(settings: StackSettings): string[] {
    const command = settings.setting("app")?.console.command;
    return command && command.length > 0 ? [...command] : DEFAULT_CONSOLE_COMMAND;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the pod runs; an OpsError when it cannot. */
async function running(cluster: Cluster, pod: V1Pod, io: OpsIo): Promise<void> {
    const name = pod.metadata!.name!;
    const namespace = pod.metadata!.namespace!;
    let said = "";
    for (;;) {
        const current = await cluster.core.readNamespacedPod({ name, namespace });
        const events = (
            await cluster.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` })
        ).items;
        const progress = podProgress(current, events);
        if (progress.state === "running") return;
        if (progress.state === "broken") throw new OpsError(progress.problem);
        if (progress.state === "finished")
            throw new OpsError(`the console exited (${progress.exitCode}) before it could be attached`);
        if (progress.notes.length && progress.notes.join("; ") !== said) {
            said = progress.notes.join("; ");
            io.stderr(`console: pod ${name} is not scheduled yet: ${said}\n`);
        }
        await sleep(1000);
    }
}

async function deletePod(cluster: Cluster, pod: V1Pod, io: OpsIo): Promise<void> {
    try {
        await cluster.core.deleteNamespacedPod({
            name: pod.metadata!.name!,
            namespace: pod.metadata!.namespace!,
            gracePeriodSeconds: 0,
        });
        io.stderr(`console: pod ${pod.metadata!.name} deleted.\n`);
    } catch (err) {
        io.stderr(
            `console: the pod ${pod.metadata!.name} could not be deleted (${apiMessage(err)}); its deadline ends it.\n`,
        );
    }
}

/** Attaches the terminal to the pod until the session ends: the container exits, the connection drops, or a signal. */
async function attach(cluster: Cluster, pod: V1Pod): Promise<string> {
    const { Attach } = await import("@kubernetes/client-node");
    const tty = Boolean(process.stdin.isTTY);
    const ws = await new Attach(cluster.kc).attach(
        pod.metadata!.namespace!,
        pod.metadata!.name!,
        pod.spec!.containers[0].name,
        process.stdout,
        process.stderr,
        process.stdin,
        tty,
    );
    if (tty) process.stdin.setRawMode(true);
    return new Promise((resolve) => {
        const end = (why: string) => {
            if (tty) process.stdin.setRawMode(false);
            for (const [signal, handler] of Object.entries(onSignal)) process.off(signal, handler);
            resolve(why);
        };
        const onSignal = {
            SIGTERM: () => end("terminated"),
            SIGHUP: () => end("the terminal went away"),
            SIGINT: () => end("interrupted"),
        };
        process.once("SIGTERM", onSignal.SIGTERM);
        process.once("SIGHUP", onSignal.SIGHUP);
        if (!tty) process.once("SIGINT", onSignal.SIGINT);
        ws.on("close", () => end("the session ended"));
        ws.on("error", (err: Error) => end(`the connection dropped: ${err.message}`));
    });
}

/** `capstan console`: a session in a fresh pod of the web template, deleted at its end. */
export async function consoleSession(args: ConsoleArgs, io: OpsIo): Promise<number> {
    const t = await target("console", args.stack);
    const cluster = await connect(t);
    const deployment = await webDeployment(cluster, t);
    const command = args.command ?? configuredConsoleCommand(readStackSettings(stackDir(), args.stack));
    const user = localUser();
    const pod = consolePod(deployment, {
        name: oneOffName(t.app, "console", new Date(), randomBytes(4).toString("hex")),
        command,
        user,
        activeDeadlineSeconds: args.timeoutSeconds,
    });
    io.stderr(
        `console: pod ${t.namespace}/${pod.metadata?.name} (${pod.spec?.containers[0].image}, started by ${user}): ${command.join(" ")}\n`,
    );
    try {
        await cluster.core.createNamespacedPod({ namespace: t.namespace, body: pod });
    } catch (err) {
        throw new OpsError(`the console pod could not be created: ${apiMessage(err)}`);
    }
    try {
        await running(cluster, pod, io);
        const why = await attach(cluster, pod);
        io.stderr(`\nconsole: ${why}.\n`);
        return 0;
    } finally {
        await deletePod(cluster, pod, io);
    }
}
