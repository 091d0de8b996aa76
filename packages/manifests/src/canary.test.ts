// canary objects, as plain data: the slot Deployment with its steps, a Service per slot, and an
// IngressRoute over a weighted TraefikService in place of the Ingress; the split per step.
import { validateFiles, type ResolvedProject } from "@devup/project";
import { Service } from "kubernetes-models/v1/Service";
import { describe, expect, it } from "vitest";
import { splitOf, splitTraffic } from "./canary.ts";
import { serviceObjectRefs, serviceObjects } from "./objects.ts";
import { ANNOTATIONS, LABELS, type KubeObject } from "./types.ts";

function project(service: string): ResolvedProject {
  const result = validateFiles({ "dev.yaml": "name: shop\n", "services/api/service.yaml": service });
  expect(result.errors).toEqual([]);
  return result.value!;
}

const canary = "image: example/api:1\nports:\n  - port: 8080\ningress:\n  - { host: api.localhost, path: /v1 }\n  - { host: '*.shop.localhost' }\nrollout:\n  strategy: canary\n";
const named = (objects: KubeObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const weights = (o: KubeObject | undefined) => (o?.spec as { weighted: { services: unknown[] } }).weighted.services;

describe("canary objects", () => {
  const p = project(canary);
  const s = p.services[0]!;
  const objects = serviceObjects(p, s, "example/api:1", { slot: "green" });

  it("run the release in its slot's Deployment, with the default steps as an annotation", () => {
    expect(s.rollout.steps).toEqual([10, 50, 100]);
    const d = named(objects, "Deployment", "api-green");
    expect(d?.metadata.annotations?.[ANNOTATIONS.steps]).toBe("10,50,100");
    expect(d?.metadata.labels?.[LABELS.slot]).toBe("green");
    expect(objects.filter((o) => o.kind === "Deployment")).toHaveLength(1);
  });

  it("have the Service select the slot, a Service per slot, no preview Service and no Ingress", () => {
    const selector = (name: string) => (named(objects, "Service", name)?.spec as { selector: Record<string, string> }).selector[LABELS.slot];
    expect([selector("api"), selector("api-blue"), selector("api-green")]).toEqual(["green", "blue", "green"]);
    for (const o of objects.filter((x) => x.kind === "Service")) new Service(o).validate();
    expect(named(objects, "Service", "api-preview")).toBeUndefined();
    expect(objects.map((o) => o.kind)).not.toContain("Ingress");
  });

  it("route the same hosts and paths through an IngressRoute to the weighted TraefikService, all traffic on the slot", () => {
    const route = named(objects, "IngressRoute", "api");
    expect(route).toMatchObject({ apiVersion: "traefik.io/v1alpha1", metadata: { namespace: "shop", labels: { [LABELS.name]: "api", [LABELS.project]: "shop" } } });
    expect(route?.spec).toEqual({
      entryPoints: ["web"],
      routes: [
        { match: "Host(`api.localhost`) && PathPrefix(`/v1`)", kind: "Rule", services: [{ name: "api", kind: "TraefikService" }] },
        { match: "HostRegexp(`^[^.]+\\.shop\\.localhost$`) && PathPrefix(`/`)", kind: "Rule", services: [{ name: "api", kind: "TraefikService" }] },
      ],
    });
    expect(weights(named(objects, "TraefikService", "api"))).toEqual([{ name: "api-green", port: "http", weight: 100 }]);
    // The route objects come after the Services and the Deployment.
    const kinds = objects.map((o) => o.kind);
    expect(kinds.indexOf("IngressRoute")).toBeGreaterThan(kinds.indexOf("Deployment"));
  });

  it("re-weight a step: the canary share to the canary slot's Service, the rest to the stable one's; a Service at 0 is left out", () => {
    const [step] = splitTraffic(objects, "api", { stable: "blue", canary: "green", weight: 10 });
    expect(weights(step)).toEqual([
      { name: "api-blue", port: "http", weight: 90 },
      { name: "api-green", port: "http", weight: 10 },
    ]);
    expect(splitOf(step!, "api")).toEqual({ blue: 90, green: 10 });
    const [back] = splitTraffic(objects, "api", { stable: "blue", canary: "green", weight: 0 });
    expect(weights(back)).toEqual([{ name: "api-blue", port: "http", weight: 100 }]);
    expect(splitOf(back!, "api")).toEqual({ blue: 100 });
  });

  it("name, for a prune, exactly the objects they make besides the Deployment (both slots kept)", () => {
    const refs = serviceObjectRefs(p, s).map((r) => `${r.kind}/${r.name}`).sort();
    const made = objects.filter((o) => o.kind !== "Deployment").map((o) => `${o.kind}/${o.metadata.name}`);
    expect(refs).toEqual([...made, "Deployment/api-blue", "Deployment/api-green"].sort());
  });

  it("use a TraefikService per port when routes reach different ports", () => {
    const two = project("image: example/api:1\nports:\n  - port: 8080\n  - name: admin\n    port: 9090\ningress:\n  - { path: / }\n  - { path: /admin, port: admin }\nrollout:\n  strategy: canary\n  steps: [25, 100]\n");
    const objs = serviceObjects(two, two.services[0]!, "example/api:1");
    expect(objs.filter((o) => o.kind === "TraefikService").map((o) => o.metadata.name).sort()).toEqual(["api-admin", "api-http"]);
    expect(weights(named(objs, "TraefikService", "api-admin"))).toEqual([{ name: "api-blue", port: "admin", weight: 100 }]);
    expect(named(objs, "Deployment", "api-blue")?.metadata.annotations?.[ANNOTATIONS.steps]).toBe("25,100");
  });
});
