// The public NDJSON events: one real engine action of every kind goes through the Store, the
// printer and the JSON output; the shape of each line is compared with the schema below (v1,
// docs/ndjson.md). A renamed or dropped field, or a new action without its event, fails here.
import { initialState, Store, type Action } from "@devup/engine";
import { DevupError, toErrorReport } from "@devup/errors";
import { describe, expect, it } from "vitest";
import { createOutput } from "./output.ts";
import { attachPrinter } from "./printer.ts";

/** One action of every kind: the mapped type makes a new kind of action a compile error here until it is added. */
const actions: { [K in Action["type"]]: Extract<Action, { type: K }> } = {
  cluster: { type: "cluster", status: "ready", context: "kind-devup", message: "reused", durationMs: 12 },
  phase: { type: "phase", service: "api", phase: "blocked", message: "waiting for db, which failed" },
  "update-start": { type: "update-start", service: "api", trigger: ["services/api/src/a.js"], at: 1 },
  build: { type: "build", service: "api", action: "built", image: "devup.local/shop-api:abc", durationMs: 5 },
  "build-line": { type: "build-line", service: "api", line: "Step 1/3 : FROM node:24-slim" },
  delivery: { type: "delivery", service: "api", action: "delivered", image: "localhost:5001/shop-api:abc", method: "registry", durationMs: 3 },
  applied: { type: "applied", service: "api", objects: 4 },
  pruned: { type: "pruned", objects: ["Deployment/old"] },
  replicas: { type: "replicas", service: "api", ready: 1, desired: 2 },
  ready: { type: "ready", service: "api", at: 9 },
  failed: { type: "failed", service: "api", error: { ...toErrorReport(new DevupError("rollout", "api: crash loop", { hint: "look at its logs", details: ["exit 3"] })), stack: "Error: at secret place" } },
  forward: { type: "forward", service: "api", forward: { port: "http", localPort: 18080, url: "http://127.0.0.1:18080", status: "ready" } },
  synced: { type: "synced", service: "api", files: ["services/api/src/a.js"], pods: 2, durationMs: 40, restarted: true },
  crashed: { type: "crashed", service: "api", files: ["services/api/src/a.js"], pods: ["api-7d9-x2"], exitCode: 3, logs: ["boom"] },
  "spec-invalid": { type: "spec-invalid", errors: ["services/api/service.yaml:2:3: bad"] },
  "spec-valid": { type: "spec-valid", files: ["services/api/service.yaml"] },
  services: { type: "services", services: [{ name: "api", replicas: 2 }] },
  log: { type: "log", level: "warn", message: "[api] something to know" },
  ingress: { type: "ingress", status: "ready", message: "ingress ready", routes: [{ url: "http://api.localhost:8080/", service: "api" }], durationMs: 7 },
  release: { type: "release", service: "api", stable: "blue", canary: "green", weight: 10 },
};

/** Schema v1: each event's keys (nested objects as "field.key"), "?" after a key that is only there when it has a value. */
const SCHEMA: Record<string, string[]> = {
  "engine.cluster": ["context?", "detail?", "durationMs?", "message", "status", "type", "v"],
  "engine.phase": ["detail?", "message?", "phase", "service", "type", "v"],
  "engine.update-start": ["at", "message?", "service", "trigger", "type", "v"],
  "engine.build": ["action", "durationMs", "image", "message?", "service", "type", "v"],
  "engine.build-line": ["line", "message?", "service", "type", "v"],
  "engine.delivery": ["action", "durationMs", "image", "message", "method?", "service", "type", "v"],
  "engine.applied": ["message?", "objects", "service", "type", "v"],
  "engine.pruned": ["message", "objects", "type", "v"],
  "engine.replicas": ["desired", "message?", "ready", "service", "type", "v"],
  "engine.ready": ["at", "message", "service", "type", "v"],
  "engine.failed": ["error.code", "error.details", "error.hint?", "error.message", "message", "service", "type", "v"],
  "engine.forward": ["forward.localPort", "forward.message?", "forward.port", "forward.status", "forward.url", "message?", "service", "type", "v"],
  "engine.synced": ["durationMs", "files", "message", "pods", "restarted?", "service", "type", "v"],
  "engine.crashed": ["exitCode?", "files", "logs", "message", "pods", "service", "type", "v"],
  "engine.spec-invalid": ["errors", "message", "type", "v"],
  "engine.spec-valid": ["files", "message", "type", "v"],
  "engine.services": ["message?", "services", "type", "v"],
  log: ["level", "message", "type", "v"],
  "engine.release": ["canary?", "message", "service", "stable", "type", "v", "weight"],
  "engine.ingress": ["detail", "durationMs?", "error.code?", "error.details?", "error.hint?", "error.message?", "message", "routes", "status", "type", "v"],
};

function linesOf(list: readonly Action[]): Array<Record<string, unknown>> {
  const written: string[] = [];
  const store = new Store(initialState("shop", "local", "shop", "devup", [{ name: "api", replicas: 2 }]));
  attachPrinter(store, createOutput("json", { stdout: { write: (c: string) => written.push(c) }, stderr: { write: () => undefined } }));
  for (const a of list) store.dispatch(a);
  return written.map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** "field" for values, "field.key" for the keys of a plain nested object (not arrays). */
function keysOf(event: Record<string, unknown>): string[] {
  return Object.entries(event)
    .flatMap(([k, v]) => (v && typeof v === "object" && !Array.isArray(v) ? Object.keys(v).map((n) => `${k}.${n}`) : [k]))
    .sort();
}

const required = (schema: string[]) => schema.filter((k) => !k.endsWith("?"));
const allowed = (schema: string[]) => schema.map((k) => k.replace(/\?$/, ""));

describe("NDJSON events (v1)", () => {
  it("every engine action becomes its public event, with exactly the schema's keys", () => {
    const lines = linesOf(Object.values(actions));
    expect(lines.map((l) => l.type).sort()).toEqual(Object.keys(SCHEMA).sort());
    for (const line of lines) {
      const schema = SCHEMA[String(line.type)]!;
      const keys = keysOf(line);
      expect({ type: line.type, missing: required(schema).filter((k) => !keys.includes(k)), extra: keys.filter((k) => !allowed(schema).includes(k)) }).toEqual({ type: line.type, missing: [], extra: [] });
      expect(line.v).toBe(1);
    }
  });

  it("carries values, not internals: the error's stack stays out, the human text is `message`", () => {
    const [failed] = linesOf([actions.failed]);
    expect(failed).toEqual({
      v: 1,
      type: "engine.failed",
      service: "api",
      error: { code: "E_ROLLOUT_FAILED", message: "api: crash loop", details: ["exit 3"], hint: "look at its logs" },
      message: "[api] FAILED: api: crash loop\n[api]   exit 3\n[api]   hint: look at its logs",
    });
    const [phase] = linesOf([actions.phase]);
    expect(phase).toMatchObject({ type: "engine.phase", phase: "blocked", detail: "waiting for db, which failed", message: "[api] blocked: waiting for db, which failed" });
  });

  it("the optional keys are left out when they have no value", () => {
    const [forward] = linesOf([{ type: "forward", service: "api", forward: { port: "http", localPort: 1, url: "http://127.0.0.1:1", status: "starting" } }]);
    expect(keysOf(forward!)).toEqual(["forward.localPort", "forward.port", "forward.status", "forward.url", "service", "type", "v"]);
  });
});
