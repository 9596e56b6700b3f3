/**
 * The steps of a blue/green release as the commands take them: what each writes into the stack
 * file, the switch-back window, and the guards (a switch changes VirtualServers' routes and nothing else).
 */
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import {
    finished,
    finishRefusals,
    prepared,
    prepareRefusals,
    readBlueGreen,
    switchBackOpen,
    switched,
    withReleaseState,
} from "../../../scripts/deploy/blueGreenPlan";
import { checkRouteSwitch } from "../../../scripts/deploy/guard";
import type { PreviewStep } from "../../../scripts/deploy/types";

const T1 = "2026.11.20-4f2c9e1";
const T2 = "2026.11.21-9a8b7c6";
const file = (release: Record<string, unknown>, tag = T1) =>
    YAML.stringify({
        config: {
            "capstan:imageTag": tag,
            "capstan:app": { name: "phraseapp" },
            "capstan:release": { strategy: "blueGreen", previewHosts: ["preview.example.com"], ...release },
        },
    });
const urn = (chain: string, name: string) => `urn:pulumi:s::capstan::capstan:app:RailsApp$${chain}::${name}`;
const VS = "kubernetes:k8s.nginx.org/v1:VirtualServer";
const vsUpdate = (paths: string[]): PreviewStep => ({
    op: "update",
    type: VS,
    urn: urn(`capstan:app:WebService$${VS}`, "phraseapp-web-public-app.example.com"),
    diffKeys: paths,
});
const deploymentUpdate = (name: string, paths: string[]): PreviewStep => ({
    op: "update",
    type: "kubernetes:apps/v1:Deployment",
    urn: urn("capstan:app:WebService$kubernetes:apps/v1:Deployment", name),
    diffKeys: paths,
});

describe("the switch's guard", () => {
    it("lets through an update of VirtualServers' routes, and the stack's outputs", () => {
        const stackOutputs: PreviewStep = {
            op: "update",
            type: "pulumi:pulumi:Stack",
            urn: "urn:pulumi:s::capstan::pulumi:pulumi:Stack::capstan-s",
        };
        expect(checkRouteSwitch([vsUpdate(["spec.routes[0].action.proxy.upstream"]), stackOutputs])).toEqual([]);
    });

    it.each([
        [
            "a Deployment changing too",
            deploymentUpdate("phraseapp-web-green", ["spec.template.spec.containers[0].image"]),
            "phraseapp-web-green",
        ],
        [
            "a VirtualServer's upstreams changing",
            vsUpdate(["spec.upstreams[1].service"]),
            "phraseapp-web-public-app.example.com",
        ],
        [
            "a new object",
            {
                op: "create",
                type: "kubernetes:core/v1:Service",
                urn: urn("capstan:app:WebService$kubernetes:core/v1:Service", "x"),
            },
            "x",
        ],
    ])("refuses %s, naming it", (_what, step, name) => {
        const refused = checkRouteSwitch([vsUpdate(["spec.routes"]), step]);
        expect(refused.map((r) => r.name)).toEqual([name]);
    });
});

describe("a blue/green release's steps", () => {
    const settled = readBlueGreen(file({}))!;

    it("deploy: the idle colour gets the tag and the active colour's pods; a worker rolling with it is refused", () => {
        const state = prepared(settled, T2, 3);
        expect(state).toEqual({ active: "blue", colours: { green: { imageTag: T2, replicas: 3 } } });
        const worker = deploymentUpdate("phraseapp-worker-default", ["spec.template.spec.containers[0].image"]);
        const greenDeployment: PreviewStep = { ...deploymentUpdate("phraseapp-web-green", []), op: "create" };
        const greenAssets: PreviewStep[] = ["capstan:app:AssetsJob", "kubernetes:batch/v1:Job"].map((type) => ({
            op: "create",
            type,
            urn: urn(
                type === "capstan:app:AssetsJob" ? type : `capstan:app:AssetsJob$${type}`,
                "phraseapp-assets-upload-green",
            ),
        }));
        const refused = prepareRefusals(
            [greenDeployment, ...greenAssets, vsUpdate(["spec.upstreams"])],
            settled,
            "green",
        );
        expect(refused).toEqual([]);
        const blueAssets = { ...greenAssets[1], urn: greenAssets[1].urn.replace("-green", "-blue") };
        expect(prepareRefusals([greenDeployment, blueAssets], settled, "green").map((r) => r.name)).toEqual([
            "phraseapp-assets-upload-blue",
        ]);
        const withWorker = prepareRefusals(
            [
                greenDeployment,
                {
                    ...worker,
                    urn: urn("capstan:app:WorkerPool$kubernetes:apps/v1:Deployment", "phraseapp-worker-default"),
                },
            ],
            settled,
            "green",
        );
        expect(withWorker.map((r) => r.name)).toEqual(["phraseapp-worker-default"]);
    });

    it("switch: green becomes active at the time of the switch, blue is kept by its tag; the switch back is possible for scaleDownDelay", () => {
        const text = withReleaseState(file({ scaleDownDelay: "30s" }), prepared(settled, T2, 3));
        const prep = readBlueGreen(text)!;
        const now = new Date("2026-12-07T16:00:00Z");
        const written = withReleaseState(text, switched(prep, now));
        // Quoted, or the Pulumi CLI's YAML reads a timestamp and passes the program another format.
        expect(written).toContain('switchedAt: "2026-12-07T16:00:00Z"');
        const after = readBlueGreen(written)!;
        expect(after.active).toEqual({ colour: "green", imageTag: T2, replicas: 3 });
        expect(after.idle).toEqual({ colour: "blue", imageTag: T1, replicas: undefined });
        expect(switchBackOpen(after, new Date("2026-12-07T16:00:29Z"))).toBe(true);
        expect(switchBackOpen(after, new Date("2026-12-07T16:00:30Z"))).toBe(false);
        expect(switchBackOpen(prep, now)).toBe(false);
    });

    it("finish: the old colour goes, imageTag becomes the active colour's and names the tag it replaces", () => {
        const bg = readBlueGreen(
            file({
                active: "green",
                colours: { blue: { imageTag: T1 }, green: { imageTag: T2, replicas: 3 } },
                switchedAt: "2026-12-07T16:00:00Z",
            }),
        )!;
        const text = withReleaseState(file({}), finished(bg));
        const config = YAML.parse(text).config;
        expect(config["capstan:imageTag"]).toBe(T2);
        expect(config["capstan:previousImageTag"]).toBe(T1);
        expect(config["capstan:release"]).toEqual({
            strategy: "blueGreen",
            previewHosts: ["preview.example.com"],
            active: "green",
        });
        const blueGone: PreviewStep = { ...deploymentUpdate("phraseapp-web", []), op: "delete" };
        expect(finishRefusals([blueGone], bg)).toEqual([]);
    });

    it("reads a rolling stack file as no blue/green release", () => {
        expect(readBlueGreen(YAML.stringify({ config: { "capstan:imageTag": T1 } }))).toBeUndefined();
    });
});
