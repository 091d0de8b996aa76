// run-local's watch loop against fakes of the other side: a hand-driven watcher, a fake timer, a recording port.
import { memoryFs, validateProject, type ResolvedProject, type ResolvedService } from "@devup/project";
import { DevupError } from "@devup/errors";
import { describe, expect, it } from "vitest";
import { fakeTimer } from "./fake-timer.ts";
import { syncWork, type SyncWork } from "./core.ts";
import { initialState, type Action } from "../state.ts";
import { Store } from "../store.ts";
import { watchLocal } from "./run-local-loop.ts";

function project(greeting = "hi", extra = ""): ResolvedProject {
  const files: Record<string, string> = {
    "dev.yaml": "name: shop\n",
    "services/api/service.yaml": `build: {}\nenv:\n  GREETING: ${greeting}\nports:\n  - port: 8080\nsync:\n  - { from: src, to: /app/src, then: restart }\n  - { from: static, to: /app/static, then: { run: [touch, /tmp/x] } }\n${extra}`,
    "services/api/Dockerfile": "FROM node:24-slim\n",
  };
  const r = validateProject({ root: "/p", devFile: { path: "dev.yaml", text: files["dev.yaml"]! }, serviceFiles: [{ path: "services/api/service.yaml", text: files["services/api/service.yaml"]! }] }, memoryFs(files));
  if (!r.value) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

function setup(options: { syncFails?: boolean; rebuildFails?: boolean; signal?: AbortSignal; reload?: () => { project?: ResolvedProject; errors: string[] } } = {}) {
  const p = project();
  const timer = fakeTimer();
  const store = new Store(initialState(p.name, p.environment, p.namespace, p.cluster.name, [{ name: "api", replicas: 1 }]));
  // Every action but the phases (which the printer mostly leaves unsaid).
  const events: Action[] = [];
  store.subscribe((_s, a) => a.type !== "phase" && events.push(a));
  const syncs: Array<{ service: string; work: SyncWork }> = [];
  const rebuilds: ResolvedService[] = [];
  let release: (() => void) | undefined;
  let emit: (path: string) => void = () => undefined;
  let watches = 0;
  const w = watchLocal(
    p,
    {
      sync: (s, work) => {
        syncs.push({ service: s.name, work });
        return options.syncFails ? Promise.reject(new Error("putArchive: no such container")) : Promise.resolve();
      },
      rebuild: async (_project, s) => {
        rebuilds.push(s);
        if (options.rebuildFails) throw new DevupError("build", "build failed at step 2");
        if (rebuilds.length === 1) await new Promise<void>((r) => (release = r));
      },
    },
    store,
    {
      watcher: { watch: (_p, on) => ((emit = on), watches++, { close: () => Promise.resolve() }) },
      reload: options.reload ?? (() => ({ project: p, errors: [] })),
      timer,
      signal: options.signal,
    },
  );
  const flush = async () => {
    timer.advance(200);
    await new Promise((r) => setTimeout(r, 0));
  };
  return { emit: (path: string) => emit(path), flush, timer, events, syncs, rebuilds, w, release: () => release?.(), watches: () => watches };
}

describe("watchLocal", () => {
  it("copies files under a sync rule and restarts, once per batch", async () => {
    const t = setup();
    t.emit("services/api/src/a.js");
    t.emit("services/api/src/b.js");
    await t.flush();
    await t.w.idle();
    expect(t.syncs).toEqual([
      { service: "api", work: { files: [{ local: "/p/services/api/src/a.js", to: "/app/src/a.js", within: "/p/services/api/src" }, { local: "/p/services/api/src/b.js", to: "/app/src/b.js", within: "/p/services/api/src" }], run: [], restart: true } },
    ]);
    expect(t.rebuilds).toEqual([]);
    expect(t.events.map((e) => e.type)).toEqual(["update-start", "synced"]);
    expect(t.events[1]).toMatchObject({ service: "api", files: ["services/api/src/a.js", "services/api/src/b.js"], restarted: true });
  });

  it("runs a rule's command instead of restarting", () => {
    const p = project();
    const rule = p.services[0]!.sync.find((r) => r.to === "/app/static")!;
    expect(syncWork("/p", [{ path: "services/api/static/i.css", to: "/app/static/i.css", rule }])).toEqual({
      files: [{ local: "/p/services/api/static/i.css", to: "/app/static/i.css", within: "/p/services/api/static" }],
      run: [["touch", "/tmp/x"]],
      restart: false,
    });
  });

  it("rebuilds for a change outside the sync rules, and a change during the build queues exactly one follow-up", async () => {
    const t = setup();
    t.emit("services/api/Dockerfile");
    await t.flush();
    expect(t.rebuilds).toHaveLength(1);
    t.emit("services/api/package.json");
    await t.flush();
    t.emit("services/api/src/a.js");
    await t.flush();
    expect(t.rebuilds).toHaveLength(1);
    t.release();
    await t.w.idle();
    // The queued package.json change and the sync merged into one rebuild.
    expect(t.rebuilds).toHaveLength(2);
    expect(t.syncs).toEqual([]);
    expect(t.events.map((e) => (e.type === "update-start" ? `update-start: ${e.trigger.join(", ")}` : e.type))).toEqual([
      "update-start: services/api/Dockerfile",
      "ready",
      "update-start: services/api/package.json, services/api/src/a.js",
      "ready",
    ]);
  });

  it("a failed rebuild is reported as the service's failure; one that fails because run-local is stopping is not", async () => {
    const stop = new AbortController();
    const t = setup({ rebuildFails: true, signal: stop.signal });
    t.emit("services/api/Dockerfile");
    await t.flush();
    await t.w.idle();
    expect(t.events.map((e) => e.type)).toEqual(["update-start", "failed", "log"]);
    expect(t.events[1]).toMatchObject({ service: "api", error: { message: "build failed at step 2" } });
    stop.abort();
    t.emit("services/api/Dockerfile");
    await t.flush();
    await t.w.idle();
    expect(t.events.slice(3)).toEqual([
      { type: "update-start", service: "api", trigger: ["services/api/Dockerfile"], at: expect.any(Number) as number },
      { type: "log", level: "info", message: "[api] update stopped" },
    ]);
  });

  it("falls back to a rebuild when the sync fails, and says so", async () => {
    const t = setup({ syncFails: true });
    t.emit("services/api/src/a.js");
    await t.flush();
    t.release();
    await t.w.idle();
    expect(t.syncs).toHaveLength(1);
    expect(t.rebuilds).toHaveLength(1);
    expect(t.events.map((e) => e.type)).toEqual(["update-start", "log", "ready"]);
    expect(t.events[1]).toEqual({ type: "log", level: "warn", message: "[api] sync failed (putArchive: no such container); rebuilding instead" });
  });

  it("a spec edit rebuilds the services whose definition changed; an invalid spec keeps what runs", async () => {
    let next: { project?: ResolvedProject; errors: string[] } = { project: project("hello"), errors: [] };
    const t = setup({ reload: () => next });
    t.emit("services/api/service.yaml");
    await t.flush();
    t.release();
    await t.w.idle();
    expect(t.rebuilds.map((s) => s.env)).toEqual([[["GREETING", { value: "hello" }]]]);
    expect(t.watches()).toBe(2);
    next = { errors: ["services/api/service.yaml:2: bad"] };
    t.emit("services/api/service.yaml");
    await t.flush();
    await t.w.idle();
    expect(t.rebuilds).toHaveLength(1);
    expect(t.events.at(-1)).toEqual({ type: "spec-invalid", errors: ["services/api/service.yaml:2: bad"] });
  });

  it("stops reporting after close", async () => {
    const t = setup();
    await t.w.close();
    t.emit("services/api/src/a.js");
    await t.flush();
    expect(t.syncs).toEqual([]);
  });
});
