// The planner as plain data: a spec and what is observed in, a plan out. No fakes, no timers.
import { LABELS } from "@devup/manifests";
import { validateFiles, type ResolvedProject } from "@devup/project";
import { describe, expect, it } from "vitest";
import { RESTART_LOOP } from "../restart-wrapper.ts";
import { plan, type Plan } from "./plan.ts";

function project(extra: Record<string, string> = {}): ResolvedProject {
  const files: Record<string, string> = {
    "dev.yaml": "name: shop\n",
    "services/db/service.yaml": "image: example/db:1\nports:\n  - port: 5432\n",
    "services/api/service.yaml": "build: {}\nports:\n  - port: 8080\ndependsOn: [db]\n",
    "services/api/Dockerfile": "FROM node:24-slim\n",
    "services/web/service.yaml": "build: {}\nports:\n  - port: 3000\ndependsOn: [api]\n",
    "services/web/Dockerfile": "FROM node:24-slim\n",
    ...extra,
  };
  const result = validateFiles(files);
  expect(result.errors).toEqual([]);
  return result.value!;
}

const tags = { api: "devup.local/shop-api:t1", web: "devup.local/shop-web:t2" };
const actions = (p: Plan) => Object.fromEntries(p.services.map((s) => [s.name, s.action]));
const deploymentImage = (p: Plan, service: string) =>
  (p.services.find((s) => s.name === service)!.objects.find((o) => o.kind === "Deployment") as unknown as { spec: { template: { spec: { containers: Array<{ image: string; command?: string[] }> } } } }).spec.template.spec.containers[0]!;

describe("plan", () => {
  it("orders services in dependency layers, each waiting for what it depends on", () => {
    const p = plan(project());
    expect(p.layers).toEqual([["db"], ["api"], ["web"]]);
    expect(p.services.map((s) => [s.name, s.layer, s.waitsFor, s.waits])).toEqual([
      ["db", 0, [], undefined],
      ["api", 1, ["db"], "waiting for db to be ready (dependsOn in services/api/service.yaml)"],
      ["web", 2, ["api"], "waiting for api to be ready (dependsOn in services/web/service.yaml)"],
    ]);
  });

  it("puts services without a dependency between them in the same layer", () => {
    const p = plan(project({ "services/cache/service.yaml": "image: example/cache:1\n", "services/web/service.yaml": "build: {}\ndependsOn: [api, cache]\n" }));
    expect(p.layers).toEqual([["cache", "db"], ["api"], ["web"]]);
  });

  it("asks for content tags first; a prebuilt image is deployable at once", () => {
    const p = plan(project());
    expect(p.toTag.map((r) => r.service)).toEqual(["api", "web"]);
    expect(p.builds).toEqual([]);
    expect(actions(p)).toEqual({ db: "deploy", api: "pending", web: "pending" });
    expect(p.services.find((s) => s.name === "api")!.why).toBe("its image's content tag is not known yet");
    expect(deploymentImage(p, "db").image).toBe("example/db:1");
  });

  it("with the tags known: builds; once built: deliveries; once delivered: every service deploys its delivered reference", () => {
    const proj = project();
    const building = plan(proj, { tags });
    expect(building.toTag).toEqual([]);
    expect(building.builds.map((b) => [b.service, b.tag])).toEqual([
      ["api", tags.api],
      ["web", tags.web],
    ]);
    expect(building.builds[0]!.dockerfile).toBe(`${proj.root}/services/api/Dockerfile`);
    expect(building.deliveries).toEqual([]);

    const delivering = plan(proj, { tags, built: tags });
    expect(delivering.builds).toEqual([]);
    expect(delivering.deliveries).toEqual([
      { service: "api", tag: tags.api },
      { service: "web", tag: tags.web },
    ]);
    expect(actions(delivering)).toEqual({ db: "deploy", api: "pending", web: "pending" });

    const deploying = plan(proj, { tags, built: tags, delivered: { api: "localhost:5001/shop-api:t1", web: "localhost:5001/shop-web:t2" } });
    expect(deploying.deliveries).toEqual([]);
    expect(actions(deploying)).toEqual({ db: "deploy", api: "deploy", web: "deploy" });
    expect(deploymentImage(deploying, "api").image).toBe("localhost:5001/shop-api:t1");
  });

  it("builds each service's objects on their own: only its own, labelled with its name, without any placeholder image", () => {
    const p = plan(project(), { tags, built: tags, delivered: tags });
    for (const s of p.services) {
      expect(s.objects.length).toBeGreaterThan(0);
      expect(s.objects.map((o) => o.metadata.labels?.[LABELS.name])).toEqual(s.objects.map(() => s.name));
    }
    expect(JSON.stringify(p)).not.toContain("devup.invalid");
    expect(p.namespace).toMatchObject({ kind: "Namespace", metadata: { name: "shop" } });
  });

  it("keeps a failed service's objects out of the deploy but in what a prune keeps, and blocks what depends on it (transitively)", () => {
    const p = plan(project(), { tags, built: { web: tags.web }, delivered: { web: tags.web }, failed: { api: "build failed" } });
    expect(actions(p)).toEqual({ db: "deploy", api: "kept", web: "blocked" });
    expect(p.services.find((s) => s.name === "api")).toMatchObject({ objects: [], why: "build failed" });
    expect(p.services.find((s) => s.name === "web")).toMatchObject({ objects: [], why: "waiting for api, which failed" });
    expect(p.builds).toEqual([]);
    expect(p.keep).toEqual(
      expect.arrayContaining([
        { kind: "Deployment", name: "api", namespace: "shop" },
        { kind: "Service", name: "api", namespace: "shop" },
        { kind: "Deployment", name: "web", namespace: "shop" },
        { kind: "Deployment", name: "db", namespace: "shop" },
        { kind: "Namespace", name: "shop", namespace: undefined },
      ]),
    );
  });

  it("a failed prebuilt service blocks its dependents too", () => {
    const p = plan(project(), { tags, built: tags, delivered: tags, failed: { db: "the cluster refused it" } });
    expect(actions(p)).toEqual({ db: "kept", api: "blocked", web: "blocked" });
    expect(p.services.find((s) => s.name === "web")!.why).toBe("waiting for api, which failed");
  });

  it("pinned images (promote): a built service's pinned image is delivered, not built; a prebuilt one is deployed as pinned", () => {
    const p = plan(project(), { tags, pinned: { api: "reg/shop-api:old", db: "example/db:2" } });
    expect(p.builds.map((b) => b.service)).toEqual(["web"]);
    expect(p.deliveries).toEqual([{ service: "api", tag: "reg/shop-api:old" }]);
    expect(deploymentImage(p, "db").image).toBe("example/db:2");
  });

  it("only: an update of one service plans that service alone and does not wait for the others", () => {
    const p = plan(project(), { tags, only: ["web"], failed: {} });
    expect(p.services.map((s) => s.name)).toEqual(["web"]);
    expect(p.builds.map((b) => b.service)).toEqual(["web"]);
    const ready = plan(project(), { tags, built: tags, delivered: tags, only: ["web"], failed: { api: "build failed" } });
    expect(actions(ready)).toEqual({ web: "deploy" });
  });

  it("wraps a restartable service's command in the restart loop, and only that service's", () => {
    const p = plan(project(), { tags, built: tags, delivered: tags, restart: new Map([["api", ["node", "server.js"]]]) });
    expect(deploymentImage(p, "api").command).toEqual(["/bin/sh", "-c", RESTART_LOOP, "devup-restart", "node", "server.js"]);
    expect(deploymentImage(p, "web").command).toBeUndefined();
  });
});
