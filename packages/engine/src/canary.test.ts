// canary releases in the engine against a small fake of the API server: what is applied, checked and
// dispatched, in order, for each step; the manual hold; a failed check; a redeploy (dev rollback).
import { DevupError } from "@devup/errors";
import type { KubeObject, Slot } from "@devup/manifests";
import { validateFiles, type ResolvedProject } from "@devup/project";
import { describe, expect, it } from "vitest";
import { redeploy } from "./execute.ts";
import { objectsForService } from "./plan/objects.ts";
import type { Ports } from "./ports.ts";
import { initialState, type Action } from "./state.ts";
import { Store } from "./store.ts";
import { applyAndWait } from "./steps.ts";
import { up } from "./up.ts";

function project(rollout: string): ResolvedProject {
  const result = validateFiles({
    "dev.yaml": "name: shop\n",
    "services/api/service.yaml": `image: example/api:1\nports:\n  - port: 8080\ningress:\n  - { host: api.localhost }\nrollout:\n  strategy: canary\n${rollout}`,
  });
  expect(result.errors).toEqual([]);
  return result.value!;
}

interface World {
  live?: Slot | undefined;
  /** What the cluster says of the canary slot now: its share of the traffic and the release its Deployment runs ("same": this one). */
  inFlight?: { weight: number; template: "same" | "other" } | undefined;
  /** The check fails from this call on (1-based). */
  failCheckAt?: number;
  timeline: string[];
  checks: number;
}

const weights = (o: KubeObject) => (o.spec as { weighted: { services: Array<{ name: string; weight: number }> } }).weighted.services.map((w) => `${w.name}=${w.weight}`).join(",");
const describeObject = (o: KubeObject): string => {
  if (o.kind === "TraefikService") return `TraefikService ${weights(o)}`;
  if (o.kind === "Deployment") return `Deployment/${o.metadata.name} replicas=${String((o.spec as { replicas?: number }).replicas)}`;
  if (o.kind === "Service" && o.metadata.name === "api") return `Service/api → ${(o.spec as { selector: Record<string, string> }).selector["devup.dev/slot"]}`;
  return `${o.kind}/${o.metadata.name}`;
};

function ports(world: World): Ports {
  const unused = () => Promise.reject(new Error("not used"));
  return {
    images: { tag: unused, ensure: unused },
    cluster: { ensure: unused, deliver: unused },
    kube: {
      apply: (objects) => (world.timeline.push(`apply ${objects.map(describeObject).join("; ")}`), Promise.resolve()),
      prune: () => Promise.resolve([]),
      waitReady: (_ns, name, onProgress) => (onProgress(1, 1), world.timeline.push(`ready ${name}`), Promise.resolve()),
      liveSlot: () => Promise.resolve(world.live ? { slot: world.live } : undefined),
      canaryWeight: (_ns, _service, slot) => Promise.resolve(world.inFlight ? { weight: world.inFlight.weight, template: world.inFlight.template === "same" ? templateOf(slot) : "0000" } : undefined),
      check: (_ns, service, port, path) => {
        world.checks++;
        world.timeline.push(`check ${service} ${port} ${path}`);
        return world.failCheckAt !== undefined && world.checks >= world.failCheckAt ? Promise.reject(new Error("HTTP 500")) : Promise.resolve();
      },
      forward: unused,
    },
  };
}

let templateOf: (slot: Slot) => string | undefined = () => undefined;

async function release(p: ResolvedProject, world: World, how: "apply" | "redeploy" = "apply") {
  const objects = objectsForService(p, p.services[0]!, "example/api:2", undefined, undefined, world.live ? { slot: world.live, template: "old" } : undefined);
  templateOf = (slot) => objects.find((o) => o.kind === "Deployment" && o.metadata.name === `api-${slot}`)?.metadata.annotations?.["devup.dev/template"];
  const store = new Store(initialState(p.name, p.environment, p.namespace, p.cluster.name, p.services));
  const actions: Action[] = [];
  store.subscribe((_s, a) => actions.push(a));
  const run = how === "apply" ? applyAndWait(ports(world), store, "shop", "api", objects, () => 0) : redeploy(ports(world), store, { namespace: "shop", service: "api", objects, trigger: ["dev rollback to 1"] });
  const outcome = await run.then(
    () => "ok",
    (error: unknown) => (error instanceof DevupError ? error.message : String(error)),
  );
  const splits = actions.flatMap((a) => (a.type === "release" ? [`${a.canary ? `${a.canary} ${a.weight}% / ${a.stable}` : `all on ${a.stable}`}`] : []));
  const logs = actions.flatMap((a) => (a.type === "log" ? [a.message] : []));
  return { outcome, splits, logs, state: store.state };
}

/** The applies of the release after the first one (which brings the new slot up), in order. */
const steps = (timeline: string[]) => timeline.filter((t) => t.startsWith("apply")).slice(1);

describe("canary releases in the engine", () => {
  it("the first release takes all traffic at once: nothing to compare it with", async () => {
    const world: World = { timeline: [], checks: 0 };
    const { outcome, splits } = await release(project("  verify:\n    http: { path: /ok }\n"), world);
    expect(outcome).toBe("ok");
    expect(world.timeline[0]).toContain("Service/api → blue");
    expect(world.timeline[0]).toContain("TraefikService api-blue=100");
    expect(world.checks).toBe(0);
    expect(splits).toEqual(["all on blue"]);
  });

  it("brings the canary up at 0 %, then checks it and moves the ingress traffic step by step; at 100 the Service switches too", async () => {
    const world: World = { live: "blue", timeline: [], checks: 0 };
    const { outcome, splits, state } = await release(project("  verify:\n    http: { path: /ok }\n"), world);
    expect(outcome).toBe("ok");
    // Up beside the stable slot: the Service still selects blue (held back), all ingress traffic on blue.
    expect(world.timeline[0]).toMatch(/Deployment\/api-green replicas=1/);
    expect(world.timeline[0]).not.toContain("Service/api →");
    expect(world.timeline[0]).toContain("TraefikService api-blue=100");
    expect(world.timeline[1]).toBe("ready api-green");
    expect(world.timeline.slice(2)).toEqual([
      "check api-green http /ok",
      "apply TraefikService api-blue=90,api-green=10",
      "check api-green http /ok",
      "apply TraefikService api-blue=50,api-green=50",
      "check api-green http /ok",
      "apply TraefikService api-green=100; Service/api → green",
    ]);
    expect(splits).toEqual(["green 10% / blue", "green 50% / blue", "all on green"]);
    expect(state.services.api?.release).toEqual({ stable: "green", weight: 0 });
  });

  it("with promote: manual, holds at the first step and says how to go on", async () => {
    const world: World = { live: "green", timeline: [], checks: 0 };
    const { outcome, splits, logs, state } = await release(project("  steps: [20, 100]\n  promote: manual\n"), world);
    expect(outcome).toBe("ok");
    expect(steps(world.timeline)).toEqual(["apply TraefikService api-green=80,api-blue=20"]);
    expect(splits).toEqual(["blue 20% / green"]);
    expect(state.services.api?.release).toEqual({ stable: "green", canary: "blue", weight: 20 });
    expect(logs).toContain("[api] holding at 20 %: dev promote api moves blue to 100 %, dev abort api sends all traffic back to green");
  });

  it("a failed check sends all traffic back to the stable slot and scales the canary to 0, saying so", async () => {
    const world: World = { live: "blue", timeline: [], checks: 0, failCheckAt: 2 };
    const { outcome, splits, state } = await release(project("  verify:\n    http: { path: /ok }\n"), world);
    expect(outcome).toBe("api: the canary (green) failed its check GET /ok before the 50 % step: HTTP 500; all traffic is back on blue and green was scaled to 0");
    expect(steps(world.timeline)).toEqual(["apply TraefikService api-blue=90,api-green=10", "apply TraefikService api-blue=100; Deployment/api-green replicas=0"]);
    expect(splits).toEqual(["green 10% / blue", "all on blue"]);
    expect(state.services.api?.release).toEqual({ stable: "blue", weight: 0 });
  });

  it("dev up again while this very release is held at a step (manual): stays there, no reset to 0 %", async () => {
    const world: World = { live: "blue", timeline: [], checks: 0, inFlight: { weight: 50, template: "same" } };
    const { outcome, splits, logs } = await release(project("  promote: manual\n"), world);
    expect(outcome).toBe("ok");
    expect(world.timeline[0]).toContain("TraefikService api-blue=50,api-green=50");
    expect(steps(world.timeline)).toEqual([]);
    expect(splits).toEqual(["green 50% / blue"]);
    expect(logs).toContain("[api] still holding at 50 %: dev promote api moves green to 100 %, dev abort api sends all traffic back to blue");
  });

  it("a release in flight goes on from its share with promote: auto; a different release in the slot starts over at 0 %", async () => {
    const auto: World = { live: "blue", timeline: [], checks: 0, inFlight: { weight: 50, template: "same" } };
    expect((await release(project(""), auto)).splits).toEqual(["all on green"]);
    expect(steps(auto.timeline)).toEqual(["apply TraefikService api-green=100; Service/api → green"]);
    const other: World = { live: "blue", timeline: [], checks: 0, inFlight: { weight: 50, template: "other" } };
    expect((await release(project("  promote: manual\n"), other)).splits).toEqual(["green 10% / blue"]);
    expect(other.timeline[0]).toContain("TraefikService api-blue=100");
  });

  it("a redeploy (dev rollback) gives the earlier release all traffic in one step", async () => {
    const world: World = { live: "blue", timeline: [], checks: 0 };
    const { outcome, splits } = await release(project("  promote: manual\n"), world, "redeploy");
    expect(outcome).toBe("ok");
    expect(steps(world.timeline)).toEqual(["apply TraefikService api-green=100; Service/api → green"]);
    expect(splits).toEqual(["all on green"]);
  });
});

describe("a blueGreen service's first release", () => {
  const blueGreen = (): ResolvedProject => {
    const result = validateFiles({
      "dev.yaml": "name: shop\n",
      "services/api/service.yaml": "image: example/api:1\nports:\n  - port: 8080\nrollout:\n  strategy: blueGreen\n  verify:\n    http: { path: /ok }\n",
    });
    expect(result.errors).toEqual([]);
    return result.value!;
  };

  it("is checked before the Service selects it, although nothing serves yet", async () => {
    const world: World = { timeline: [], checks: 0 };
    const { outcome } = await release(blueGreen(), world);
    expect(outcome).toBe("ok");
    expect(world.timeline[0]).not.toContain("Service/api →");
    expect(world.timeline.slice(1)).toEqual(["ready api-blue", "check api-preview http /ok", "apply Service/api → blue"]);
  });

  it("failing its check, is scaled to 0 and the Service is never applied", async () => {
    const world: World = { timeline: [], checks: 0, failCheckAt: 1 };
    const { outcome } = await release(blueGreen(), world);
    expect(outcome).toMatch(/failed its check GET \/ok: HTTP 500; nothing serves yet and blue was scaled to 0/);
    expect(world.timeline.join("\n")).not.toContain("Service/api →");
    expect(world.timeline.at(-1)).toBe("apply Deployment/api-blue replicas=0");
  });
});

describe("up with a canary service", () => {
  /** up() against fakes where the ingress controller takes a moment to be ready: what the cluster saw, in order. */
  async function timeline(rollout: string): Promise<string[]> {
    const result = validateFiles({
      "dev.yaml": "name: shop\ncluster:\n  ingress: { httpPort: 8000 }\n",
      "services/api/service.yaml": `image: example/api:1\nports:\n  - port: 8080\ningress:\n  - { host: api.localhost }\n${rollout}`,
    });
    expect(result.errors).toEqual([]);
    const p = result.value!;
    const seen: string[] = [];
    const base = ports({ timeline: [], checks: 0 });
    const fake: Ports = {
      ...base,
      images: { tag: () => Promise.resolve("unused"), ensure: () => Promise.resolve([]) },
      cluster: { ensure: () => Promise.resolve({ context: "kind-dev", created: false }), deliver: (images) => Promise.resolve(images.map((image) => ({ image, ref: image, action: "skipped" as const, durationMs: 0 }))) },
      kube: {
        ...base.kube,
        apply: (objects, options) => (seen.push(...objects.map((o) => `${options?.dryRun ? "dry-run" : "apply"} ${o.kind}/${o.metadata.name}`)), Promise.resolve()),
        waitReady: async (_ns, name, onProgress) => {
          if (name === "traefik") await new Promise((r) => setTimeout(r, 30));
          onProgress(1, 1);
          seen.push(`ready ${name}`);
        },
      },
      ingress: { site: { installsController: true, hostPort: 8000 }, controllerImage: () => ({ image: "traefik:v3.6.12", local: false }), hostPort: () => Promise.resolve(8000) },
    };
    const store = new Store(initialState(p.name, p.environment, p.namespace, p.cluster.name, p.services));
    const outcome = await up(p, fake, store, { forward: false, trigger: ["dev up"] });
    expect(outcome.failed).toEqual([]);
    return seen;
  }

  it("waits for the ingress controller (and so Traefik's CRDs) before its route objects are checked or applied", async () => {
    const seen = await timeline("rollout:\n  strategy: canary\n");
    expect(seen.indexOf("apply CustomResourceDefinition/traefikservices.traefik.io")).toBeGreaterThanOrEqual(0);
    expect(seen.indexOf("ready traefik")).toBeLessThan(seen.indexOf("dry-run TraefikService/api"));
    expect(seen.indexOf("ready traefik")).toBeLessThan(seen.indexOf("apply IngressRoute/api"));
  });

  it("a project without a canary does not wait for the controller: its services come up beside it", async () => {
    const seen = await timeline("");
    expect(seen.indexOf("dry-run Deployment/api")).toBeGreaterThanOrEqual(0);
    expect(seen.indexOf("dry-run Deployment/api")).toBeLessThan(seen.indexOf("ready traefik"));
  });
});
