// The watch loop against fakes of the other side: a hand-driven watcher and a fake timer.
import { memoryFs, validateProject, type ResolvedProject } from "@devup/project";
import { describe, expect, it } from "vitest";
import type { Ports, SyncRequest } from "../ports.ts";
import { initialState, type Action } from "../state.ts";
import { Store } from "../store.ts";
import { fakeTimer } from "./fake-timer.ts";
import { watchProject } from "./loop.ts";

function project(replicas = 1): ResolvedProject {
  const files: Record<string, string> = {
    "dev.yaml": "name: shop\n",
    "services/api/service.yaml": `build: {}\nreplicas: ${replicas}\nports:\n  - port: 8080\nsync:\n  - { from: src, to: /app/src, then: restart }\n`,
    "services/api/Dockerfile": "FROM node:24-slim\n",
  };
  const r = validateProject({ root: "/p", devFile: { path: "dev.yaml", text: files["dev.yaml"]! }, serviceFiles: [{ path: "services/api/service.yaml", text: files["services/api/service.yaml"]! }] }, memoryFs(files));
  return r.value!;
}

function setup(options: { syncFails?: boolean | (() => boolean); readyFails?: () => boolean; buildUntilAborted?: boolean; reload?: () => { project?: ResolvedProject; errors: string[] }; container?: () => string } = {}) {
  const p = project();
  const timer = fakeTimer();
  const store = new Store(initialState(p.name, p.environment, p.namespace, p.cluster.name, p.services));
  const actions: Action[] = [];
  store.subscribe((_s, a) => actions.push(a));
  const syncs: SyncRequest[] = [];
  const builds: string[] = [];
  const applied: unknown[] = [];
  let emit: (path: string) => void = () => undefined;
  let fail: ((error: unknown) => void) | undefined;
  const ports: Ports = {
    images: {
      tag: (r) => Promise.resolve(`devup.local/shop-${r.service}:v${builds.length + 1}`),
      ensure: (reqs, on, signal) => {
        if (options.buildUntilAborted) {
          builds.push(...reqs.map((r) => r.service));
          for (const r of reqs) on.start(r.service);
          // A build that only ends when it is stopped, as a long Docker build would.
          return new Promise((_resolve, reject) => signal?.addEventListener("abort", () => reject(signal.reason as Error), { once: true }));
        }
        return Promise.resolve(reqs.map((r) => (builds.push(r.service), { service: r.service, tag: r.tag, action: "built" as const, durationMs: 1 })));
      },
    },
    cluster: { ensure: () => Promise.resolve({ context: "c", created: false }), deliver: (imgs) => Promise.resolve(imgs.map((image) => ({ image, ref: image, action: "delivered" as const, durationMs: 1 }))) },
    kube: { apply: (objects) => (applied.push(...objects), Promise.resolve()), prune: () => Promise.resolve([]), waitReady: () => (options.readyFails?.() ? Promise.reject(new Error("users crashed: exit code 3")) : Promise.resolve()), forward: () => Promise.reject(new Error("no")) },
    sync: {
      sync: (r) => {
        syncs.push(r);
        const fails = typeof options.syncFails === "function" ? options.syncFails() : options.syncFails;
        if (fails) return Promise.reject(new Error("no tar in the image"));
        const key = options.container?.() ?? "pod-a/0";
        return Promise.resolve({ pods: r.skip?.has(key) ? 0 : 1, current: [key] });
      },
    },
  };
  const w = watchProject(p, ports, store, {
    watcher: { watch: (_p, on, onError) => ((emit = on), (fail = onError), { close: () => Promise.resolve() }) },
    reload: options.reload ?? (() => ({ project: p, errors: [] })),
    timer,
  });
  return { emit: (path: string) => emit(path), fail: (error: unknown) => fail?.(error), timer, actions, syncs, builds, applied, w, store };
}

describe("watchProject", () => {
  it("says once, in words and with the fix, that the file watcher failed (out of inotify instances)", () => {
    const t = setup();
    const emfile = Object.assign(new Error("EMFILE: too many open files, watch"), { code: "EMFILE" });
    t.fail(emfile);
    t.fail(emfile);
    const said = t.actions.filter((a) => a.type === "log" && a.message.startsWith("watching files failed"));
    expect(said).toHaveLength(1);
    const first = said[0];
    expect(first?.type === "log" && first.level).toBe("error");
    expect(first?.type === "log" && first.message).toMatch(/^watching files failed \(EMFILE: too many open files, watch\).*sysctl fs\.inotify\.max_user_instances=512/);
  });

  it("a change under a sync rule is copied and the process restarted; the trigger is recorded", async () => {
    const t = setup();
    t.emit("services/api/src/a.js");
    t.emit("services/api/src/b.js");
    t.timer.advance(200);
    await t.w.idle();
    expect(t.syncs).toEqual([{ namespace: "shop", service: "api", files: [{ local: "/p/services/api/src/a.js", to: "/app/src/a.js", within: "/p/services/api/src" }, { local: "/p/services/api/src/b.js", to: "/app/src/b.js", within: "/p/services/api/src" }], run: [], restart: true, skip: undefined }]);
    expect(t.builds).toEqual([]);
    expect(t.store.state.services.api!.trigger).toEqual(["services/api/src/a.js", "services/api/src/b.js"]);
    expect(t.actions.map((a) => a.type)).toContain("synced");
  });

  it("files synced earlier are sent again with the next sync (a restarted pod gets them back)", async () => {
    const t = setup();
    t.emit("services/api/src/a.js");
    t.timer.advance(200);
    await t.w.idle();
    t.emit("services/api/src/b.js");
    t.timer.advance(200);
    await t.w.idle();
    expect(t.syncs[1]!.files.map((f) => f.to)).toEqual(["/app/src/a.js", "/app/src/b.js"]);
  });

  it("a container that restarted after a sync gets the synced files again", async () => {
    let key = "pod-a/0";
    const t = setup({ container: () => key });
    t.emit("services/api/src/a.js");
    t.timer.advance(200);
    await t.w.idle();
    t.timer.advance(2000);
    await t.w.idle();
    expect(t.syncs[1]).toMatchObject({ skip: new Set(["pod-a/0"]), files: [{ to: "/app/src/a.js" }] });
    expect(t.actions.filter((a) => a.type === "log")).toEqual([]); // nothing restarted: nothing said
    key = "pod-a/1"; // the kubelet restarted the container: its synced files are gone
    t.timer.advance(2000);
    await t.w.idle();
    expect(t.actions).toContainEqual({ type: "log", level: "info", message: "[api] re-synced 1 file into 1 restarted or new pod" });
    await t.w.close();
  });

  it("a failed update waits for the next change: no rebuild loop through re-syncs into a crashing pod", async () => {
    let crashing = false;
    const t = setup({ syncFails: () => crashing, readyFails: () => crashing });
    t.emit("services/api/src/a.js"); // synced files pending from here on
    t.timer.advance(200);
    await t.w.idle();
    crashing = true; // the next version crashes: its pods refuse the re-sync and never get ready
    t.emit("services/api/Dockerfile");
    t.timer.advance(200);
    await t.w.idle();
    expect(t.builds).toEqual(["api"]);
    for (let i = 0; i < 10; i++) {
      t.timer.advance(2000);
      await new Promise((r) => setTimeout(r, 0));
      await t.w.idle();
    }
    expect(t.builds).toEqual(["api"]); // at most one build per change
    expect(t.actions).toContainEqual({ type: "log", level: "warn", message: "[api] waiting for the next change (or r) before trying again" });
    crashing = false;
    t.emit("services/api/Dockerfile"); // the fix
    t.timer.advance(200);
    await new Promise((r) => setTimeout(r, 0));
    await t.w.idle();
    expect(t.builds).toEqual(["api", "api"]);
    expect(t.store.state.services.api!.phase).toBe("ready");
    await t.w.close();
  });

  it("closing stops a build in progress: close resolves, nothing is applied, and the update is not called a failure", async () => {
    const t = setup({ buildUntilAborted: true });
    t.emit("services/api/Dockerfile");
    t.timer.advance(200);
    await new Promise((r) => setTimeout(r, 0));
    expect(t.builds).toEqual(["api"]);
    const closed = t.w.close();
    await expect(Promise.race([closed.then(() => "closed"), new Promise((r) => setTimeout(() => r("still open"), 1000))])).resolves.toBe("closed");
    expect(t.applied).toEqual([]);
    expect(t.actions.filter((a) => a.type === "failed")).toEqual([]);
    expect(t.actions).toContainEqual({ type: "log", level: "info", message: "[api] update stopped while building: the build was cancelled (its container removed); the previous version keeps running" });
  });

  it("a change outside the sync rules rebuilds and rolls that service", async () => {
    const t = setup();
    t.emit("services/api/Dockerfile");
    t.timer.advance(200);
    await t.w.idle();
    expect(t.builds).toEqual(["api"]);
    expect(t.store.state.services.api!).toMatchObject({ phase: "ready", trigger: ["services/api/Dockerfile"] });
  });

  it("a rebuild plans from the files on disk now (a config file the spec reads is a build input too)", async () => {
    const t = setup({ reload: () => ({ project: project(3), errors: [] }) });
    t.emit("services/api/config/x.json");
    t.timer.advance(200);
    await t.w.idle();
    const deployment = t.applied.find((o) => (o as { kind: string }).kind === "Deployment") as { spec: { replicas: number } } | undefined;
    expect(deployment?.spec.replicas).toBe(3);
  });

  it("a failed sync falls back to a rebuild and says so", async () => {
    const t = setup({ syncFails: true });
    t.emit("services/api/src/a.js");
    t.timer.advance(200);
    await t.w.idle();
    expect(t.builds).toEqual(["api"]);
    expect(t.actions).toContainEqual({ type: "log", level: "warn", message: "[api] sync failed (no tar in the image); rebuilding instead" });
  });

  it("rebuild and sync on request (the TUI's r and s keys): a rollout now, or the synced files again into every pod", async () => {
    const t = setup();
    t.w.request("api", "sync");
    expect(t.actions).toContainEqual({ type: "log", level: "info", message: "[api] nothing to sync: no synced file changed since the last build" });
    t.emit("services/api/src/a.js");
    t.timer.advance(200);
    await t.w.idle();
    t.w.request("api", "sync");
    await t.w.idle();
    expect(t.syncs).toHaveLength(2);
    expect(t.syncs[1]).toMatchObject({ files: [{ to: "/app/src/a.js" }], restart: true, skip: undefined });
    t.w.request("api", "rebuild");
    await t.w.idle();
    expect(t.builds).toEqual(["api"]);
    expect(t.store.state.services.api!).toMatchObject({ phase: "ready", trigger: ["rebuild requested"] });
    await t.w.close();
  });

  it("an invalid spec edit reports the errors and changes nothing; a valid one updates what changed", async () => {
    let next: { project?: ResolvedProject; errors: string[] } = { errors: ["services/api/service.yaml:2:11 replicas: expected a number"] };
    const t = setup({ reload: () => next });
    t.emit("services/api/service.yaml");
    t.timer.advance(200);
    await new Promise((r) => setTimeout(r, 0));
    await t.w.idle();
    expect(t.actions).toContainEqual({ type: "spec-invalid", errors: ["services/api/service.yaml:2:11 replicas: expected a number"] });
    expect(t.builds).toEqual([]);
    next = { project: project(2), errors: [] };
    t.emit("services/api/service.yaml");
    t.timer.advance(200);
    await new Promise((r) => setTimeout(r, 0));
    await t.w.idle();
    expect(t.builds).toEqual(["api"]);
    expect(t.store.state.services.api!.replicas).toBe(2);
    // The fix is announced once, after the errors (not at every later valid edit).
    const types = t.actions.map((a) => a.type).filter((x) => x === "spec-invalid" || x === "spec-valid");
    expect(types).toEqual(["spec-invalid", "spec-valid"]);
    expect(t.actions).toContainEqual({ type: "spec-valid", files: ["services/api/service.yaml"] });
  });
});
