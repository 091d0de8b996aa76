// Crash detection after a sync, against a fake of the cluster's side (pods whose restarts a test sets).
import { type ResolvedProject, validateFiles } from "@devup/project";
import { describe, expect, it } from "vitest";
import type { PodHealth, Ports, SyncRequest } from "../ports.ts";
import { initialState, type Action } from "../state.ts";
import { Store } from "../store.ts";
import { crashWatch } from "./after-sync.ts";
import { fakeTimer } from "./fake-timer.ts";
import { watchProject } from "./loop.ts";

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function project(): ResolvedProject {
  const files = {
    "dev.yaml": "name: shop\n",
    "services/api/service.yaml": "build: {}\nports:\n  - port: 8080\nsync:\n  - { from: src, to: /app/src, then: restart }\n",
    "services/api/Dockerfile": "FROM node:24-slim\n",
  };
  return validateFiles(files).value!;
}

/** A cluster with pods a test changes; every call is recorded. */
function cluster() {
  const pods: PodHealth[] = [{ name: "api-a", uid: "a", restarts: 0, running: true }];
  const calls = { pods: 0, replaced: [] as string[], syncs: [] as SyncRequest[] };
  const sync: NonNullable<Ports["sync"]> = {
    sync: (r) => {
      calls.syncs.push(r);
      const running = pods.filter((p) => p.running);
      if (!running.length) return Promise.reject(new Error("container not running"));
      return Promise.resolve({ pods: running.length, current: running.map((p) => `${p.uid}/${p.restarts}`) });
    },
    pods: () => (calls.pods++, Promise.resolve(pods.map((p) => ({ ...p })))),
    crashLogs: (_ns, pod) => Promise.resolve([`${pod}: starting`, "Error: boom at server.js:3"]),
    replace: (_ns, names) => {
      calls.replaced.push(...names);
      for (const n of names) pods.splice(pods.findIndex((p) => p.name === n), 1);
      pods.push({ name: "api-b", uid: "b", restarts: 0, running: false });
      return Promise.resolve();
    },
  };
  return { pods, calls, sync };
}

function stores() {
  const p = project();
  const store = new Store(initialState(p.name, p.environment, p.namespace, p.cluster.name, p.services));
  const actions: Action[] = [];
  store.subscribe((_s, a) => actions.push(a));
  return { p, store, actions };
}

const ports = (sync: Ports["sync"]): Ports => ({
  images: { tag: () => Promise.resolve("t"), ensure: () => Promise.resolve([]) },
  cluster: { ensure: () => Promise.resolve({ context: "c", created: false }), deliver: () => Promise.resolve([]) },
  kube: { apply: () => Promise.resolve(), prune: () => Promise.resolve([]), waitReady: () => Promise.resolve(), forward: () => Promise.reject(new Error("no")) },
  sync,
});

describe("crashWatch", () => {
  it("a container that restarts within the window after a sync is reported once, with its last lines and the synced files", async () => {
    const c = cluster();
    const { store, actions } = stores();
    const timer = fakeTimer();
    const w = crashWatch(ports(c.sync), store, timer);
    let crashes = 0;
    w.watch("shop", "api", ["services/api/src/server.js"], ["a/0"], () => crashes++);
    timer.advance(1000);
    await flush();
    expect(crashes).toBe(0);
    c.pods[0] = { ...c.pods[0]!, restarts: 1, lastExit: { code: 3, reason: "Error" } };
    timer.advance(1000);
    await flush();
    timer.advance(5000);
    await flush();
    expect(crashes).toBe(1);
    expect(w.crashed("api")).toBe(true);
    const crashed = actions.filter((a) => a.type === "crashed");
    expect(crashed).toEqual([{ type: "crashed", service: "api", files: ["services/api/src/server.js"], pods: ["api-a"], exitCode: 3, logs: ["api-a: starting", "Error: boom at server.js:3"] }]);
    expect(store.state.services.api!.phase).toBe("failing");
    expect(store.state.services.api!.error?.message).toBe("pod api-a crashed (exit code 3) right after the sync of services/api/src/server.js");
  });

  it("no restart within the window: nothing is reported and the pods are no longer looked at", async () => {
    const c = cluster();
    const { store, actions } = stores();
    const timer = fakeTimer();
    const w = crashWatch(ports(c.sync), store, timer, { windowMs: 3000, pollMs: 1000 });
    expect(w.watching("api")).toBe(false);
    w.watch("shop", "api", ["services/api/src/a.js"], ["a/0"], () => undefined);
    expect(w.watching("api")).toBe(true);
    for (let i = 0; i < 6; i++) {
      timer.advance(1000);
      await flush();
    }
    expect(c.calls.pods).toBe(3);
    expect(w.watching("api")).toBe(false); // the window ended
    c.pods[0] = { ...c.pods[0]!, restarts: 1 }; // a crash long after the sync is not blamed on it
    timer.advance(5000);
    await flush();
    expect(actions.filter((a) => a.type === "crashed")).toEqual([]);
    expect(w.crashed("api")).toBe(false);
  });

  it("a pod that was not synced (not in the sync's keys) restarting is not blamed on the sync", async () => {
    const c = cluster();
    c.pods.push({ name: "api-z", uid: "z", restarts: 4, running: true });
    const { store, actions } = stores();
    const timer = fakeTimer();
    const w = crashWatch(ports(c.sync), store, timer);
    w.watch("shop", "api", ["services/api/src/a.js"], ["a/0"], () => undefined);
    c.pods[1] = { ...c.pods[1]!, restarts: 5 };
    timer.advance(1000);
    await flush();
    expect(actions.filter((a) => a.type === "crashed")).toEqual([]);
  });

  it("recover replaces the pods in crash back-off and waits until the replacements run; without a crash it does nothing", async () => {
    const c = cluster();
    const { store, actions } = stores();
    const timer = fakeTimer();
    const w = crashWatch(ports(c.sync), store, timer);
    await w.recover("shop", "api");
    expect(c.calls.replaced).toEqual([]);
    w.watch("shop", "api", ["services/api/src/server.js"], ["a/0"], () => undefined);
    c.pods[0] = { ...c.pods[0]!, restarts: 2, running: false, waiting: "CrashLoopBackOff", lastExit: { code: 3 } };
    timer.advance(1000);
    await flush();
    expect(w.crashed("api")).toBe(true);
    let done = false;
    const recovering = w.recover("shop", "api").then(() => (done = true));
    await flush();
    expect(c.calls.replaced).toEqual(["api-a"]);
    timer.advance(500);
    await flush();
    expect(done).toBe(false); // the replacement is not running yet
    c.pods[0] = { ...c.pods[0], running: true };
    timer.advance(500);
    await recovering;
    expect(w.crashed("api")).toBe(false);
    expect(actions.some((a) => a.type === "log" && a.message.includes("replaced pod api-a (in crash back-off)"))).toBe(true);
  });
});

describe("the watch loop with crash detection", () => {
  it("a crash after a sync holds the service (the crashing file is not pushed into each restarted container); the fix is synced at once", async () => {
    const c = cluster();
    const { p, store, actions } = stores();
    const timer = fakeTimer();
    let emit: (path: string) => void = () => undefined;
    const w = watchProject(p, ports(c.sync), store, {
      watcher: { watch: (_p, on) => ((emit = on), { close: () => Promise.resolve() }) },
      reload: () => ({ project: p, errors: [] }),
      timer,
    });
    emit("services/api/src/server.js");
    timer.advance(200);
    await w.idle();
    expect(c.calls.syncs).toHaveLength(1);
    c.pods[0] = { ...c.pods[0]!, restarts: 1, lastExit: { code: 3 } }; // the wrapper exited: Kubernetes restarted the container
    timer.advance(1000);
    await flush();
    await flush();
    expect(actions.filter((a) => a.type === "crashed")).toHaveLength(1);
    // The re-sync ticks would give the restarted container the crashing file again: held instead.
    for (let i = 0; i < 5; i++) {
      timer.advance(2000);
      await w.idle();
    }
    expect(c.calls.syncs).toHaveLength(1);
    emit("services/api/src/server.js");
    timer.advance(200);
    await w.idle();
    expect(c.calls.syncs).toHaveLength(2);
    expect(c.calls.syncs[1]!.files.map((f) => f.to)).toEqual(["/app/src/server.js"]);
    expect(store.state.services.api!.phase).toBe("ready");
    await w.close();
  });
});
