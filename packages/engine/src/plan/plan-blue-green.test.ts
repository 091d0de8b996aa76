// blueGreen in the planner, as plain data: which slot a release goes to, from the slot the Service
// selects now and the release that slot runs.
import { ANNOTATIONS, LABELS } from "@devup/manifests";
import { validateFiles, type ResolvedProject } from "@devup/project";
import { describe, expect, it } from "vitest";
import { plan, type Plan } from "./plan.ts";

function project(rollout = "rollout:\n  strategy: blueGreen\n  verify:\n    http: { path: /health }\n"): ResolvedProject {
  const result = validateFiles({
    "dev.yaml": "name: shop\n",
    "services/api/service.yaml": `build: {}\nports:\n  - port: 8080\n${rollout}`,
    "services/api/Dockerfile": "FROM node:24-slim\n",
  });
  expect(result.errors).toEqual([]);
  return result.value!;
}

const ref = (tag: string) => ({ tags: { api: tag }, built: { api: tag }, delivered: { api: `localhost:5001/shop-api:${tag.split(":")[1]}` } });
const objects = (p: Plan) => p.services.find((s) => s.name === "api")!.objects;
const deployment = (p: Plan) => objects(p).find((o) => o.kind === "Deployment")!;
const selector = (p: Plan, name: string) => (objects(p).find((o) => o.kind === "Service" && o.metadata.name === name)!.spec as { selector: Record<string, string> }).selector;

describe("plan: blueGreen", () => {
  it("puts the first release in blue, with the Service and the preview Service selecting blue, and the check as an annotation", () => {
    const p = plan(project(), ref("devup.local/shop-api:t1"));
    expect(deployment(p).metadata.name).toBe("api-blue");
    expect(deployment(p).metadata.annotations?.[ANNOTATIONS.verify]).toBe("http /health");
    expect((deployment(p).spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels[LABELS.slot]).toBe("blue");
    expect(selector(p, "api")[LABELS.slot]).toBe("blue");
    expect(selector(p, "api-preview")[LABELS.slot]).toBe("blue");
    // A prune keeps both slots and the preview.
    expect(new Set(p.keep.filter((r) => r.kind === "Deployment").map((r) => r.name))).toEqual(new Set(["api-blue", "api-green"]));
    expect(p.keep.map((r) => r.name)).toContain("api-preview");
  });

  it("puts a new release in the idle slot, and the release the live slot runs stays there (no switch)", () => {
    const first = plan(project(), ref("devup.local/shop-api:t1"));
    const runs = deployment(first).metadata.annotations?.[ANNOTATIONS.template];
    expect(runs).toMatch(/^[0-9a-f]{16}$/);
    const again = plan(project(), { ...ref("devup.local/shop-api:t1"), slots: { api: { slot: "blue", template: runs } } });
    expect(deployment(again).metadata.name).toBe("api-blue");
    const next = plan(project(), { ...ref("devup.local/shop-api:t2"), slots: { api: { slot: "blue", template: runs } } });
    expect(deployment(next).metadata.name).toBe("api-green");
    expect(selector(next, "api")[LABELS.slot]).toBe("green");
    const back = plan(project(), { ...ref("devup.local/shop-api:t3"), slots: { api: { slot: "green", template: "0000000000000000" } } });
    expect(deployment(back).metadata.name).toBe("api-blue");
  });

  it("leaves a rolling service as it was: one Deployment named after the service, no slot", () => {
    const p = plan(project(""), { ...ref("devup.local/shop-api:t1"), slots: { api: { slot: "green" } } });
    expect(deployment(p).metadata.name).toBe("api");
    expect(deployment(p).metadata.labels?.[LABELS.slot]).toBeUndefined();
    expect(objects(p).map((o) => o.metadata.name)).not.toContain("api-preview");
  });
});
