// The synced files kept in the cluster for new pods: kept with each sync, removed before a rebuild
// rolls out, kept again when the rebuild fails. Against fakes of the other side.
import { type ResolvedProject, validateFiles } from "@devup/project";
import { describe, expect, it } from "vitest";
import type { Ports } from "../ports.ts";
import { initialState } from "../state.ts";
import { Store } from "../store.ts";
import { fakeTimer } from "./fake-timer.ts";
import { watchProject } from "./loop.ts";

function project(): ResolvedProject {
  const files = {
    "dev.yaml": "name: shop\n",
    "services/api/service.yaml": "build: {}\nports:\n  - port: 8080\nsync:\n  - { from: src, to: /app/src, then: restart }\n",
    "services/api/Dockerfile": "FROM node:24-slim\n",
  };
  return validateFiles(files).value!;
}

function setup(options: { rolloutFails?: boolean } = {}) {
  const p = project();
  const store = new Store(initialState(p.name, p.environment, p.namespace, p.cluster.name, p.services));
  const log: string[] = [];
  const ports: Ports = {
    images: { tag: () => Promise.resolve("devup.local/shop-api:v2"), ensure: (reqs) => (log.push("build"), Promise.resolve(reqs.map((r) => ({ service: r.service, tag: r.tag, action: "built" as const, durationMs: 1 })))) },
    cluster: { ensure: () => Promise.resolve({ context: "c", created: false }), deliver: (imgs) => Promise.resolve(imgs.map((image) => ({ image, ref: image, action: "delivered" as const, durationMs: 1 }))) },
    kube: {
      apply: () => (log.push("apply"), Promise.resolve()),
      prune: () => Promise.resolve([]),
      waitReady: () => (options.rolloutFails ? Promise.reject(new Error("crash-looping")) : Promise.resolve()),
      forward: () => Promise.reject(new Error("no")),
    },
    sync: {
      sync: () => (log.push("sync"), Promise.resolve({ pods: 1, current: ["a/0"] })),
      keep: (_ns, service, files) => (log.push(`keep ${service}: ${files.map((f) => f.to).join(",") || "none"}`), Promise.resolve(files.length > 0)),
    },
  };
  const timer = fakeTimer();
  let emit: (path: string) => void = () => undefined;
  const w = watchProject(p, ports, store, { watcher: { watch: (_p, on) => ((emit = on), { close: () => Promise.resolve() }) }, reload: () => ({ project: p, errors: [] }), timer });
  const change = async (path: string) => {
    emit(path);
    timer.advance(200);
    await w.idle();
  };
  return { log, change, w };
}

describe("synced files kept for new pods", () => {
  it("are kept with each sync (all files since the build) and removed before a rebuild is applied", async () => {
    const t = setup();
    await t.change("services/api/src/a.js");
    await t.change("services/api/src/b.js");
    await t.change("services/api/Dockerfile");
    expect(t.log).toEqual(["keep api: /app/src/a.js", "sync", "keep api: /app/src/a.js,/app/src/b.js", "sync", "keep api: none", "build", "apply"]);
    await t.w.close();
  });

  it("are kept again when the rebuild fails (the running pods still have them)", async () => {
    const t = setup({ rolloutFails: true });
    await t.change("services/api/src/a.js");
    await t.change("services/api/Dockerfile");
    expect(t.log).toEqual(["keep api: /app/src/a.js", "sync", "keep api: none", "build", "apply", "keep api: /app/src/a.js"]);
    await t.w.close();
  });

  it("a rebuild with nothing kept removes nothing", async () => {
    const t = setup();
    await t.change("services/api/Dockerfile");
    expect(t.log).toEqual(["build", "apply"]);
    await t.w.close();
  });
});
