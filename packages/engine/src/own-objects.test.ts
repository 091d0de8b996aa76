// A project mixing a generated service with services whose objects are their own (manifests:),
// through `up` and `updateService` against small fakes of the other side.
import { DevupError } from "@devup/errors";
import type { KubeObject, ObjectRef } from "@devup/manifests";
import { validateFiles, type ResolvedProject, type ResolvedService } from "@devup/project";
import { describe, expect, it } from "vitest";
import type { Ports } from "./ports.ts";
import { initialState } from "./state.ts";
import { Store } from "./store.ts";
import { up } from "./up.ts";
import { updateService } from "./update.ts";

function project(): ResolvedProject {
  const r = validateFiles({
    "dev.yaml": "name: shop\nmanifests:\n  gadgets: { yaml: [infra.yaml] }\n",
    "infra.yaml": "",
    "services/api/service.yaml": "build: {}\nmanifests: { yaml: [k8s.yaml] }\nforward: [{ port: http, local: 18080, service: api-front }]\ndependsOn: [gadgets]\n",
    "services/api/k8s.yaml": "",
    "services/api/Dockerfile": "FROM scratch\n",
    "services/web/service.yaml": "build: {}\nports: [{ port: 3000 }]\ndependsOn: [api]\n",
    "services/web/Dockerfile": "FROM scratch\n",
  });
  expect(r.errors).toEqual([]);
  return r.value!;
}

const crd: KubeObject = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "gadgets.x.dev" }, spec: { scope: "Namespaced", names: { kind: "Gadget" } } };
const gadget: KubeObject = { apiVersion: "x.dev/v1", kind: "Gadget", metadata: { name: "g" } };
const deployment = (image: string): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "api-front" },
  spec: { selector: { matchLabels: { app: "a" } }, template: { metadata: { labels: { app: "a" } }, spec: { containers: [{ name: "a", image }] } } },
});

interface World {
  log: string[];
  rendered: Record<string, KubeObject[]>;
  dryRun: string[];
  pruneDesired?: string[];
  renderFails?: string;
}

function fakes(world: World): Ports {
  const names = (objects: ReadonlyArray<KubeObject | ObjectRef>) => objects.map((o) => `${o.kind}/${"metadata" in o ? o.metadata.name : o.name}`);
  return {
    images: {
      tag: (r) => Promise.resolve(`devup.local/shop-${r.service}:v1`),
      ensure: (requests) => Promise.resolve(requests.map((r) => ({ service: r.service, tag: r.tag, action: "skipped" as const, durationMs: 0 }))),
    },
    cluster: {
      ensure: () => Promise.resolve({ context: "kind-devup", created: false }),
      deliver: (images) => Promise.resolve(images.map((image) => ({ image, ref: image, action: "skipped" as const, durationMs: 0 }))),
    },
    manifests: {
      render: (_p, s: ResolvedService) =>
        s.name === world.renderFails ? Promise.reject(new DevupError("renderFailed", `${s.manifests!.at}: helm template failed`)) : Promise.resolve(world.rendered[s.name] ?? []),
    },
    kube: {
      apply: (objects, options) => {
        if (options?.dryRun) world.dryRun.push(...names(objects));
        else world.log.push(`apply ${names(objects).join(" ")}`);
        return Promise.resolve();
      },
      prune: (desired) => {
        world.pruneDesired = names(desired);
        return Promise.resolve([]);
      },
      waitReady: (_ns, name) => {
        world.log.push(`waitReady ${name}`);
        return Promise.resolve();
      },
      waitObjects: (objects) => {
        world.log.push(`waitObjects ${names(objects).join(" ")}`);
        return Promise.resolve();
      },
      forward: (o) => {
        world.log.push(`forward ${o.service} ${o.port} ${o.localPort}`);
        return Promise.resolve({ localPort: o.localPort, close: () => Promise.resolve() });
      },
    },
  };
}

describe("up with services that bring their own objects", () => {
  it("applies CRDs and waits for them before their resources, waits for readiness, keeps dependencies, forwards to the named Service", async () => {
    const world: World = { log: [], dryRun: [], rendered: { gadgets: [gadget, crd], api: [deployment("api:dev")] } };
    const p = project();
    const store = new Store(initialState(p.name, p.environment, p.namespace, "devup", p.services));
    const result = await up(p, fakes(world), store, { forward: true, trigger: ["dev up"] });
    expect(result.failed).toEqual([]);
    expect(world.log).toEqual([
      "apply Namespace/shop",
      "apply CustomResourceDefinition/gadgets.x.dev",
      "waitObjects CustomResourceDefinition/gadgets.x.dev",
      "apply Gadget/g",
      "waitObjects CustomResourceDefinition/gadgets.x.dev Gadget/g",
      "apply Deployment/api-front",
      "waitObjects Deployment/api-front",
      "apply Service/web Deployment/web",
      "waitReady web",
      "forward api-front http 18080",
    ]);
    // The CR cannot be dry-run before its CRD exists; the rest is.
    expect(world.dryRun).not.toContain("Gadget/g");
    expect(world.dryRun).toContain("Deployment/api-front");
    expect(world.pruneDesired).toEqual(expect.arrayContaining(["Gadget/g", "CustomResourceDefinition/gadgets.x.dev", "Deployment/api-front", "Deployment/web"]));
    expect(store.state.services.api?.phase).toBe("ready");
  });

  it("a service whose built image no object refers to fails with the spec line; its dependents wait; nothing is pruned", async () => {
    const world: World = { log: [], dryRun: [], rendered: { gadgets: [], api: [deployment("other:1")] } };
    const p = project();
    const store = new Store(initialState(p.name, p.environment, p.namespace, "devup", p.services));
    const result = await up(p, fakes(world), store, { forward: false, trigger: ["dev up"] });
    expect(result.failed.sort()).toEqual(["api", "web"]);
    expect(store.state.services.api?.error?.message).toMatch(/^services\/api\/service\.yaml:2:1: no object of api refers to the image "api"/);
    expect(world.pruneDesired).toBeUndefined();
    expect(world.log.some((l) => l.includes("api-front"))).toBe(false);
  });

  it("a render that fails is that service's failure, said with the spec line", async () => {
    const world: World = { log: [], dryRun: [], rendered: { gadgets: [] }, renderFails: "api" };
    const p = project();
    const store = new Store(initialState(p.name, p.environment, p.namespace, "devup", p.services));
    await up(p, fakes(world), store, { forward: false, trigger: ["dev up"] });
    expect(store.state.services.api?.error?.message).toBe("services/api/service.yaml:2:1: helm template failed");
    expect(store.state.services.gadgets?.phase).toBe("ready");
  });

  it("updateService re-renders and applies only that service's own objects, with the new image", async () => {
    const world: World = { log: [], dryRun: [], rendered: { api: [deployment("api:old")] } };
    const p = project();
    const store = new Store(initialState(p.name, p.environment, p.namespace, "devup", p.services));
    expect(await updateService(p, fakes(world), store, "api", { trigger: ["k8s.yaml"] })).toBe(true);
    expect(world.log).toEqual(["apply Deployment/api-front", "waitObjects Deployment/api-front"]);
    expect(store.state.services.api?.image).toBe("devup.local/shop-api:v1");
  });
});
