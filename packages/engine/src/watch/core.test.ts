// The watch core both loops share, against a hand-driven watcher and a fake timer.
import { memoryFs, validateProject, type ResolvedProject } from "@devup/project";
import { describe, expect, it } from "vitest";
import type { ServiceChange } from "./classify.ts";
import { same, WatchCore } from "./core.ts";
import { fakeTimer } from "./fake-timer.ts";

function project(greeting = "hi"): ResolvedProject {
  const files: Record<string, string> = {
    "dev.yaml": "name: shop\n",
    "services/api/service.yaml": `build: {}\nenv:\n  GREETING: ${greeting}\nsync:\n  - { from: src, to: /app/src }\n`,
    "services/api/Dockerfile": "FROM node:24-slim\n",
  };
  const r = validateProject({ root: "/p", devFile: { path: "dev.yaml", text: files["dev.yaml"]! }, serviceFiles: [{ path: "services/api/service.yaml", text: files["services/api/service.yaml"]! }] }, memoryFs(files));
  if (!r.value) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

function setup(reload: () => { project?: ResolvedProject; errors: string[] }, replanned?: () => Promise<void>) {
  const timer = fakeTimer();
  let emit: (path: string) => void = () => undefined;
  const watcher = { opened: 0, closed: 0 };
  const updates: Array<[string, ServiceChange["kind"], string[]]> = [];
  const said: string[] = [];
  const core = new WatchCore(
    project(),
    { watcher: { watch: (_p, on) => ((emit = on), watcher.opened++, { close: () => (watcher.closed++, Promise.resolve()) }) }, reload, timer },
    {
      update: (name, change) => (updates.push([name, change.kind, change.files.map((f) => (typeof f === "string" ? f : f.path))]), Promise.resolve()),
      ...(replanned ? { replanned } : {}),
      specInvalid: (errors) => said.push(`invalid: ${errors.join("; ")}`),
      specValid: (files) => said.push(`valid: ${files.join(", ")}`),
      replanFailed: (_files, error) => said.push(`replan failed: ${String(error)}`),
    },
  );
  const flush = async () => {
    timer.advance(200);
    await new Promise((r) => setTimeout(r, 0));
  };
  return { core, emit: (path: string) => emit(path), flush, watcher, updates, said };
}

describe("WatchCore", () => {
  it("a spec edit rebuilds only the services whose definition changed, and reopens the watcher on the new spec", async () => {
    let next = project("hello");
    const t = setup(() => ({ project: next, errors: [] }));
    t.emit("services/api/service.yaml");
    await t.flush();
    await t.core.idle();
    expect(t.updates).toEqual([["api", "rebuild", ["services/api/service.yaml"]]]);
    expect(t.watcher).toEqual({ opened: 2, closed: 1 });
    next = project("hello");
    t.emit("services/api/service.yaml");
    await t.flush();
    await t.core.idle();
    expect(t.updates).toHaveLength(1); // unchanged: nothing to rebuild
  });

  it("says when the spec is invalid, and when it is valid again", async () => {
    let loaded: { project?: ResolvedProject; errors: string[] } = { errors: ["services/api/service.yaml:2: bad"] };
    const t = setup(() => loaded);
    t.emit("services/api/service.yaml");
    await t.flush();
    loaded = { project: project("fixed"), errors: [] };
    t.emit("services/api/service.yaml");
    await t.flush();
    await t.core.idle();
    expect(t.said).toEqual(["invalid: services/api/service.yaml:2: bad", "valid: services/api/service.yaml"]);
  });

  it("a re-plan that ends after close() does not open the watcher again", async () => {
    let finish: () => void = () => undefined;
    const t = setup(
      () => ({ project: project("later"), errors: [] }),
      () => new Promise<void>((r) => (finish = r)),
    );
    t.emit("services/api/service.yaml");
    await t.flush(); // the re-plan now waits in `replanned`
    await t.core.close();
    finish();
    await new Promise((r) => setTimeout(r, 0));
    await t.core.idle();
    // Opened once at the start; the re-plan closed it again and did not open a new one.
    expect(t.watcher.opened).toBe(1);
    expect(t.watcher.closed).toBe(2);
  });

  it("drops file events that arrive after close()", async () => {
    const t = setup(() => ({ project: project(), errors: [] }));
    await t.core.close();
    t.emit("services/api/src/a.js");
    await t.flush();
    expect(t.updates).toEqual([]);
  });

  it("a held service stays held until its next change", async () => {
    const t = setup(() => ({ project: project(), errors: [] }));
    t.core.hold("api");
    t.core.schedule("api", { kind: "sync", files: [] });
    expect(t.core.held("api")).toBe(true);
    t.emit("services/api/src/a.js");
    await t.flush();
    await t.core.idle();
    expect(t.core.held("api")).toBe(false);
  });

  it("same: equal definitions are the same, a changed one is not", () => {
    const a = project("x").services[0]!;
    expect(same(a, project("x").services[0]!)).toBe(true);
    expect(same(a, project("y").services[0]!)).toBe(false);
    expect(same(undefined, a)).toBe(false);
  });
});
