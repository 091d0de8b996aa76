// The forward set against a fake of the other side (the port-forward adapter).
import { memoryFs, validateProject, type ResolvedProject } from "@devup/project";
import { describe, expect, it } from "vitest";
import { ForwardSet } from "./forwards.ts";
import type { Ports } from "./ports.ts";
import { initialState, type Action } from "./state.ts";
import { Store } from "./store.ts";

function project(services: Record<string, number>): ResolvedProject {
  const files: Record<string, string> = { "dev.yaml": "name: shop\n" };
  for (const [name, forward] of Object.entries(services)) files[`services/${name}/service.yaml`] = `image: example/${name}:1\nports:\n  - port: 8080\n    forward: ${forward}\n`;
  const paths = Object.keys(files).filter((f) => f.endsWith("service.yaml")).sort();
  const r = validateProject({ root: "/p", devFile: { path: "dev.yaml", text: files["dev.yaml"]! }, serviceFiles: paths.map((path) => ({ path, text: files[path]! })) }, memoryFs(files));
  expect(r.errors).toEqual([]);
  return r.value!;
}

describe("ForwardSet", () => {
  it("opens forwards of ready services, opens an added service's once ready, and closes a removed or moved one", async () => {
    const open = new Set<string>();
    const resets: string[] = [];
    const ports = {
      kube: {
        forward: (o: { service: string; localPort: number }) => {
          const key = `${o.service}:${o.localPort}`;
          open.add(key);
          return Promise.resolve({ localPort: o.localPort, reset: () => resets.push(key), close: () => (open.delete(key), Promise.resolve()) });
        },
      },
    } as unknown as Ports;
    const first = project({ api: 18080 });
    const store = new Store(initialState("shop", "local", "shop", "c", first.services));
    const actions: Action[] = [];
    store.subscribe((_s, a) => actions.push(a));
    const set = new ForwardSet(ports, store);

    await set.reconcile(first, () => true);
    expect([...open]).toEqual(["api:18080"]);

    const added = project({ api: 18080, web: 18081 });
    await set.reconcile(added, (name) => name !== "web"); // web not ready yet
    expect([...open]).toEqual(["api:18080"]);
    await set.reconcile(added, () => true);
    expect([...open].sort()).toEqual(["api:18080", "web:18081"]);
    expect(set.handles).toHaveLength(2);
    set.reset("web");
    expect(resets).toEqual(["web:18081"]);

    await set.reconcile(project({ web: 18090 }), () => true);
    expect([...open]).toEqual(["web:18090"]);
    expect(set.handles.map((h) => h.localPort)).toEqual([18090]);
    const stopped = actions.flatMap((a) => (a.type === "forward" && a.forward.status === "stopped" ? [`${a.service}:${a.forward.localPort}`] : []));
    expect(stopped.sort()).toEqual(["api:18080", "web:18081"]);
  });
});
