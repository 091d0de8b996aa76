// The ingress step against small fakes of the other side (kind's port mappings, delivery, the API
// server). The real controller is exercised by test/e2e/ingress.
import { DevupError } from "@devup/errors";
import type { IngressSite, KubeObject } from "@devup/manifests";
import { memoryFs, validateProject, type ResolvedProject } from "@devup/project";
import { describe, expect, it } from "vitest";
import { ensureIngress } from "./ingress.ts";
import type { Ports } from "./ports.ts";
import { initialState, type Action } from "./state.ts";
import { Store } from "./store.ts";
import { up } from "./up.ts";

function project(dev: string, service = "image: example/api:1\nports:\n  - port: 8080\ningress:\n  - { host: api.localhost, path: /v1 }\n"): ResolvedProject {
  const files = { "dev.yaml": dev, "services/api/service.yaml": service };
  const result = validateProject(
    { root: "/p", devFile: { path: "dev.yaml", text: dev }, serviceFiles: [{ path: "services/api/service.yaml", text: service }] },
    memoryFs(files),
  );
  expect(result.errors).toEqual([]);
  return result.value!;
}

const kindProject = () => project("name: shop\ncluster:\n  name: dev\n  ingress: { httpPort: 8000 }\n");

interface World {
  /** Where the provider serves routes (kind's answer by default). */
  site: IngressSite;
  hostPort: number | undefined;
  local: boolean;
  delivered: string[];
  applied: KubeObject[];
  waited: string[];
  failWait?: boolean;
}

function fakes(world: World): Ports {
  return {
    images: { tag: () => Promise.resolve("unused"), ensure: () => Promise.resolve([]) },
    cluster: {
      ensure: () => Promise.resolve({ context: "kind-dev", created: false }),
      deliver: (images) => {
        world.delivered.push(...images);
        return Promise.resolve(images.map((image) => ({ image, ref: `localhost:5001/${image.split("/").pop()!}`, action: "delivered" as const, durationMs: 1 })));
      },
    },
    kube: {
      apply: (objects) => {
        world.applied.push(...objects);
        return Promise.resolve();
      },
      prune: () => Promise.resolve([]),
      waitReady: (ns, name, onProgress) => {
        world.waited.push(`${ns}/${name}`);
        if (world.failWait && ns === "devup-ingress") return Promise.reject(new DevupError("rollout", `${name}: image pull failed: traefik:v3.6.12 not found`));
        onProgress(1, 1);
        return Promise.resolve();
      },
      forward: (o) => Promise.resolve({ localPort: o.localPort, close: () => Promise.resolve() }),
    },
    ingress: {
      site: world.site,
      controllerImage: () => (world.local ? { image: "devup.local/traefik:v3.6.12", local: true } : { image: "traefik:v3.6.12", local: false }),
      hostPort: () => Promise.resolve(world.hostPort),
    },
  };
}

const world = (over: Partial<World> = {}): World => ({ site: { installsController: true, hostPort: 8000 }, hostPort: 8000, local: true, delivered: [], applied: [], waited: [], ...over });

async function run(p: ResolvedProject, w: World) {
  const store = new Store(initialState(p.name, p.environment, p.namespace, p.cluster.name, p.services));
  const actions: Action[] = [];
  store.subscribe((_s, a) => actions.push(a));
  const outcome = await ensureIngress(p, fakes(w), store, () => 0);
  return { outcome, actions, state: store.state };
}

const image = (objects: KubeObject[]) => JSON.stringify(objects.find((o) => o.kind === "Deployment")).match(/"image":"([^"]+)"/)?.[1];

describe("ensureIngress", () => {
  it("delivers the locally built controller like a service image, applies it and waits until it is ready", async () => {
    const w = world();
    const { outcome, state } = await run(kindProject(), w);
    expect(outcome).toEqual({ status: "ready", message: "ingress: ready on 127.0.0.1:8000 (Traefik)" });
    expect(w.delivered).toEqual(["devup.local/traefik:v3.6.12"]);
    expect(image(w.applied)).toBe("localhost:5001/traefik:v3.6.12");
    expect(w.applied.map((o) => o.kind)).toContain("IngressClass");
    expect(w.waited).toEqual(["devup-ingress/traefik"]);
    expect(state.ingress).toEqual({ status: "ready", message: "ingress: ready on 127.0.0.1:8000 (Traefik)", routes: [{ url: "http://api.localhost:8000/v1", service: "api" }] });
  });

  it("lets the nodes pull the published image when nothing was built locally", async () => {
    const w = world({ local: false });
    await run(kindProject(), w);
    expect(w.delivered).toEqual([]);
    expect(image(w.applied)).toBe("traefik:v3.6.12");
  });

  it("says in words, with the fix, when the cluster has no host port for ingress; installs nothing", async () => {
    const w = world({ hostPort: undefined });
    const { outcome, state } = await run(kindProject(), w);
    expect(outcome?.status).toBe("unreachable");
    expect(state.ingress?.message).toContain("the kind cluster dev was created without a host port for ingress (127.0.0.1:8000 → its port 80)");
    expect(state.ingress?.message).toContain("`dev up --recreate-cluster`");
    expect(w.applied).toEqual([]);
    expect(w.delivered).toEqual([]);
  });

  it("names the port the cluster really maps when it differs from the spec", async () => {
    const { outcome } = await run(kindProject(), world({ hostPort: 8080 }));
    expect(outcome).toMatchObject({ status: "unreachable" });
    expect(outcome?.message).toContain("ingress: ready, but on http://127.0.0.1:8080");
  });

  it("reports a controller that does not come up, with the reason", async () => {
    const { outcome, actions } = await run(kindProject(), world({ failWait: true }));
    expect(outcome).toEqual({ status: "failed", message: "the ingress controller did not become ready: traefik: image pull failed: traefik:v3.6.12 not found" });
    expect(actions.map((a) => a.type === "ingress" && a.status)).toEqual(["installing", "failed"]);
  });

  it("installs nothing without routes, on context clusters, or for another ingress class (and says so for that one)", async () => {
    const noRoutes = await run(project("name: shop\n", "image: example/api:1\n"), world());
    expect(noRoutes.outcome).toBeUndefined();
    const context = project("name: shop\ncluster:\n  provider: context\n  context: prod\n  registry: r.example.com/team\n");
    const remote = await run(context, world({ site: { installsController: false, hostPort: undefined } }));
    expect(remote.outcome).toBeUndefined();
    const nginx = await run(project("name: shop\ncluster:\n  ingress: { className: nginx }\n"), world());
    expect(nginx.outcome).toBeUndefined();
    expect(nginx.actions).toHaveLength(1);
    expect(nginx.actions[0]).toMatchObject({ type: "log", level: "warn" });
    expect(nginx.actions[0]!.type === "log" && nginx.actions[0].message).toContain("the routes use class nginx");
    for (const r of [noRoutes, remote, nginx]) expect(r.actions.filter((a) => a.type === "ingress")).toEqual([]);
  });

  it("runs as part of up, and up reports it", async () => {
    const p = kindProject();
    const w = world();
    const store = new Store(initialState(p.name, p.environment, p.namespace, p.cluster.name, p.services));
    const result = await up(p, fakes(w), store, { forward: false, trigger: ["dev up"] });
    expect(result.ready).toEqual(["api"]);
    expect(result.ingress?.status).toBe("ready");
    expect(w.waited.sort()).toEqual(["devup-ingress/traefik", "shop/api"]);
  });
});
