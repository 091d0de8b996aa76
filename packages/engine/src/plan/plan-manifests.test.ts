// The planner with a service that brings its own objects (manifests:): pending until they are
// rendered, deployed with them (injected) once they are, and no prune while they are unknown.
import type { KubeObject } from "@devup/manifests";
import { validateFiles } from "@devup/project";
import { describe, expect, it } from "vitest";
import { plan } from "./plan.ts";

const r = validateFiles({
  "dev.yaml": "name: shop\n",
  "services/api/service.yaml": "build: {}\nmanifests: { yaml: [k8s.yaml] }\n",
  "services/api/k8s.yaml": "",
  "services/api/Dockerfile": "FROM scratch\n",
});
const deployment: KubeObject = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "api-front" },
  spec: { selector: { matchLabels: { app: "a" } }, template: { metadata: { labels: { app: "a" } }, spec: { containers: [{ name: "a", image: "api:dev" }] } } },
};

describe("plan: services with manifests", () => {
  it("is pending while its objects are not rendered, and the plan is not prunable", () => {
    expect(r.errors).toEqual([]);
    const p = plan(r.value!, { delivered: { api: "localhost:5001/shop-api:v1" } });
    expect(p.services[0]).toMatchObject({ name: "api", action: "pending", own: true });
    expect(p.prunable).toBe(false);
  });

  it("deploys its rendered objects with the delivered image injected, and keeps them by kind and API version", () => {
    const p = plan(r.value!, { delivered: { api: "localhost:5001/shop-api:v1" }, rendered: { api: [deployment] } });
    const api = p.services[0]!;
    expect(api.action).toBe("deploy");
    const d = api.objects.find((o) => o.kind === "Deployment")!;
    expect((d.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]!.image).toBe("localhost:5001/shop-api:v1");
    expect(p.prunable).toBe(true);
    expect(p.keep).toContainEqual({ kind: "Deployment", name: "api-front", namespace: "shop", apiVersion: "apps/v1" });
  });

  it("a built image that no object refers to keeps the service (nothing of it deployed)", () => {
    const other = { ...deployment, spec: { ...(deployment.spec as object), template: { spec: { containers: [{ name: "a", image: "other:1" }] } } } } as KubeObject;
    const p = plan(r.value!, { delivered: { api: "localhost:5001/shop-api:v1" }, rendered: { api: [other] } });
    expect(p.services[0]).toMatchObject({ action: "kept", objects: [] });
    expect(p.services[0]!.why).toMatch(/no object of api refers to the image "api"/);
  });
});
