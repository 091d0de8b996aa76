// Every engine action, with every kind of thrown value in its error fields, rendered through the
// printer as text and as NDJSON: never "[object Object]", never a bare "undefined".
import { DevupError, toErrorReport } from "@devup/errors";
import { initialState, reduce, type Action, type EngineState } from "@devup/engine";
import { describe, expect, it } from "vitest";
import { describeAction } from "./printer.ts";

/** What code has been seen to throw or reject with: an Error, a DevupError, a WebSocket ErrorEvent, an API body, a string, nothing, a circular object. */
const circular: Record<string, unknown> = { kind: "loop" };
circular.self = circular;
const THROWN: unknown[] = [
  new Error("connect ECONNREFUSED 127.0.0.1:6443"),
  new DevupError("docker", "the Docker engine does not answer at /var/run/docker.sock", { hint: "start Docker", details: ["connect ENOENT"] }),
  { type: "error", error: { code: "ECONNRESET" }, target: {} },
  { body: { kind: "Status", status: "Failure" }, statusCode: 500 },
  "socket hang up",
  undefined,
  null,
  {},
  circular,
  42,
];

const reports = THROWN.map((t) => toErrorReport(t));

/** One sample of every action type (the record's type makes a new action type fail to compile until it is added here). */
function samples(): { [K in Action["type"]]: Array<Extract<Action, { type: K }>> } {
  const failed = reports.map((error) => ({ type: "failed" as const, service: "api", error }));
  return {
    cluster: [
      { type: "cluster", status: "creating" },
      { type: "cluster", status: "ready", context: "kind-devup", message: "reused", durationMs: 1200 },
      ...reports.map((r) => ({ type: "cluster" as const, status: "failed" as const, message: r.message })),
    ],
    phase: (["pending", "building", "delivering", "waiting", "applying", "starting", "syncing", "ready", "failing", "blocked"] as const).map((phase) => ({ type: "phase" as const, service: "api", phase, message: "db failed" })),
    "update-start": [{ type: "update-start", service: "api", trigger: ["services/api/src/a.js"], at: 1 }],
    build: (["built", "skipped", "failed"] as const).map((action) => ({ type: "build" as const, service: "api", action, image: "devup.local/shop-api:abc", durationMs: 10 })),
    "build-line": [{ type: "build-line", service: "api", line: "Step 1/3 : FROM node:24-slim" }],
    delivery: [{ type: "delivery", service: "api", action: "delivered", image: "localhost:5001/shop-api:abc", method: "kind load", durationMs: 10 }],
    applied: [{ type: "applied", service: "api", objects: 3 }],
    pruned: [{ type: "pruned", objects: ["Deployment/old"] }],
    replicas: [{ type: "replicas", service: "api", ready: 1, desired: 2 }],
    ready: [{ type: "ready", service: "api", at: 2 }],
    failed,
    forward: reports.flatMap((r) =>
      (["starting", "ready", "waiting", "error", "stopped"] as const).map((status) => ({ type: "forward" as const, service: "api", forward: { port: "http", localPort: 8081, url: "http://127.0.0.1:8081", status, message: r.message } })),
    ),
    synced: [{ type: "synced", service: "api", files: ["services/api/src/a.js"], pods: 1, durationMs: 300 }],
    crashed: [
      { type: "crashed", service: "api", files: ["services/api/src/server.js"], pods: ["api-1"], exitCode: 3, logs: ["Error: boom"] },
      { type: "crashed", service: "api", files: ["a", "b", "c", "d"], pods: ["api-1", "api-2"], logs: [] },
    ],
    "spec-invalid": [{ type: "spec-invalid", errors: ["services/api/service.yaml:3:11 replicas: expected a number"] }],
    "spec-valid": [{ type: "spec-valid", files: ["services/api/service.yaml"] }],
    services: [{ type: "services", services: [{ name: "api", replicas: 1 }] }],
    log: reports.map((r) => ({ type: "log" as const, level: "warn" as const, message: `[api] sync failed (${r.message})` })),
    ingress: [
      { type: "ingress", status: "ready", message: "ingress controller ready", routes: [{ url: "http://api.localhost:8080/v1", service: "api" }], durationMs: 5 },
      ...reports.map((error) => ({ type: "ingress" as const, status: "failed" as const, message: "the ingress controller did not start", routes: [], error })),
    ],
    release: [
      { type: "release", service: "api", stable: "blue", canary: "green", weight: 10 },
      { type: "release", service: "api", stable: "green", weight: 0 },
    ],
  };
}

function render(action: Action): { text: string; json: string } {
  let state: EngineState = initialState("shop", "local", "shop", "devup", [{ name: "api", replicas: 1 }]);
  state = reduce(state, action);
  return { text: describeAction(action, state) ?? "", json: JSON.stringify({ ...action, type: `engine.${action.type}` }) };
}

describe("the printer renders every error path in words", () => {
  const all = Object.values(samples()).flat() as Action[];

  it("covers every action type with a sample", () => {
    expect(new Set(all.map((a) => a.type)).size).toBe(Object.keys(samples()).length);
  });

  it.each(all.map((a, i) => [`${a.type} #${i}`, a] as const))("%s has no [object Object] and no bare undefined", (_name, action) => {
    const { text, json } = render(action);
    expect(text).not.toContain("[object Object]");
    expect(text).not.toMatch(/\bundefined\b/);
    expect(json).not.toContain("[object Object]");
  });

  it("each thrown value becomes a readable message (the failed line carries it)", () => {
    const lines = samples().failed.map((a) => render(a).text.split("\n")[0]);
    expect(lines).toEqual([
      "[api] FAILED: internal error: connect ECONNREFUSED 127.0.0.1:6443",
      "[api] FAILED: the Docker engine does not answer at /var/run/docker.sock",
      "[api] FAILED: internal error: error ECONNRESET",
      expect.stringMatching(/^\[api\] FAILED: internal error: \{"body":\{"kind":"Status"/) as string,
      "[api] FAILED: internal error: socket hang up",
      "[api] FAILED: internal error: an unknown error",
      "[api] FAILED: internal error: an unknown error",
      "[api] FAILED: internal error: an unknown error",
      "[api] FAILED: internal error: an unknown error",
      "[api] FAILED: internal error: 42",
    ]);
  });

  it("a crash after a sync names the pod, the exit code, the synced file, the last lines and what to do", () => {
    const { text } = render(samples().crashed[0]!);
    expect(text.split("\n")).toEqual([
      "[api] CRASHED: pod api-1 crashed (exit code 3) right after the sync of services/api/src/server.js",
      "[api]   its last lines:",
      "[api]     Error: boom",
      "[api]   hint: fix the file: the fix is synced at once (pods in crash back-off are replaced); until then the restarted pods run the image's code",
    ]);
  });
});

describe("the printer says a canary's traffic split", () => {
  it("names both versions and their shares, or the one taking all traffic", () => {
    const [step, done] = samples().release;
    expect(render(step!).text).toBe("[api] canary: green gets 10 % of the ingress traffic, blue 90 %");
    expect(render(done!).text).toBe("[api] all traffic on green");
  });
});
