// Ctrl-C during a watch update stops it at every step, also where the port takes no signal
// (delivery, apply): the update ends at once and says where it left the service.
import { memoryFs, validateProject, type ResolvedProject } from "@devup/project";
import { describe, expect, it } from "vitest";
import type { Ports } from "./ports.ts";
import { initialState, type Action } from "./state.ts";
import { Store } from "./store.ts";
import { updateService } from "./update.ts";

function project(): ResolvedProject {
  const files: Record<string, string> = { "dev.yaml": "name: shop\n", "services/api/service.yaml": "build: {}\nports:\n  - port: 8080\n", "services/api/Dockerfile": "FROM node:24-slim\n" };
  return validateProject({ root: "/p", devFile: { path: "dev.yaml", text: files["dev.yaml"]! }, serviceFiles: [{ path: "services/api/service.yaml", text: files["services/api/service.yaml"]! }] }, memoryFs(files)).value!;
}

const never = <T>() => new Promise<T>(() => undefined);

function run(stuck: "deliver" | "apply") {
  const p = project();
  const store = new Store(initialState(p.name, p.environment, p.namespace, p.cluster.name, p.services));
  const actions: Action[] = [];
  store.subscribe((_s, a) => actions.push(a));
  let reached!: () => void;
  const atStep = new Promise<void>((resolve) => (reached = resolve));
  const ports: Ports = {
    images: { tag: () => Promise.resolve("devup.local/shop-api:v1"), ensure: (reqs) => Promise.resolve(reqs.map((r) => ({ service: r.service, tag: r.tag, action: "built" as const, durationMs: 1 }))) },
    cluster: {
      ensure: () => Promise.resolve({ context: "c", created: false }),
      deliver: (imgs) => (stuck === "deliver" ? (reached(), never()) : Promise.resolve(imgs.map((image) => ({ image, ref: image, action: "delivered" as const, durationMs: 1 })))),
    },
    kube: { apply: () => (stuck === "apply" ? (reached(), never()) : Promise.resolve()), prune: () => Promise.resolve([]), waitReady: () => Promise.resolve(), forward: () => Promise.reject(new Error("no")) },
  };
  const stop = new AbortController();
  const done = updateService(p, ports, store, "api", { trigger: ["services/api/Dockerfile"], signal: stop.signal });
  return { actions, atStep, stop, done };
}

describe("a watch update stopped by Ctrl-C", () => {
  it.each([
    ["deliver", "[api] update stopped while delivering the new image: the previous version keeps running"],
    ["apply", "[api] update stopped while applying: the new objects may be partly applied (the next change or dev up applies them whole)"],
  ] as const)("during %s ends at once (the port's call is not waited for) and says where it left the service", async (stuck, said) => {
    const t = run(stuck);
    await t.atStep;
    t.stop.abort(new Error("watching stopped"));
    await expect(Promise.race([t.done, new Promise((r) => setTimeout(() => r("still waiting"), 500))])).resolves.toBe(false);
    expect(t.actions.filter((a) => a.type === "failed")).toEqual([]);
    expect(t.actions).toContainEqual({ type: "log", level: "info", message: said });
  });
});
