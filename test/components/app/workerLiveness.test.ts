import { describe, expect, it } from "vitest";
import { livenessProbe } from "../../../components/app/probes";
import { problemsOf } from "../../harness";

type Obj = Record<string, any>;

const thresholds = { initialDelaySeconds: 30, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 };

describe("a hung worker is restarted", () => {
    it("runs a command as an exec probe", () => {
        expect(livenessProbe({ command: ["bundle", "exec", "sidekiqmon"], ...thresholds })).toEqual({
            exec: { command: ["bundle", "exec", "sidekiqmon"] },
            ...thresholds,
        });
    });

    it("gets a port as an HTTP probe, on / unless a path is given", () => {
        expect(livenessProbe({ port: 7433, ...thresholds })).toEqual({
            httpGet: { path: "/", port: 7433 },
            ...thresholds,
        });
        expect(livenessProbe({ port: 7433, path: "/alive", ...thresholds }).httpGet).toEqual({
            path: "/alive",
            port: 7433,
        });
    });

    it.each<[string, Obj, string, RegExp]>([
        ["both a command and a port", { command: ["true"], port: 7433 }, "capstan:app.workers[0].liveness", /keep one/],
        ["neither a command nor a port", { periodSeconds: 10 }, "capstan:app.workers[0].liveness", /needs command/],
        [
            "a path with a command",
            { command: ["true"], path: "/" },
            "capstan:app.workers[0].liveness.path",
            /only used with port/,
        ],
        [
            "a period of zero",
            { port: 7433, periodSeconds: 0 },
            "capstan:app.workers[0].liveness.periodSeconds",
            /minimum 1/,
        ],
    ])("refuses %s", (_name, liveness, path, message) => {
        const problems = problemsOf("staging", (r) => (r.app.workers[0].liveness = liveness));
        expect(problems.map((p) => p.path)).toEqual([path]);
        expect(problems[0].message).toMatch(message);
    });
});

describe("a production queue keeps running through a node drain", () => {
    it("refuses a production worker of one pod, naming the fix", () => {
        const problems = problemsOf("prod", (r) => (r.app.workers[1].minReplicas = 1));
        expect(problems.map((p) => p.path)).toEqual(["capstan:app.workers[1].minReplicas"]);
        expect(problems[0].message).toMatch(/minReplicas: 2 or more/);
    });

    it("accepts a worker of one pod in staging", () => {
        expect(problemsOf("staging", (r) => (r.app.workers[0].minReplicas = 1))).toEqual([]);
    });
});
