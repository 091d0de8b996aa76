// The orchestration against small fakes of the other side (Docker, kind, the API server).
// The real adapters are exercised by the e2e scenarios in test/e2e.
import { DevupError } from "@devup/errors";
import type { KubeObject } from "@devup/manifests";
import { validateFiles, type ResolvedProject } from "@devup/project";
import { describe, expect, it } from "vitest";
import type { BuildResult, Ports } from "./ports.ts";
import { initialState, type Action } from "./state.ts";
import { Store } from "./store.ts";
import { redeploy } from "./execute.ts";
import { up } from "./up.ts";

const dockerfile = "FROM node:24-slim\n";
function project(extra: Record<string, string> = {}): ResolvedProject {
  const files: Record<string, string> = {
    "dev.yaml": "name: shop\n",
    "services/db/service.yaml": "image: example/db:1\nports:\n  - port: 5432\n",
    "services/api/service.yaml": "build: {}\nports:\n  - port: 8080\n    forward: 18080\ndependsOn: [db]\n",
    "services/api/Dockerfile": dockerfile,
    "services/web/service.yaml": "build: {}\nports:\n  - port: 3000\ndependsOn: [api]\n",
    "services/web/Dockerfile": dockerfile,
    ...extra,
  };
  const result = validateFiles(files);
  expect(result.errors).toEqual([]);
  return result.value!;
}

interface World {
  images: Set<string>;
  nodeImages: Set<string>;
  applied: string[];
  ready: string[];
  failBuild?: string;
  failRollout?: string;
  /** The API server refuses this service's Deployment. */
  refuse?: string;
  /** In order: "apply Kind/name", "ready name", "served name min" — when given, what the cluster saw, in turn. */
  timeline?: string[];
}

function fakes(world: World): Ports {
  return {
    images: {
      tag: (r) => Promise.resolve(`devup.local/shop-${r.service}:v1`),
      ensure: (requests, on) =>
        Promise.resolve(
          requests.map((r): BuildResult => {
            if (!world.images.has(r.tag)) on.start(r.service);
            if (r.service === world.failBuild) return { service: r.service, tag: r.tag, action: "failed", durationMs: 1, error: new DevupError("build", `${r.service}: build failed at step 2/3: RUN false`) };
            if (world.images.has(r.tag)) return { service: r.service, tag: r.tag, action: "skipped", durationMs: 0 };
            world.images.add(r.tag);
            return { service: r.service, tag: r.tag, action: "built", durationMs: 5 };
          }),
        ),
    },
    cluster: {
      ensure: () => Promise.resolve({ context: "kind-devup", created: false }),
      deliver: (images) =>
        Promise.resolve(
          images.map((image) => {
            const action = world.nodeImages.has(image) ? ("skipped" as const) : ("delivered" as const);
            world.nodeImages.add(image);
            return { image, ref: image, action, method: "kind load", durationMs: 1 };
          }),
        ),
    },
    kube: {
      apply: (objects: readonly KubeObject[], options) => {
        const refused = objects.find((o) => o.kind === "Deployment" && o.metadata.name === world.refuse);
        if (refused) return Promise.reject(new DevupError("kube", `applying Deployment shop/${world.refuse}: spec.replicas: Invalid value`));
        if (!options?.dryRun) for (const o of objects) world.applied.push(`${o.kind}/${o.metadata.name}`);
        if (!options?.dryRun) for (const o of objects) world.timeline?.push(`apply ${o.kind}/${o.metadata.name}`);
        return Promise.resolve();
      },
      prune: () => Promise.resolve([]),
      waitReady: async (_ns, name, onProgress) => {
        await new Promise((r) => setTimeout(r, 5));
        if (name === world.failRollout) throw new DevupError("rollout", `${name}: crash loop: the container exited with code 3`);
        onProgress(1, 1);
        world.ready.push(name);
        world.timeline?.push(`ready ${name}`);
      },
      waitServed: async (_ns, service, minimum, onWaiting) => {
        if (!world.timeline) return;
        onWaiting();
        await new Promise((r) => setTimeout(r, 5));
        world.timeline.push(`served ${service} ${minimum}`);
      },
      forward: (o) => {
        o.onState("ready");
        return Promise.resolve({ localPort: o.localPort, close: () => Promise.resolve() });
      },
    },
  };
}

function run(world: World, p = project()) {
  const store = new Store(initialState(p.name, p.environment, p.namespace, p.cluster.name, p.services));
  const actions: Action[] = [];
  store.subscribe((_s, a) => actions.push(a));
  return up(p, fakes(world), store, { forward: true, trigger: ["dev up"] }).then((result) => ({ result, actions, state: store.state }));
}

const newWorld = (): World => ({ images: new Set(), nodeImages: new Set(), applied: [], ready: [] });

describe("up", () => {
  it("builds, delivers, applies dependencies first and forwards", async () => {
    const world = newWorld();
    const { result, state } = await run(world);
    expect(result.ready.sort()).toEqual(["api", "db", "web"]);
    expect(world.ready).toEqual(["db", "api", "web"]);
    expect(world.applied[0]).toBe("Namespace/shop");
    expect(world.applied).toEqual(expect.arrayContaining(["Deployment/db", "Deployment/api"]));
    expect(world.applied.indexOf("Deployment/api")).toBeGreaterThan(world.applied.indexOf("Deployment/db"));
    expect(state.services.api!.forwards).toEqual([{ port: "http", localPort: 18080, url: "http://127.0.0.1:18080", status: "ready", message: undefined }]);
    expect(state.services.api!.phase).toBe("ready");
  });

  it("a service is ready once its Service lists the ready pods: a dependent is applied only after that", async () => {
    const world = { ...newWorld(), timeline: [] as string[] };
    const p = project({ "services/db/service.yaml": "image: example/db:1\nreplicas: 2\nports:\n  - port: 5432\n" });
    const { actions } = await run(world, p);
    const t = world.timeline;
    expect(t).toContain("served db 2");
    expect(t).toContain("served api 1");
    expect(t.indexOf("served db 2")).toBeGreaterThan(t.indexOf("ready db"));
    expect(t.indexOf("apply Deployment/api")).toBeGreaterThan(t.indexOf("served db 2"));
    expect(t.indexOf("apply Deployment/web")).toBeGreaterThan(t.indexOf("served api 1"));
    const logs = actions.flatMap((a) => (a.type === "log" ? [a.message] : []));
    expect(logs).toContain("[db] waiting: the Service db does not list the ready pods yet");
  });

  it("says what each service waits for, from the plan: its dependsOn and the file that says so", async () => {
    const { actions } = await run(newWorld());
    const waiting = actions.filter((a) => a.type === "phase" && a.phase === "waiting").map((a) => (a.type === "phase" ? `${a.service}: ${a.message ?? ""}` : ""));
    expect(waiting.sort()).toEqual(["api: waiting for db to be ready (dependsOn in services/api/service.yaml)", "web: waiting for api to be ready (dependsOn in services/web/service.yaml)"]);
  });

  it("does zero builds and zero deliveries when nothing changed", async () => {
    const world = newWorld();
    await run(world);
    const { actions } = await run(world);
    expect(actions.filter((a) => a.type === "build").map((a) => a.type === "build" && a.action)).toEqual(["skipped", "skipped"]);
    expect(actions.filter((a) => a.type === "delivery").map((a) => a.type === "delivery" && a.action)).toEqual(["skipped", "skipped"]);
  });

  it("a failed build fails that service and blocks its dependents, not the others", async () => {
    const world = { ...newWorld(), failBuild: "api" };
    const { result, state } = await run(world);
    expect(result.ready).toEqual(["db"]);
    expect(state.services.api!.phase).toBe("failing");
    expect(state.services.api!.error?.message).toBe("api: build failed at step 2/3: RUN false");
    expect(state.services.web!.phase).toBe("blocked");
    expect(world.applied).not.toContain("Deployment/api");
  });

  it("what the API server refuses in a dry run is reported against the spec file, and nothing of it is applied", async () => {
    const world = { ...newWorld(), refuse: "db" };
    const { state } = await run(world);
    expect(state.services.db!.error).toMatchObject({
      code: "E_KUBE",
      message: "db: the cluster refused what services/db/service.yaml describes: applying Deployment shop/db: spec.replicas: Invalid value",
      hint: "fix services/db/service.yaml (nothing of db was applied)",
    });
    expect(world.applied.filter((o) => o.endsWith("/db"))).toEqual([]);
    expect(state.services.api!.phase).toBe("blocked");
  });

  it("a failed rollout is reported in words for that service", async () => {
    const world = { ...newWorld(), failRollout: "db" };
    const { state } = await run(world);
    expect(state.services.db!.error).toMatchObject({ code: "E_ROLLOUT_FAILED", message: "db: crash loop: the container exited with code 3" });
    expect(state.services.api!.phase).toBe("blocked");
  });

  it("records each service's deploy and its outcome in the history port, with the trigger", async () => {
    const world = { ...newWorld(), failRollout: "db" };
    const p = project();
    const store = new Store(initialState(p.name, p.environment, p.namespace, p.cluster.name, p.services));
    const recorded: Array<{ service: string; kinds: string[]; outcome: string; trigger: readonly string[]; message?: string | undefined }> = [];
    const ports: Ports = {
      ...fakes(world),
      history: {
        record: (_ns, service, objects, d) => {
          recorded.push({ service, kinds: objects.map((o) => o.kind), outcome: d.outcome, trigger: d.trigger, message: d.message });
          return Promise.resolve(recorded.length);
        },
      },
    };
    await up(p, ports, store, { forward: false, trigger: ["dev apply"] });
    expect(recorded).toEqual([{ service: "db", kinds: ["Service", "Deployment"], outcome: "failed", trigger: ["dev apply"], message: "db: crash loop: the container exited with code 3" }]);
  });

  it("a history that cannot be written is a warning, not a failed deploy", async () => {
    const world = newWorld();
    const p = project();
    const store = new Store(initialState(p.name, p.environment, p.namespace, p.cluster.name, p.services));
    const actions: Action[] = [];
    store.subscribe((_s, a) => actions.push(a));
    const ports: Ports = { ...fakes(world), history: { record: () => Promise.reject(new DevupError("kube", "configmaps is forbidden")) } };
    const result = await up(p, ports, store, { forward: false, trigger: ["dev up"] });
    expect(result.ready.sort()).toEqual(["api", "db", "web"]);
    expect(actions.filter((a) => a.type === "log" && a.level === "warn")).toHaveLength(3);
  });

  it("a failed build leaves that service's objects alone: the prune keeps them, though nothing of it is applied", async () => {
    const world = { ...newWorld(), failBuild: "api" };
    const p = project();
    const store = new Store(initialState(p.name, p.environment, p.namespace, p.cluster.name, p.services));
    const kept: string[] = [];
    const base = fakes(world);
    const ports: Ports = {
      ...base,
      kube: {
        ...base.kube,
        prune: (keep) => {
          for (const k of keep) kept.push("metadata" in k ? `${k.kind}/${k.metadata.name}` : `${k.kind}/${k.name}`);
          return Promise.resolve([]);
        },
      },
    };
    await up(p, ports, store, { forward: false, trigger: ["dev up"] });
    expect(kept).toEqual(expect.arrayContaining(["Deployment/api", "Service/api", "Deployment/db", "Deployment/web"]));
    expect(world.applied).not.toContain("Deployment/api");
  });
});

describe("redeploy (dev rollback)", () => {
  it("applies the objects, waits, and records them under the trigger it is given, with the objects to record", async () => {
    const world = newWorld();
    const p = project();
    const store = new Store(initialState(p.name, p.environment, p.namespace, p.cluster.name, p.services));
    const recorded: Array<{ service: string; kinds: string[]; outcome: string; trigger: readonly string[] }> = [];
    const ports: Ports = {
      ...fakes(world),
      history: {
        record: (_ns, service, objects, d) => {
          recorded.push({ service, kinds: objects.map((o) => o.kind), outcome: d.outcome, trigger: d.trigger });
          return Promise.resolve(7);
        },
      },
    };
    const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", namespace: "shop" } };
    const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "api-secrets", namespace: "shop" } };
    const revision = await redeploy(ports, store, { namespace: "shop", service: "api", objects: [deployment], record: [deployment, secret], trigger: ["dev rollback to 2"] });
    expect(revision).toBe(7);
    expect(world.applied).toEqual(["Deployment/api"]);
    expect(recorded).toEqual([{ service: "api", kinds: ["Deployment", "Secret"], outcome: "ready", trigger: ["dev rollback to 2"] }]);
    expect(store.state.services.api!.phase).toBe("ready");
  });

  it("a rollout that fails is recorded as failed and thrown", async () => {
    const world = { ...newWorld(), failRollout: "api" };
    const p = project();
    const store = new Store(initialState(p.name, p.environment, p.namespace, p.cluster.name, p.services));
    const outcomes: string[] = [];
    const ports: Ports = { ...fakes(world), history: { record: (_ns, _s, _o, d) => (outcomes.push(`${d.outcome}:${d.trigger.join(",")}`), Promise.resolve(1)) } };
    const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", namespace: "shop" } };
    await expect(redeploy(ports, store, { namespace: "shop", service: "api", objects: [deployment], trigger: ["dev rollback to 1"] })).rejects.toThrow("api: crash loop");
    expect(outcomes).toEqual(["failed:dev rollback to 1"]);
  });
});
